// Hardware counters of one run (cycles, instructions, last-level cache misses), read
// through perf_event_open where the machine exposes them. A virtual machine often
// does not (this project's 2-vCPU KVM guest answers ENOENT for every hardware event);
// then the run records that, with the reason, and CPU time per command and context
// switches stand in (docs/methodology.md, "Hardware counters").
//
// The counters are opened with inherit = 1 on the calling thread, so they count that
// thread and every thread it starts afterwards, engine threads and clients alike.
// Open them after the floor probe and before the engine is created; read them after
// the engine has shut down. They therefore cover the warm-up as well as the measured
// part, and a run divides them by every command it sent (RunResult::total_replies).
// Cold path: opened and read once a run.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace swlab {

// One perf event: PERF_TYPE_* and its PERF_COUNT_* (linux/perf_event.h).
struct PerfEvent {
  const char* name;
  uint32_t type;
  uint64_t config;
};
// cycles, instructions, cache-misses (the last-level cache's, on most CPUs).
extern const std::array<PerfEvent, 3> kHardwareEvents;

struct HardwareCounts {
  bool exposed = false;
  std::string why;          // not exposed: the first event's error, e.g. "cycles: ENOENT ..."
  bool user_only = false;   // the kernel's share was not allowed (perf_event_paranoid)
  uint64_t cycles = 0, instructions = 0, cache_misses = 0;
  // Time counted over time enabled, lowest of the three: below 1 when the kernel
  // multiplexed the counters, and the counts above are scaled up by it.
  double running_share = 0;
};

class HardwareCounters {
 public:
  // Opens and starts the counters (or records why it could not). Other events than
  // the hardware three are for tests: a software event (task-clock) works in any VM.
  explicit HardwareCounters(std::span<const PerfEvent, 3> events = kHardwareEvents);
  ~HardwareCounters();
  HardwareCounters(const HardwareCounters&) = delete;
  HardwareCounters& operator=(const HardwareCounters&) = delete;

  // The three events' counts go to cycles, instructions and cache_misses in order.
  HardwareCounts read() const;

 private:
  std::span<const PerfEvent, 3> events_;
  std::array<int, 3> fd_{-1, -1, -1};
  bool user_only_ = false;
  std::string why_;
};

// Whether this machine exposes the counters at all (opens and closes them once).
HardwareCounts probe_hardware_counters();

}  // namespace swlab
