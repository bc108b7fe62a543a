// Lab 6 autograder: the layout of counters.h, checked at compile time and reported
// at run time (so that the starter still compiles and the report names each
// problem), and an exact-sum stress test. Timing is labs/grade.sh 6's job.
#include <gtest/gtest.h>

#include <cstddef>
#include <thread>
#include <type_traits>
#include <vector>

#include "platform/cache_line.h"
#include "counters.h"

namespace swlab::lab6 {
namespace {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
constexpr std::size_t kSent = offsetof(HotCounters, sent);
constexpr std::size_t kReceived = offsetof(HotCounters, received);
constexpr std::size_t kCommands = offsetof(ThreadStats, commands);
constexpr std::size_t kRejected = offsetof(ThreadStats, rejected);
#pragma GCC diagnostic pop

constexpr std::size_t distance(std::size_t a, std::size_t b) { return a > b ? a - b : b - a; }

TEST(Lab6Layout, TheTwoHotCountersAreACacheLineApart) {
  EXPECT_GE(distance(kSent, kReceived), kCacheLine)
      << "sent and received are " << distance(kSent, kReceived) << " bytes apart: the producer's and the "
      << "consumer's writes fight over one line";
}

TEST(Lab6Layout, NothingElseSharesTheHotCountersLines) {
  EXPECT_GE(alignof(HotCounters), kCacheLine) << "a HotCounters must start a line";
  EXPECT_EQ(sizeof(HotCounters) % kCacheLine, 0u) << "a HotCounters must end on a line boundary, or the "
                                                     "next object shares its last line";
  EXPECT_LE(sizeof(HotCounters), 2 * kCacheLine) << "two counters need two lines, not more";
}

TEST(Lab6Layout, ThreadStatsInAnArrayNeverShareALine) {
  EXPECT_GE(alignof(ThreadStats), kCacheLine) << "each element of a ThreadStats array must start a line";
  EXPECT_EQ(sizeof(ThreadStats) % kCacheLine, 0u) << "ThreadStats must fill whole lines";
  EXPECT_EQ(sizeof(ThreadStats), kCacheLine) << "one thread's two counters fit in one line: keep them together";
  EXPECT_EQ(distance(kCommands, kRejected), sizeof(uint64_t)) << "one thread's fields may (and should) share its line";
}

TEST(Lab6Layout, TheFieldsKeepTheirMeaning) {
  static_assert(std::is_same_v<decltype(HotCounters::sent), std::atomic<uint64_t>>);
  static_assert(std::is_same_v<decltype(HotCounters::received), std::atomic<uint64_t>>);
  static_assert(std::is_same_v<decltype(ThreadStats::commands), uint64_t>);
  static_assert(std::is_same_v<decltype(ThreadStats::rejected), uint64_t>);
  HotCounters h;
  ThreadStats s;
  EXPECT_EQ(h.sent.load() + h.received.load(), 0u);
  EXPECT_EQ(s.commands + s.rejected, 0u);
}

// Exact sums (after rigtorp's SPSCQueue tests): every increment lands, whatever the
// layout. Run under ThreadSanitizer too.
TEST(Lab6Layout, ConcurrentIncrementsAllLand) {
  constexpr uint64_t kN = 200000;
  HotCounters h;
  std::vector<ThreadStats> stats(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (uint64_t i = 0; i < kN; ++i) {
        ++stats[t].commands;
        if (i % 4 == 0) ++stats[t].rejected;
        (t % 2 ? h.received : h.sent).fetch_add(1, std::memory_order_relaxed);
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(h.sent.load(), 2 * kN);
  EXPECT_EQ(h.received.load(), 2 * kN);
  for (const auto& s : stats) {
    EXPECT_EQ(s.commands, kN);
    EXPECT_EQ(s.rejected, kN / 4);
  }
}

}  // namespace
}  // namespace swlab::lab6
