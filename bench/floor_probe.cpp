#include "floor_probe.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "clock.h"
#include "hdr_histogram.h"
#include "ping_pong.h"

namespace swlab {

FloorSample probe_floor(const FloorOptions& options) {
  FloorSample out;
  const int64_t begin = SteadyClock::now_ns();
  const std::optional<std::pair<int, int>> cpus = options.cpus ? options.cpus : first_two_cpus();

  // A runs on the caller's thread: its mask is restored afterwards so the pinning does
  // not leak into the run that follows.
  cpu_set_t saved;
  CPU_ZERO(&saved);
  const bool have_saved = pthread_getaffinity_np(pthread_self(), sizeof saved, &saved) == 0;
  const bool pinned_a = cpus && have_saved && pin_current_thread(cpus->first);

  SeparateLines flags;
  std::atomic<bool> b_ready{false};
  bool pinned_b = false;
  uint64_t b_yields = 0;
  std::thread b([&] {
    if (cpus) pinned_b = pin_current_thread(cpus->second);
    b_ready.store(true, std::memory_order_release);
    ping_pong_echo(flags, &b_yields);
  });
  while (!b_ready.load(std::memory_order_acquire)) std::this_thread::yield();

  HdrHistogram h;
  uint64_t a_yields = 0;
  uint64_t seq = 0;
  // A short untimed warm-up (1000 round trips or 10 ms): the first round trips pay
  // for B's first wake-up and for faulting in the lines.
  const int64_t warm_until = SteadyClock::now_ns() + 10'000'000;
  for (int i = 0; i < 1000 && SteadyClock::now_ns() < warm_until; ++i) {
    flags.ping().store(++seq, std::memory_order_release);
    wait_for_change(flags.pong(), seq - 1, &a_yields);
  }
  a_yields = 0;
  int64_t t0 = SteadyClock::now_ns();
  const int64_t deadline = t0 + static_cast<int64_t>(options.seconds * 1e9);
  // At least kMinRoundTrips, so a probe on a machine too busy to run B stills says so
  // (in its yields) rather than reporting nothing.
  constexpr int64_t kMinRoundTrips = 200;
  while (t0 < deadline || h.count() < kMinRoundTrips) {
    flags.ping().store(++seq, std::memory_order_release);
    wait_for_change(flags.pong(), seq - 1, &a_yields);
    const int64_t t1 = SteadyClock::now_ns();
    h.record(t1 - t0);
    t0 = t1;
  }
  flags.ping().store(kPingPongStop, std::memory_order_release);
  b.join();  // B's writes (pinned_b, b_yields) are visible after the join
  if (have_saved && pinned_a) pthread_setaffinity_np(pthread_self(), sizeof saved, &saved);

  out.p50_ns = h.value_at_percentile(50);
  out.p99_ns = h.value_at_percentile(99);
  out.round_trips = static_cast<uint64_t>(h.count());
  out.yields_per_round_trip =
      h.count() > 0 ? static_cast<double>(a_yields + b_yields) / static_cast<double>(h.count()) : 0;
  out.pinned = pinned_a && pinned_b;
  out.cost_s = static_cast<double>(SteadyClock::now_ns() - begin) * 1e-9;
  return out;
}

}  // namespace swlab
