// Clocks for latency measurement. Both are policies of the client loop (a template
// parameter), so reading the clock costs one inlined instruction sequence and no
// branch on which clock is in use.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace swlab {

// std::chrono::steady_clock: clock_gettime(CLOCK_MONOTONIC) through the vDSO, about
// 20 ns a read on current x86 (the figure a run reports is measured, see below).
struct SteadyClock {
  static constexpr const char* kName = "steady_clock";
  static int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

// The time-stamp counter, scaled to ns with a ratio calibrated against steady_clock.
// Cheaper (no vDSO call) but only trustworthy on CPUs with an invariant TSC, which
// calibrate_tsc() checks in /proc/cpuinfo; the run refuses --clock tsc otherwise.
struct TscClock {
  static constexpr const char* kName = "tsc";
  // ns per tick in fixed point (1/2^32 ns), set by calibrate_tsc(): the scaling is one
  // integer multiply. In double it was a conversion, a multiply and a conversion back,
  // about a dozen cycles on the critical path of every reading, beside RDTSC's 25-40.
  static inline int64_t ns_per_tick_q32 = 0;
  static inline uint64_t base_ticks = 0;
  static inline int64_t base_ns = 0;
  static int64_t now_ns() {
#if defined(__x86_64__)
    __extension__ using Wide = __int128;  // GCC and Clang's; -Wpedantic would flag it
    const int64_t ticks = static_cast<int64_t>(__builtin_ia32_rdtsc() - base_ticks);
    return base_ns + static_cast<int64_t>((static_cast<Wide>(ticks) * ns_per_tick_q32) >> 32);
#else
    return SteadyClock::now_ns();
#endif
  }
};

// Calibrates TscClock over ~50 ms. Returns false (with the reason) when the CPU
// lacks an invariant TSC or the platform is not x86-64.
bool calibrate_tsc(std::string* why);

// The measured cost of one clock read, in ns (the fastest of several batches).
template <class Clock>
double clock_overhead_ns() {
  constexpr int kReads = 200'000;
  double best = 1e9;
  for (int round = 0; round < 5; ++round) {
    auto t0 = std::chrono::steady_clock::now();
    // Unsigned, so the sum wraps: 200,000 readings of a clock 13 hours past boot
    // (steady_clock counts from boot) overflow an int64_t, which UBSan rightly flags.
    uint64_t sink = 0;
    for (int i = 0; i < kReads; ++i) sink += static_cast<uint64_t>(Clock::now_ns());
    auto t1 = std::chrono::steady_clock::now();
    asm volatile("" : : "r"(sink));
    double ns = std::chrono::duration<double, std::nano>(t1 - t0).count() / kReads;
    best = ns < best ? ns : best;
  }
  return best;
}

// Sleeps or spins until the clock reaches `deadline_ns`, or until `stop` (when given)
// becomes true. Far from the deadline it sleeps, in slices of at most 50 ms so that a
// stop request (SIGINT, SIGTERM) is seen within 100 ms however far away the deadline
// is; in the last stretch (the OS timer's slack is tens of microseconds) it yields, so
// that on a machine with fewer cores than threads the waiting client hands its core
// to the engine instead of spinning on it.
template <class Clock>
void wait_until(int64_t deadline_ns, const std::atomic<bool>* stop = nullptr);

}  // namespace swlab

#include <thread>

namespace swlab {

template <class Clock>
void wait_until(int64_t deadline_ns, const std::atomic<bool>* stop) {
  constexpr int64_t kSleepSlack = 100'000;     // 100 us
  constexpr int64_t kLongestSleep = 50'000'000;  // 50 ms
  while (!(stop && stop->load(std::memory_order_relaxed))) {
    const int64_t left = deadline_ns - Clock::now_ns();
    if (left <= 0) return;
    if (left > kSleepSlack) {
      std::this_thread::sleep_for(std::chrono::nanoseconds(std::min(left - kSleepSlack, kLongestSleep)));
    } else {
      std::this_thread::yield();
    }
  }
}

}  // namespace swlab
