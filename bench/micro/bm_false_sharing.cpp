// False sharing: N threads each increment their own counter, so no data is shared, but in the
// packed layout the counters sit side by side in one 64-byte line and every increment has to
// take that line exclusive, pulling it away from whichever core wrote it last. In the padded
// layout each counter has its own kCacheLine (128 bytes, a prefetched pair of lines) and the
// threads never touch each other's lines.
//
//   BM_FalseSharing<Packed, Atomic>   fetch_add(1, relaxed) on adjacent std::atomic<uint64_t>
//   BM_FalseSharing<Padded, Atomic>   the same, each counter alone on its line
//   BM_FalseSharing<Packed, Plain>    a plain uint64_t incremented through a volatile lvalue
//   BM_FalseSharing<Padded, Plain>    (one load and one store per increment, no lock prefix)
// At 1 thread the two layouts are the same program (no other core wants the line): that row is
// the baseline. On this 2-core machine the 4-thread rows are oversubscribed: two threads share
// each core by time slices, so they add no extra contention beyond 2 threads.
//
// Reading the numbers under Google Benchmark 1.7.1 (UseRealTime): Time = mean per-thread wall
// time / total increments over all threads, i.e. the inverse of the aggregate rate, so with
// perfect scaling it halves from 1 to 2 threads; items_per_second = total increments / wall time
// (= 1 / Time); Iterations = total over all threads. thread_ns_per_op = the run's wall time,
// measured by hand on thread 0, / its own increments: what one increment costs the thread doing
// it (about Time x threads). False sharing shows as thread_ns_per_op rising with threads for
// Packed and staying flat for Padded.
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "platform/cache_line.h"

namespace {

using swlab::kCacheLine;

constexpr int kMaxThreads = 8;

// All kMaxThreads counters in the first 64 bytes of one 128-aligned block: one physical line.
template <typename T>
struct alignas(kCacheLine) Packed {
  T counters[kMaxThreads]{};
  T& slot(int i) { return counters[i]; }
};
static_assert(sizeof(std::atomic<uint64_t>) * kMaxThreads <= 64 &&
                  sizeof(uint64_t) * kMaxThreads <= 64,
              "packed counters must fit in one 64-byte line");

template <typename T>
struct alignas(kCacheLine) PaddedSlot {
  T value{};
};
template <typename T>
struct Padded {
  PaddedSlot<T> slots[kMaxThreads];
  T& slot(int i) { return slots[i].value; }
};
static_assert(sizeof(PaddedSlot<std::atomic<uint64_t>>) == kCacheLine &&
                  sizeof(PaddedSlot<uint64_t>) == kCacheLine,
              "each padded counter must own a whole cache line");

// A locked RMW (lock xadd / lock add on x86): what a shared statistics counter costs.
struct Atomic {
  using Counter = std::atomic<uint64_t>;
  static void increment(Counter& c) { c.fetch_add(1, std::memory_order_relaxed); }
};

// A plain increment; the volatile lvalue forces one load and one store per iteration, so the
// compiler cannot keep the counter in a register. Each thread has its own counter, so this is
// not a data race.
struct Plain {
  using Counter = uint64_t;
  static void increment(Counter& c) {
    volatile Counter& v = c;
    v = v + 1;
  }
};

template <template <typename> class Layout, typename Op>
void BM_FalseSharing(benchmark::State& state) {
  static Layout<typename Op::Counter> counters;
  if (state.thread_index() >= kMaxThreads) {
    state.SkipWithError("more threads than counters");
    return;
  }
  typename Op::Counter& mine = counters.slot(state.thread_index());

  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) Op::increment(mine);
  const auto stop = std::chrono::steady_clock::now();

  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    const double wall_ns = std::chrono::duration<double, std::nano>(stop - start).count();
    state.counters["thread_ns_per_op"] = wall_ns / static_cast<double>(state.iterations());
  }
}

BENCHMARK_TEMPLATE(BM_FalseSharing, Packed, Atomic)->ThreadRange(1, 4)->UseRealTime();
BENCHMARK_TEMPLATE(BM_FalseSharing, Padded, Atomic)->ThreadRange(1, 4)->UseRealTime();
BENCHMARK_TEMPLATE(BM_FalseSharing, Packed, Plain)->ThreadRange(1, 4)->UseRealTime();
BENCHMARK_TEMPLATE(BM_FalseSharing, Padded, Plain)->ThreadRange(1, 4)->UseRealTime();

}  // namespace
