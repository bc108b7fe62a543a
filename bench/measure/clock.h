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
//
// Every clock also reads raw ticks, the unit the load generator keeps its stamps in
// until a latency is filed into a histogram (between commands, not inside one): for
// steady_clock a tick is a ns; for the TSC, a cycle of the constant-rate counter.
struct SteadyClock {
  static constexpr const char* kName = "steady_clock";
  static int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  static int64_t ticks() { return now_ns(); }
  static int64_t to_ns(int64_t ticks) { return ticks; }
  static int64_t from_ns(int64_t ns) { return ns; }
  static double ticks_per_ns() { return 1.0; }
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
  static inline double ticks_per_ns_ = 1.0;
  static int64_t now_ns() { return base_ns + to_ns(ticks()); }
  // Ticks since the calibration: one RDTSC and a subtraction, nothing on its result's
  // critical path (the scaling waits until the latency is filed).
  static int64_t ticks() {
#if defined(__x86_64__)
    return static_cast<int64_t>(__builtin_ia32_rdtsc() - base_ticks);
#else
    return SteadyClock::now_ns();
#endif
  }
  static int64_t to_ns(int64_t ticks) {
#if defined(__x86_64__)
    __extension__ using Wide = __int128;  // GCC and Clang's; -Wpedantic would flag it
    return static_cast<int64_t>((static_cast<Wide>(ticks) * ns_per_tick_q32) >> 32);
#else
    return ticks;
#endif
  }
  static int64_t from_ns(int64_t ns) { return static_cast<int64_t>(static_cast<double>(ns) * ticks_per_ns_); }
  static double ticks_per_ns() { return ticks_per_ns_; }
};

// Whether the CPU has an invariant TSC (constant_tsc and nonstop_tsc in
// /proc/cpuinfo) on x86-64: then the TSC is the load generator's default clock.
bool invariant_tsc(std::string* why);

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
// The same, with the deadline in the clock's ticks.
template <class Clock>
void wait_until_ticks(int64_t deadline_ticks, const std::atomic<bool>* stop = nullptr) {
  wait_until<Clock>(Clock::now_ns() + Clock::to_ns(deadline_ticks - Clock::ticks()), stop);
}

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
