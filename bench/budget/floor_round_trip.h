// The floor of one invocation: the cross-core ping-pong (measure/ping_pong.h) between
// the first two CPUs this process may use, every round trip timed (its p99.9 as well
// as its p50, which the per-run floor probe does not record), and the placement that
// floor says the machine's vCPUs were in.
#pragma once

#include <atomic>
#include <string>

#include "budget/latency_budget.h"
#include "load/load_config.h"

namespace swlab {

struct FloorRoundTrip {
  Quantiles round_trip;  // two line transfers
  bool pinned = false;
  std::string placement;  // "near" or "far" (placement_of_floor)
};

FloorRoundTrip measure_floor_round_trip(ClockKind clock, double seconds, const std::atomic<bool>* stop);

// The development VM's two placements (run/placement.h: 110-140 ns near, 380-610 ns
// far) split at their geometric middle. A set of runs splits its probes at their own
// largest gap (placement_rule); one invocation's probe has no set to split, so it is
// placed against this machine's known modes.
inline constexpr double kNearFarBoundaryNs = 230;
std::string placement_of_floor(double floor_p50_ns);

// Two probes around some measurement (a configuration's, or the whole invocation's)
// moved: by more than kFloorMovedRatio, or across kNearFarBoundaryNs. Either way what
// lay between them was measured in more than one placement and is not compared.
inline constexpr double kFloorMovedRatio = 1.5;
bool floor_moved(double before_ns, double after_ns);

}  // namespace swlab
