// The cross-core ping-pong floor under every request/reply in swlab: thread A (the benchmark
// thread) writes a sequence number into `ping`, thread B spins until it sees it and writes it
// back into `pong`, A spins until it sees the pong. One benchmark iteration is one round trip,
// timed in wall time, so the time column is nanoseconds per round trip: two cache-line
// transfers (ping to B, pong to A) plus the polling. No queue, lock or wake-up can make a
// cross-core request/reply cheaper than this; everything else is measured against it.
//
// Variants:
//   BM_PingPong<SeparateLines>  ping and pong on their own cache lines (the real design).
//   BM_PingPong<SameLine>       both in one line: every store invalidates the line the other
//                               thread is polling, including its own flag.
//   BM_RoundTripSameThread      the same stores and loads with no second thread: the cost of
//                               the instructions alone, the floor under the floor.
// `pin:1` pins A and B to the first two CPUs this process may use (0 and 1 here), `pin:0`
// leaves placement to the scheduler; the `pinned` counter says what actually happened.
// `yields` is sched_yield calls per round trip (A and B together): near 0 when both threads
// had a core of their own, large when the machine was oversubscribed and the number is mostly
// scheduler time.
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <thread>
#include <utility>

#include "measure/ping_pong.h"

namespace {

using namespace swlab;

template <typename Flags>
void BM_PingPong(benchmark::State& state) {
  const bool want_pin = state.range(0) != 0;
  const std::optional<std::pair<int, int>> cpus = want_pin ? first_two_cpus() : std::nullopt;

  PingPongSession<Flags> session(cpus);  // B's start-up stays out of the timed loop
  for (auto _ : state) session.round_trip();
  session.finish();

  const bool pinned = session.pinned();
  state.counters["pinned"] = pinned ? 1 : 0;
  state.counters["yields"] = benchmark::Counter(static_cast<double>(session.yields()),
                                                benchmark::Counter::kAvgIterations);
  state.SetItemsProcessed(state.iterations());  // round trips per second
  state.SetLabel(pinned ? "pinned" : "unpinned");
}

// The same sequence of stores and acquire loads with no second thread: the line never leaves
// this core's L1, so this is the instruction cost alone.
void BM_RoundTripSameThread(benchmark::State& state) {
  SeparateLines flags;
  uint64_t seq = 0;
  for (auto _ : state) {
    ++seq;
    flags.ping().store(seq, std::memory_order_release);
    flags.pong().store(flags.ping().load(std::memory_order_acquire), std::memory_order_release);
    uint64_t seen = flags.pong().load(std::memory_order_acquire);
    benchmark::DoNotOptimize(seen);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_TEMPLATE(BM_PingPong, SeparateLines)->ArgName("pin")->Arg(1)->Arg(0)->UseRealTime();
BENCHMARK_TEMPLATE(BM_PingPong, SameLine)->ArgName("pin")->Arg(1)->Arg(0)->UseRealTime();
BENCHMARK(BM_RoundTripSameThread)->UseRealTime();

}  // namespace
