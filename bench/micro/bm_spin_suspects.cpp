// The suspects behind the near-mode anomaly (issue 14): why a spinning single-writer
// configuration was sometimes slower than a blocking one when the two vCPUs sat on
// nearby cores. Each benchmark is the raw cross-core ping-pong (ping_pong.h) with
// one thing changed, so its ratio to the unchanged ping-pong in the same run
// isolates that thing:
//
//   BM_Wait<...>    how the waiting side spins: PAUSE with budgets counted in
//                   iterations (16, 2048, 65536), PAUSE with a budget in ns, and a
//                   plain load loop with no PAUSE. Under KVM a PAUSE storm can trip
//                   pause-loop exiting (the host deschedules the vCPU), and one PAUSE
//                   costs ~10-65 cycles on Zen but ~140 on Skylake-X, so a budget in
//                   iterations means a different time on every CPU.
//   BM_Layout<...>  where the words live: ping and pong on one line (the reply word
//                   beside the request), and an admission word (every client's
//                   fetch_add, as the engine's in-flight count) on its own line or on
//                   the request's line.
//   BM_PauseCost    one PAUSE, in ns: the unit the iteration budgets are counted in.
//
// Every ping-pong row carries `floor_ns`: a 50 ms floor probe taken just before it,
// so a row can be read as a multiple of the placement it ran in (the host moves the
// vCPUs; see docs/methodology.md). `yields` counts sched_yield calls per round trip.
// All rows pin A and B to the first two CPUs this process may use.
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdint>

#include "measure/clock.h"
#include "measure/floor_probe.h"
#include "measure/ping_pong.h"
#include "platform/cache_line.h"
#include "platform/cpu_relax.h"

namespace {

using namespace swlab;

// PauseBudget<N> (ping_pong.h): PAUSE up to N polls, then yield on every further poll.

// A plain load loop: no PAUSE, the same 2048-poll budget.
struct NoPause {
  int spins = 0;
  bool spin() { return ++spins <= kPingPongSpinsBeforeYield; }
};

// PAUSE until NS nanoseconds have passed in this wait (the clock is read every 32
// polls, so the budget costs no more than a clock read per ~0.3-4 us), then yield.
template <int64_t NS>
struct PauseForNs {
  int64_t deadline = 0;
  uint32_t polls = 0;
  bool spin() {
    if ((polls++ & 31) == 0) {
      const int64_t now = SteadyClock::now_ns();
      if (deadline == 0) deadline = now + NS;
      else if (now >= deadline) return false;
    }
    cpu_relax();
    return true;
  }
};

// SeparateLines plus an admission word on a line of its own: A increments it before
// each ping, B decrements it before the pong, as a client and the engine do with the
// engine's in-flight count.
struct AdmissionOwnLine {
  PaddedFlag ping_line;
  PaddedFlag pong_line;
  alignas(kCacheLine) std::atomic<int64_t> admitted{0};
  std::atomic<uint64_t>& ping() { return ping_line.value; }
  std::atomic<uint64_t>& pong() { return pong_line.value; }
  void on_ping() { admitted.fetch_add(1, std::memory_order_acq_rel); }
  void on_pong() { admitted.fetch_sub(1, std::memory_order_acq_rel); }
};
static_assert(offsetof(AdmissionOwnLine, admitted) - offsetof(AdmissionOwnLine, pong_line) >= kCacheLine,
              "the admission word must not share the pong line");

// The admission word on the request's (ping's) line.
struct alignas(kCacheLine) AdmissionOnPingLine {
  std::atomic<uint64_t> ping_value{0};
  std::atomic<int64_t> admitted{0};
  PaddedFlag pong_line;
  std::atomic<uint64_t>& ping() { return ping_value; }
  std::atomic<uint64_t>& pong() { return pong_line.value; }
  void on_ping() { admitted.fetch_add(1, std::memory_order_acq_rel); }
  void on_pong() { admitted.fetch_sub(1, std::memory_order_acq_rel); }
};
static_assert(offsetof(AdmissionOnPingLine, admitted) + sizeof(std::atomic<int64_t>) <= 64,
              "ping and the admission word must share one 64-byte line");
static_assert(offsetof(AdmissionOnPingLine, pong_line) >= kCacheLine, "pong must be on its own line");

template <class Flags, class Wait>
void PingPongVariant(benchmark::State& state) {
  FloorOptions probe;
  probe.seconds = 0.05;
  const FloorSample floor = probe_floor(probe);
  PingPongSession<Flags, Wait> session(first_two_cpus());
  for (auto _ : state) session.round_trip();
  session.finish();
  state.counters["floor_ns"] = static_cast<double>(floor.p50_ns);
  state.counters["pinned"] = session.pinned() ? 1 : 0;
  state.counters["yields"] =
      benchmark::Counter(static_cast<double>(session.yields()), benchmark::Counter::kAvgIterations);
  state.SetItemsProcessed(state.iterations());
}

void BM_PauseCost(benchmark::State& state) {
  for (auto _ : state)
    for (int i = 0; i < 1000; ++i) cpu_relax();
  state.SetItemsProcessed(state.iterations() * 1000);  // 1 / items_per_second = one PAUSE
}

// The reference row first, again last: the spread between the two is the drift of
// the machine during the run.
#define SWLAB_VARIANT(name, flags, wait) \
  BENCHMARK(PingPongVariant<flags, wait>)->Name(name)->UseRealTime()->MinTime(0.3)

SWLAB_VARIANT("reference/separate-lines/pause-2048", SeparateLines, PauseThenYield);
SWLAB_VARIANT("wait/pause-16", SeparateLines, PauseBudget<16>);
SWLAB_VARIANT("wait/pause-65536", SeparateLines, PauseBudget<65536>);
SWLAB_VARIANT("wait/no-pause-2048", SeparateLines, NoPause);
SWLAB_VARIANT("wait/pause-for-2us", SeparateLines, PauseForNs<2'000>);
SWLAB_VARIANT("wait/pause-for-50us", SeparateLines, PauseForNs<50'000>);
SWLAB_VARIANT("layout/reply-on-request-line", SameLine, PauseThenYield);
SWLAB_VARIANT("layout/admission-own-line", AdmissionOwnLine, PauseThenYield);
SWLAB_VARIANT("layout/admission-on-request-line", AdmissionOnPingLine, PauseThenYield);
SWLAB_VARIANT("reference-again/separate-lines/pause-2048", SeparateLines, PauseThenYield);
BENCHMARK(BM_PauseCost)->UseRealTime();

}  // namespace
