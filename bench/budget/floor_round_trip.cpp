#include "budget/floor_round_trip.h"

#include <algorithm>

#include "budget/round_trip_timer.h"
#include "measure/ping_pong.h"

namespace swlab {

FloorRoundTrip measure_floor_round_trip(ClockKind clock, double seconds, const std::atomic<bool>* stop) {
  FloorRoundTrip f;
  {
    PingPongSession<SeparateLines> session(first_two_cpus());
    f.round_trip = time_round_trips(clock, seconds, stop, [&] { session.round_trip(); });
    session.finish();
    f.pinned = session.pinned();
  }
  f.placement = placement_of_floor(f.round_trip.p50_ns);
  return f;
}

std::string placement_of_floor(double floor_p50_ns) { return floor_p50_ns <= kNearFarBoundaryNs ? "near" : "far"; }

bool floor_moved(double before_ns, double after_ns) {
  const double lo = std::min(before_ns, after_ns), hi = std::max(before_ns, after_ns);
  return lo <= 0 || hi / lo > kFloorMovedRatio || placement_of_floor(lo) != placement_of_floor(hi);
}

}  // namespace swlab
