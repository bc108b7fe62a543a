#include "measure/floor_probe.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "measure/clock.h"
#include "measure/hdr_histogram.h"
#include "measure/ping_pong.h"

namespace swlab {

FloorSample probe_floor(const FloorOptions& options) {
  FloorSample out;
  const int64_t begin = SteadyClock::now_ns();
  const std::optional<std::pair<int, int>> cpus = options.cpus ? options.cpus : first_two_cpus();

  PingPongSession<SeparateLines> session(cpus);
  HdrHistogram h;
  // A short untimed warm-up (1000 round trips or 10 ms): the first round trips pay
  // for B's first wake-up and for faulting in the lines.
  const int64_t warm_until = SteadyClock::now_ns() + 10'000'000;
  for (int i = 0; i < 1000 && SteadyClock::now_ns() < warm_until; ++i) session.round_trip();
  session.reset_yields();
  int64_t t0 = SteadyClock::now_ns();
  const int64_t deadline = t0 + static_cast<int64_t>(options.seconds * 1e9);
  // At least kMinRoundTrips, so a probe on a machine too busy to run B stills says so
  // (in its yields) rather than reporting nothing.
  constexpr int64_t kMinRoundTrips = 200;
  while (t0 < deadline || h.count() < kMinRoundTrips) {
    session.round_trip();
    const int64_t t1 = SteadyClock::now_ns();
    h.record(t1 - t0);
    t0 = t1;
  }
  session.finish();

  out.p50_ns = h.value_at_percentile(50);
  out.p99_ns = h.value_at_percentile(99);
  out.round_trips = static_cast<uint64_t>(h.count());
  out.yields_per_round_trip =
      h.count() > 0 ? static_cast<double>(session.yields()) / static_cast<double>(h.count()) : 0;
  out.pinned = session.pinned();
  if (cpus) {
    out.cpu_a = cpus->first;
    out.cpu_b = cpus->second;
  }
  out.cost_s = static_cast<double>(SteadyClock::now_ns() - begin) * 1e-9;
  return out;
}

}  // namespace swlab
