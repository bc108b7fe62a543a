// Lock acquire/release cost under 1..N threads: each iteration takes the lock, runs a tiny
// critical section on the data the lock guards, and releases it. All threads share one lock.
//
//   BM_NoLock                 the critical section alone (no lock): the floor, and at 2+ threads
//                             the cost of the guarded line bouncing between cores by itself.
//                             Its increments race (defined behaviour, see Guarded), so it loses
//                             updates: `lost_fraction` says how many.
//   BM_StdMutex               std::mutex (glibc pthread mutex: CAS fast path, futex when held).
//   BM_SharedMutexExclusive   std::shared_mutex::lock (pthread rwlock, writer side).
//   BM_SharedMutexShared      std::shared_mutex::lock_shared; the critical section is a read,
//                             since a shared lock may not guard a write. Readers never wait for
//                             each other, but each lock_shared/unlock_shared is an RMW on the
//                             rwlock word, which still bounces between cores.
//   BM_Spinlock               swlab::Spinlock (engines/locks/spinlock.h): TTAS + PAUSE, yields after
//                             128 spins.
// Every exclusive variant checks the exact sum after each run (guarded counter == total
// iterations) and fails the benchmark if an update was lost.
//
// HOW TO READ THE NUMBERS (Google Benchmark 1.7.1, as packaged in Debian 12; verified on this
// machine, see bench/micro/README.md):
//   * Every thread runs the same number of iterations; the Iterations column is the total over
//     all threads (threads x per-thread iterations).
//   * Time (UseRealTime) = mean over threads of each thread's own wall time, divided by the
//     total iterations. Each thread's wall time is about the length of the whole run, so the
//     Time column is wall time / total lock+unlock pairs: the inverse of the aggregate
//     throughput, *not* the latency one thread sees per acquire. With 4 threads, 100 ns per
//     acquire as seen by each thread shows as 25 ns. (1.7.1 divides the summed real time by the
//     thread count; from 1.9.0 it no longer does, and the same run would show 100 ns.)
//   * CPU = CPU time summed over all threads / total iterations (not divided by threads), so it
//     can exceed Time; spinning and yielding show up here.
//   * items_per_second = total iterations / mean per-thread wall time: the aggregate number of
//     lock+unlock pairs per second, all threads together. It is 1 / Time.
//   * thread_ns_per_op = wall time of the whole run, measured by hand with steady_clock on
//     thread 0 around its loop, / that thread's iterations: the time one thread spends per
//     acquire/release, i.e. what a thread would see as its latency. It is about Time x threads,
//     which is the empirical check of the above (measured here: 4.07 to 4.6 x Time at 4
//     threads). It is never less: a thread that finishes its iterations early waits at the
//     library's stop barrier, which its own timer does not count but the run's wall time does,
//     so with an unfair lock or more threads than cores the 1.7.1 Time understates the run.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "platform/cache_line.h"
#include "locks/spinlock.h"

namespace {

using swlab::kCacheLine;

// The baseline's "lock": the critical section runs unguarded.
struct NoLock {
  void lock() noexcept {}
  void unlock() noexcept {}
};

// Takes a reader-writer lock in shared mode through the lock()/unlock() interface.
template <typename Mutex>
struct SharedSide {
  Mutex m;
  void lock() { m.lock_shared(); }
  void unlock() { m.unlock_shared(); }
};

// The lock and the data it guards, together on their own line(s), as they would sit in a real
// object. `value` is an atomic used only with relaxed load + relaxed store: under a lock that is
// exactly a plain increment (mov, add, mov on x86), and in the NoLock baseline it is a racy but
// defined increment instead of undefined behaviour.
template <typename Lock>
struct alignas(kCacheLine) Guarded {
  Lock lock;
  std::atomic<uint64_t> value{0};
};

struct Increment {
  static constexpr bool kWrites = true;
  static void run(std::atomic<uint64_t>& v) {
    v.store(v.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
};

struct Read {
  static constexpr bool kWrites = false;
  static void run(std::atomic<uint64_t>& v) {
    uint64_t x = v.load(std::memory_order_relaxed);
    benchmark::DoNotOptimize(x);
  }
};

template <typename Lock, typename Section, bool kExpectExact>
void run_lock_benchmark(benchmark::State& state) {
  // One instance per Lock type, shared by all threads of a run (and reused by the next run).
  static Guarded<Lock> g;
  // Thread 0 resets before the loop; the other threads cannot touch `value` until the start
  // barrier inside the first `for` step, which thread 0 also has to reach.
  if (state.thread_index() == 0) g.value.store(0, std::memory_order_relaxed);

  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    g.lock.lock();
    Section::run(g.value);
    g.lock.unlock();
  }
  const auto stop = std::chrono::steady_clock::now();
  // Every thread has passed the stop barrier at the end of the loop, so all increments are done
  // and visible here.

  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() != 0) return;

  const double wall_ns = std::chrono::duration<double, std::nano>(stop - start).count();
  state.counters["thread_ns_per_op"] = wall_ns / static_cast<double>(state.iterations());

  if constexpr (Section::kWrites) {
    const double expected =
        static_cast<double>(state.iterations()) * static_cast<double>(state.threads());
    const double got = static_cast<double>(g.value.load(std::memory_order_relaxed));
    if constexpr (kExpectExact) {
      if (got != expected) state.SkipWithError("lost update: counter != total iterations");
    } else {
      state.counters["lost_fraction"] = 1.0 - got / expected;
    }
  }
}

void BM_NoLock(benchmark::State& state) {
  run_lock_benchmark<NoLock, Increment, false>(state);
}
void BM_StdMutex(benchmark::State& state) {
  run_lock_benchmark<std::mutex, Increment, true>(state);
}
void BM_SharedMutexExclusive(benchmark::State& state) {
  run_lock_benchmark<std::shared_mutex, Increment, true>(state);
}
void BM_SharedMutexShared(benchmark::State& state) {
  run_lock_benchmark<SharedSide<std::shared_mutex>, Read, true>(state);
}
void BM_Spinlock(benchmark::State& state) {
  run_lock_benchmark<swlab::Spinlock, Increment, true>(state);
}

// 1, 2, 4, ... up to twice the hardware threads (at least 4): on this 2-core machine 1, 2, 4,
// the last one oversubscribed, which is where a spinning lock's holder gets descheduled.
void thread_counts(benchmark::internal::Benchmark* b) {
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  b->ThreadRange(1, std::max(4, 2 * hw))->UseRealTime();
}

BENCHMARK(BM_NoLock)->Apply(thread_counts);
BENCHMARK(BM_StdMutex)->Apply(thread_counts);
BENCHMARK(BM_SharedMutexExclusive)->Apply(thread_counts);
BENCHMARK(BM_SharedMutexShared)->Apply(thread_counts);
BENCHMARK(BM_Spinlock)->Apply(thread_counts);

}  // namespace
