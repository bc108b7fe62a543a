// lab6_bench: times your counters.h layouts against a packed and a padded reference
// in the same process, two threads writing at once (given: frozen). labs/grade.sh 6
// runs it from a release build; you can too:
//
//   build/release/labs/lab6_bench [--reps N] [--iterations M]
//
// Prints one line per case and layout: `<case> <layout> <ns per operation>`, the
// best (lowest) of N runs, the layouts alternated within each round so a burst of
// outside load hits them alike. (The students' copy has no padded reference: its
// lines are missing there.) An operation is one increment by one thread while
// the other thread increments its own field.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <thread>

#include "platform/cache_line.h"
#include "counters.h"
#if __has_include("reference_layouts.h")
#include "reference_layouts.h"
#define SWLAB_LAB6_HAVE_REFERENCE 1
#else
#define SWLAB_LAB6_HAVE_REFERENCE 0
#endif

namespace {

using swlab::kCacheLine;

// The reference layouts: the padded one is the lab's answer, so the students' copy
// leaves reference_layouts.h out and keeps only a packed one here.
#if SWLAB_LAB6_HAVE_REFERENCE
using swlab::lab6::reference::PackedHot;
using swlab::lab6::reference::PackedStats;
using swlab::lab6::reference::PaddedHot;
using swlab::lab6::reference::PaddedStats;
constexpr bool kHavePadded = true;
#else
struct PackedHot {
  std::atomic<uint64_t> sent{0};
  std::atomic<uint64_t> received{0};
};
struct PackedStats {
  uint64_t commands = 0;
  uint64_t rejected = 0;
};
using PaddedHot = PackedHot;  // not timed
using PaddedStats = PackedStats;
constexpr bool kHavePadded = false;
#endif

// Runs a(i) and b(i) on two threads at once, iterations times each; wall ns per
// iteration.
template <class A, class B>
double run_pair(uint64_t iterations, A a, B b) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  auto body = [&](auto f) {
    ready.fetch_add(1);
    while (!go.load(std::memory_order_acquire)) {
    }
    for (uint64_t i = 0; i < iterations; ++i) f();
  };
  std::thread ta(body, a), tb(body, b);
  while (ready.load() < 2) std::this_thread::yield();
  const auto t0 = std::chrono::steady_clock::now();
  go.store(true, std::memory_order_release);
  ta.join();
  tb.join();
  const auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::nano>(t1 - t0).count() / static_cast<double>(iterations);
}

// Every object starts a fresh 128-byte-aligned block, so "packed" really means
// "in one line" and nothing else of the program sits next to it.
template <class T>
std::unique_ptr<T[]> make_array(size_t n) {
  return std::unique_ptr<T[]>(new (std::align_val_t(kCacheLine)) T[n]);
}

template <class Hot>
double time_hot(uint64_t iterations) {
  auto h = make_array<Hot>(1);
  return run_pair(
      iterations, [&] { h[0].sent.fetch_add(1, std::memory_order_relaxed); },
      [&] { h[0].received.fetch_add(1, std::memory_order_relaxed); });
}

template <class Stats>
double time_stats(uint64_t iterations) {
  auto s = make_array<Stats>(2);
  // A load and a store per increment (volatile: not kept in a register), as a
  // plain statistics counter compiles.
  auto bump = [&](int t) {
    volatile uint64_t& c = s[t].commands;
    c = c + 1;
  };
  return run_pair(iterations, [&] { bump(0); }, [&] { bump(1); });
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 5;
  uint64_t iterations = 10'000'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--reps") == 0) reps = std::max(1, std::atoi(argv[i + 1]));
    else if (std::strcmp(argv[i], "--iterations") == 0) iterations = std::max<uint64_t>(1000, std::strtoull(argv[i + 1], nullptr, 10));
    else {
      std::fprintf(stderr, "usage: lab6_bench [--reps N] [--iterations M]\n");
      return 2;
    }
  }
  double hot[3], stats[3];
  std::fill(hot, hot + 3, 1e300);
  std::fill(stats, stats + 3, 1e300);
  for (int r = 0; r < reps; ++r) {
    for (int k = 0; k < 3; ++k) {
      const int which = (k + r) % 3;  // rotate the order each round
      if (which == 1 && !kHavePadded) continue;
      const double h = which == 0 ? time_hot<PackedHot>(iterations)
                       : which == 1 ? time_hot<PaddedHot>(iterations)
                                    : time_hot<swlab::lab6::HotCounters>(iterations);
      const double s = which == 0 ? time_stats<PackedStats>(iterations)
                       : which == 1 ? time_stats<PaddedStats>(iterations)
                                    : time_stats<swlab::lab6::ThreadStats>(iterations);
      hot[which] = std::min(hot[which], h);
      stats[which] = std::min(stats[which], s);
    }
  }
  const char* names[3] = {"packed", "padded", "yours"};
  for (int k = 0; k < 3; ++k)
    if (k != 1 || kHavePadded) std::printf("hot_counters %s %.3f\n", names[k], hot[k]);
  for (int k = 0; k < 3; ++k)
    if (k != 1 || kHavePadded) std::printf("thread_stats %s %.3f\n", names[k], stats[k]);
  return 0;
}
