// The run's counters (bench/hardware_counters.h) count every thread started after
// they are opened. The hardware events are missing in most VMs (this project's
// development VM answers ENOENT), so the mechanism is tested with software events,
// which the kernel provides everywhere perf_event_open is allowed at all.
#include <linux/perf_event.h>

#include <time.h>

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "measure/hardware_counters.h"

namespace swlab {
namespace {

// task-clock counts nanoseconds on a CPU: three copies read as cycles, instructions
// and cache misses.
constexpr std::array<PerfEvent, 3> kTaskClock{{{"task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK},
                                               {"task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK},
                                               {"task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK}}};

// Spins until this thread has had `ms` of CPU time: wall time would make the count
// depend on how busy the machine is (under ctest -j2, with this test's three spinning
// threads on 2 CPUs, two 100 ms wall-time spins were counted as 69 ms of CPU).
void spin_for_cpu(int64_t ms) {
  const auto cpu_ns = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
  };
  const int64_t until = cpu_ns() + ms * 1'000'000;
  std::atomic<uint64_t> n{0};
  while (cpu_ns() < until) n.fetch_add(1, std::memory_order_relaxed);
}

TEST(HardwareCounters, CountThreadsStartedAfterThemAndNotBefore) {
  // A thread started before the counters: its CPU time must not be counted.
  std::atomic<bool> go{false};
  std::thread before([&] {
    while (!go.load()) std::this_thread::yield();
    spin_for_cpu(300);
  });
  const HardwareCounters counters(kTaskClock);
  const HardwareCounts idle = counters.read();
  if (!idle.exposed && idle.why.find("perf_event_open") != std::string::npos) {
    go = true;
    before.join();
    GTEST_SKIP() << "perf_event_open is not allowed here: " << idle.why;
  }
  ASSERT_TRUE(idle.exposed) << idle.why;
  go = true;
  std::vector<std::thread> after;
  for (int i = 0; i < 2; ++i) after.emplace_back([] { spin_for_cpu(100); });
  for (auto& t : after) t.join();
  before.join();
  const HardwareCounts c = counters.read();
  ASSERT_TRUE(c.exposed) << c.why;
  // Two threads of 100 ms of CPU each, inherited: 200 ms, and a little more for this
  // thread's own share; the thread started before would add its 300 ms if it were
  // wrongly counted.
  EXPECT_GE(c.cycles, 195'000'000u) << "inherited threads' CPU time not counted";
  EXPECT_LT(c.cycles, 400'000'000u) << "a thread started before the counters was counted";
  // The same event three times, read in turn: equal but for the reading thread's own
  // few microseconds between the reads.
  EXPECT_NEAR(static_cast<double>(c.cycles), static_cast<double>(c.instructions), 5e6);
  EXPECT_GT(c.running_share, 0.0);
  EXPECT_LE(c.running_share, 1.0);
}

TEST(HardwareCounters, SayWhyWhenTheMachineHasNone) {
  const HardwareCounts c = probe_hardware_counters();
  if (c.exposed) {
    EXPECT_GT(c.cycles, 0u);
    EXPECT_TRUE(c.why.empty());
  } else {
    EXPECT_NE(c.why.find("cycles"), std::string::npos) << c.why;  // names the event that failed
  }
}

}  // namespace
}  // namespace swlab
