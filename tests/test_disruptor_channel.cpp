// The disruptor ring on its own: the engine suites test it behind the engine
// (test_single_writer_channels.cpp); these test what the engine never exercises
// because its admission word keeps the ring from filling: producers overrunning a
// small ring and waiting for the consumer, and the batch bound.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "single_writer/channels/disruptor_channel.h"

namespace swlab::test {
namespace {

TEST(DisruptorChannel, DrainsInClaimOrderUpToTheBatchLimit) {
  DisruptorChannel<uintptr_t> ring(8);
  for (uintptr_t v = 1; v <= 5; ++v) ring.push(v);
  uintptr_t out[8] = {};
  ASSERT_EQ(ring.pop_bulk(out, 3), 3u);
  EXPECT_EQ(out[0], 1u);
  EXPECT_EQ(out[2], 3u);
  ASSERT_EQ(ring.pop_bulk(out, 8), 2u);
  EXPECT_EQ(out[0], 4u);
  EXPECT_EQ(out[1], 5u);
  EXPECT_EQ(ring.pop_bulk(out, 8), 0u);
  // Past the end of the ring: the laps tell old slots from new ones.
  for (uintptr_t v = 6; v <= 13; ++v) ring.push(v);
  ASSERT_EQ(ring.pop_bulk(out, 8), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(out[i], static_cast<uintptr_t>(6 + i));
}

// Producers overrun a ring of 4 slots with nothing bounding them but the ring's own
// wrap check: every item arrives exactly once, in order per producer, and the sum
// is exact. Under ThreadSanitizer this is the memory-order test of claim, publish,
// consume and slot reuse.
TEST(DisruptorChannel, ManyProducersOverrunningASmallRingLoseNothing) {
  constexpr int kProducers = 4;
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  constexpr uintptr_t kPerProducer = 20'000;
#else
  constexpr uintptr_t kPerProducer = 200'000;
#endif
  DisruptorChannel<uintptr_t> ring(4);
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p)
    producers.emplace_back([&ring, p] {
      // Producer p's i-th item: i * kProducers + p + 1 (never 0).
      for (uintptr_t i = 0; i < kPerProducer; ++i) ring.push(i * kProducers + static_cast<uintptr_t>(p) + 1);
    });
  std::vector<uintptr_t> next(kProducers, 0);  // the index each producer must send next
  uint64_t count = 0, sum = 0;
  uintptr_t buf[16];
  while (count < kProducers * kPerProducer) {
    const std::size_t n = ring.pop_bulk(buf, 16);
    if (n == 0) std::this_thread::yield();
    for (std::size_t k = 0; k < n; ++k) {
      const uintptr_t v = buf[k] - 1;
      const auto p = static_cast<int>(v % kProducers);
      ASSERT_EQ(v / kProducers, next[p]) << "producer " << p << " out of order";
      ++next[p];
      sum += buf[k];
      ++count;
    }
  }
  for (auto& t : producers) t.join();
  const uint64_t n = kProducers * kPerProducer;
  EXPECT_EQ(sum, n * (n + 1) / 2);
  EXPECT_EQ(ring.pop_bulk(buf, 16), 0u) << "nothing beyond what was sent";
}

}  // namespace
}  // namespace swlab::test
