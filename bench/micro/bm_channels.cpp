// Every single-writer channel on its own, without an engine: round trip (ping-pong
// over two channels of the same kind, one item in flight) and throughput (N
// producers to one consumer). Built into one binary with bm_pingpong.cpp, so the
// raw cache-line ping-pong and these are measured in the same run.
//
// Time column: wall time per round trip (UseRealTime, one round trip an iteration)
// for BM_ChannelRoundTrip; for BM_ChannelThroughput, wall time per item
// (items_per_second is the consumer's rate).
//
// The channels are the list's (single_writer/policies.h, Channels), each under its
// own name (BM_ChannelRoundTrip/spsc, BM_ChannelThroughput/spsc/2): a channel added
// to the list is measured here without an edit, and scripts/channel_table.sh reads
// the names back from this binary. Beside them, under its own name, the baseline
// that is not a channel of the engine: boost-spsc.
//
// The tokio channel's consumer is a task on a runtime, not a ring a thread polls,
// so its round trip is the seed's own (engines/tokio/src/lib.rs, the echo): a
// oneshot, blocking_send into an mpsc, a task on a current-thread runtime that
// awaits recv() and answers, blocking_recv. Beside it, to say where the time goes:
// the same structures with nobody parking (try_send, a polling task, the caller
// polling the oneshot), and a oneshot alone made, sent and received on one thread.
#include <benchmark/benchmark.h>

#include <atomic>
#include <boost/lockfree/spsc_queue.hpp>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "measure/poll_channel.h"
#include "single_writer/channels/producer_slots.h"
#include "single_writer/policies.h"
#if SWLAB_HAVE_TOKIO
#include "tokio/swlab_tokio.h"
#endif

namespace swlab {
namespace {

constexpr std::size_t kCapacity = 1024;

// The baseline for `spsc`: what that channel was before its rings published in the
// slot (lap_ring.h). One boost::lockfree::spsc_queue per producer, whose separate
// read and write indices each live on their own line: a hand-off moves the write
// index's line and the slot's to the consumer, and the read index's back to the
// producer (which reads it on every push).
template <class T>
class BoostSpscChannel {
 public:
  explicit BoostSpscChannel(std::size_t capacity) : capacity_(capacity) {}
  void push(T item) {
    auto& ring = producers_.local([this] { return std::make_unique<Ring>(capacity_ + 1); });
    while (!ring.push(item)) {
    }
  }
  std::size_t pop_bulk(T* out, std::size_t max) {
    return producers_.drain_round_robin(out, max, [](Ring& r, T* o, std::size_t m) { return r.pop(o, m); });
  }

 private:
  using Ring = boost::lockfree::spsc_queue<T>;
  const std::size_t capacity_;
  ProducerSlots<Ring> producers_;
};

template <template <class> class Channel>
void BM_ChannelRoundTrip(benchmark::State& state) {
  Channel<uintptr_t> to_b(kCapacity), to_a(kCapacity);
  std::atomic<bool> stop{false};
  std::thread b([&] {
    while (true) {
      uintptr_t v = poll_one(to_b);
      if (v == 0) return;  // 0: stop
      to_a.push(v);
    }
  });
  uintptr_t n = 1;
  for (auto _ : state) {
    to_b.push(n);
    benchmark::DoNotOptimize(poll_one(to_a));
    ++n;
  }
  to_b.push(0);
  b.join();
  (void)stop;
}

template <template <class> class Channel>
void BM_ChannelThroughput(benchmark::State& state) {
  const int producers = static_cast<int>(state.range(0));
  constexpr uintptr_t kPerProducer = 200'000;
  int64_t items = 0;
  for (auto _ : state) {
    Channel<uintptr_t> ch(kCapacity * 32);  // boost-queue holds at most 65,534
    std::atomic<int> room{static_cast<int>(kCapacity)};  // a bound, like the engine's admission
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
      threads.emplace_back([&] {
        for (uintptr_t i = 1; i <= kPerProducer; ++i) {
          while (room.load(std::memory_order_relaxed) <= 0) std::this_thread::yield();
          room.fetch_sub(1, std::memory_order_relaxed);
          ch.push(i);
        }
      });
    }
    const uintptr_t total = kPerProducer * static_cast<uintptr_t>(producers);
    uintptr_t got = 0;
    uintptr_t buf[64];
    uint32_t polls = 0;
    while (got < total) {
      std::size_t k = ch.pop_bulk(buf, 64);
      if (k == 0) {
        if (++polls % kPollSpinsBeforeYield == 0) std::this_thread::yield();
        continue;
      }
      room.fetch_add(static_cast<int>(k), std::memory_order_relaxed);
      got += k;
    }
    for (auto& t : threads) t.join();
    items += static_cast<int64_t>(total);
  }
  state.SetItemsProcessed(items);
}

#if SWLAB_HAVE_TOKIO
// spin = false: the seed (both sides park when idle); true: nobody parks.
void TokioRoundTrip(benchmark::State& state, bool spin) {
  swlab_tokio_echo* echo = swlab_tokio_echo_new(spin);
  std::thread task([echo] { swlab_tokio_echo_serve(echo); });
  for (auto _ : state) swlab_tokio_echo_call(echo);
  swlab_tokio_echo_close(echo);
  task.join();
  swlab_tokio_echo_free(echo);
}

void BM_TokioOneshotAlone(benchmark::State& state) {
  for (auto _ : state) swlab_tokio_oneshot_local();
}
BENCHMARK(BM_TokioOneshotAlone);

#endif

// A polled channel's round trip and throughput, under `name`.
template <template <class> class Channel>
void register_polled(const std::string& name) {
  benchmark::RegisterBenchmark(("BM_ChannelRoundTrip/" + name).c_str(), BM_ChannelRoundTrip<Channel>)->UseRealTime();
  benchmark::RegisterBenchmark(("BM_ChannelThroughput/" + name).c_str(), BM_ChannelThroughput<Channel>)
      ->Arg(1)
      ->Arg(2)
      ->Arg(4)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond)
      ->Iterations(3);
}

template <class>
inline constexpr bool kNoBareRoundTrip = false;

// Every channel of the list. A driving channel has no ring to poll: its consumer is a
// loop of its own, so its bare round trip is that loop's (tokio's: the seed's echo).
const bool channels_registered = [] {
  for_each_channel(Channels{}, [&]<template <class> class C>() {
    using Ch = RequestChannel<C>;
    const std::string name = Ch::kName;
    if constexpr (PolledChannel<Ch>) {
      register_polled<C>(name);
#if SWLAB_HAVE_TOKIO
    } else if constexpr (std::is_same_v<Ch, RequestChannel<TokioChannel>>) {
      benchmark::RegisterBenchmark(("BM_ChannelRoundTrip/" + name).c_str(), TokioRoundTrip, false)->UseRealTime();
      benchmark::RegisterBenchmark("BM_TokioRoundTripNoParking", TokioRoundTrip, true)->UseRealTime();
#endif
    } else {
      static_assert(kNoBareRoundTrip<Ch>, "a driving channel needs its bare round trip registered here");
    }
  });
  register_polled<BoostSpscChannel>("boost-spsc");
  return true;
}();

}  // namespace
}  // namespace swlab
