#include "measure/hardware_counters.h"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

namespace swlab {
namespace {

int open_counter(const PerfEvent& e, bool user_only) {
  perf_event_attr a;
  std::memset(&a, 0, sizeof a);
  a.size = sizeof a;
  a.type = e.type;
  a.config = e.config;
  // Not grouped: the kernel refuses PERF_FORMAT_GROUP reads of inherited counters on
  // older kernels, and three separate counters read the same with the time fields.
  a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
  a.inherit = 1;  // and every thread this one starts from now on
  a.exclude_hv = 1;
  a.exclude_kernel = user_only ? 1 : 0;
  return static_cast<int>(syscall(SYS_perf_event_open, &a, 0 /* this thread */, -1 /* any CPU */, -1, 0));
}

}  // namespace

const std::array<PerfEvent, 3> kHardwareEvents{{{"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
                                                {"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
                                                {"cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES}}};

HardwareCounters::HardwareCounters(std::span<const PerfEvent, 3> events) : events_(events) {
  for (bool user_only : {false, true}) {
    user_only_ = user_only;
    int failed = 0;  // the first event's errno, 0 when all three opened
    for (std::size_t i = 0; i < events_.size() && failed == 0; ++i) {
      fd_[i] = open_counter(events_[i], user_only);
      if (fd_[i] < 0) {
        failed = errno;
        why_ = std::string(events_[i].name) + ": perf_event_open: " + std::strerror(failed);
      }
    }
    if (failed == 0) {
      why_.clear();
      return;
    }
    for (int& fd : fd_) {
      if (fd >= 0) close(fd);
      fd = -1;
    }
    // EACCES/EPERM with the kernel counted: perf_event_paranoid >= 2 still allows the
    // user-space share. Any other error (ENOENT: no such event here) will not change.
    if (failed != EACCES && failed != EPERM) return;
  }
}

HardwareCounters::~HardwareCounters() {
  for (int fd : fd_)
    if (fd >= 0) close(fd);
}

HardwareCounts HardwareCounters::read() const {
  HardwareCounts c;
  c.user_only = user_only_;
  if (fd_[0] < 0) {
    c.why = why_;
    return c;
  }
  uint64_t* out[3] = {&c.cycles, &c.instructions, &c.cache_misses};
  c.running_share = 1;
  for (std::size_t i = 0; i < fd_.size(); ++i) {
    uint64_t v[3] = {0, 0, 0};  // value, time enabled, time running
    if (::read(fd_[i], v, sizeof v) != static_cast<ssize_t>(sizeof v)) {
      c.why = std::string(events_[i].name) + ": read: " + std::strerror(errno);
      return c;
    }
    if (v[2] == 0) {  // enabled but never scheduled onto the PMU: nothing to scale
      c.why = std::string(events_[i].name) + ": never counted (the PMU was busy)";
      return c;
    }
    const double share = static_cast<double>(v[2]) / static_cast<double>(v[1] > 0 ? v[1] : v[2]);
    c.running_share = std::min(c.running_share, share);
    *out[i] = static_cast<uint64_t>(std::llround(static_cast<double>(v[0]) / share));
  }
  c.exposed = true;
  return c;
}

HardwareCounts probe_hardware_counters() {
  HardwareCounters h;
  return h.read();
}

}  // namespace swlab
