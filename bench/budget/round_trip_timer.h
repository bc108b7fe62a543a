// Times a round trip, one at a time, for the budget's probes: each sample is the gap
// between two consecutive clock reads around one round trip, so it holds the round
// trip and one clock read, which is subtracted (measured on this clock, in this
// invocation) so that a probe's figures hold what the engine's round trip holds and
// nothing of the measuring. The probes' figures then compare with the end-to-end
// round trip, whose clock read the generator's cost accounts for.
#pragma once

#include <atomic>
#include <cstdint>

#include "budget/latency_budget.h"
#include "load/load_config.h"
#include "measure/clock.h"
#include "measure/hdr_histogram.h"

namespace swlab {

// `round_trip()` repeated for about `seconds` (at least 1000 times unless stopped),
// after a tenth as long unrecorded to warm caches and branch predictors.
template <class Clock, class F>
Quantiles time_round_trips(double seconds, const std::atomic<bool>* stop, F&& round_trip) {
  const double read_ns = clock_overhead_ns<Clock>();
  const int64_t warm_until = Clock::now_ns() + static_cast<int64_t>(seconds * 0.1e9);
  while (Clock::now_ns() < warm_until) round_trip();
  HdrHistogram h;
  const int64_t end = Clock::now_ns() + static_cast<int64_t>(seconds * 1e9);
  int64_t last = Clock::ticks();
  for (uint64_t n = 0;; ++n) {
    round_trip();
    const int64_t now = Clock::ticks();
    h.record(Clock::to_ns(now - last));
    last = now;
    // The deadline is checked every 256 round trips, and between two samples.
    if ((n & 255) == 255) {
      if (stop != nullptr && stop->load(std::memory_order_relaxed)) break;
      if (n >= 1000 && Clock::now_ns() >= end) break;
      last = Clock::ticks();
    }
  }
  Quantiles q;
  q.p50_ns = static_cast<double>(h.value_at_percentile(50)) - read_ns;
  q.p999_ns = static_cast<double>(h.value_at_percentile(99.9)) - read_ns;
  return q;
}

// The same, on the clock a run uses.
template <class F>
Quantiles time_round_trips(ClockKind clock, double seconds, const std::atomic<bool>* stop, F&& round_trip) {
  if (clock == ClockKind::kTsc) return time_round_trips<TscClock>(seconds, stop, round_trip);
  return time_round_trips<SteadyClock>(seconds, stop, round_trip);
}

// One clock read on the clock a run uses, in ns.
inline double clock_read_ns(ClockKind clock) {
  return clock == ClockKind::kTsc ? clock_overhead_ns<TscClock>() : clock_overhead_ns<SteadyClock>();
}

}  // namespace swlab
