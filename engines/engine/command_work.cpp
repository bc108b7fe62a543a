#include "engine/command_work.h"

#include <algorithm>
#include <chrono>

namespace swlab {

double calibrate_work() {
  using Clock = std::chrono::steady_clock;
  // Rounds of about 1 ms each: long against the clock's resolution and its cost,
  // short against a time slice, so the fastest round is one that ran undisturbed.
  constexpr int kRounds = 20;
  uint64_t iterations = 1 << 12;
  // Grow the round until it takes about a millisecond.
  for (;;) {
    const auto t0 = Clock::now();
    spin_work(iterations, 1);
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
    if (ns >= 1'000'000 || iterations >= (uint64_t{1} << 40)) break;
    iterations *= 2;
  }
  int64_t best = INT64_MAX;
  for (int r = 0; r < kRounds; ++r) {
    const auto t0 = Clock::now();
    spin_work(iterations, static_cast<uint64_t>(r) + 2);
    best = std::min<int64_t>(best, std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
  }
  return static_cast<double>(iterations) / static_cast<double>(std::max<int64_t>(best, 1));
}

}  // namespace swlab
