// Channel `spsc` (the default): one single-producer ring per client thread, polled
// round-robin by the engine thread. No producer ever contends with another: a ring's
// sequence is its client's private counter, and only the engine reads its slots.
// This is the layout of most low-latency engines; its cost moves to the consumer,
// which polls every registered ring, idle or not.
//
// Each ring publishes an item by storing its lap into the item's own slot
// (lap_ring.h), so a hand-off moves one cache line. It used to be
// boost::lockfree::spsc_queue, whose separate read and write indices cost two more
// line transfers per item; bm_request_reply keeps that ring as the baseline
// (BM_ChannelRoundTrip/boost-spsc).
//
// FIFO holds per producer; across producers the engine's round-robin decides.
//
// A producer's ring (Producer below) is written against the memory model
// (platform/memory_model.h): the channel's rings are Producer<> on the machine's;
// tests/model/model_spsc_channel.cpp checks Producer<RelacyMemoryModel>, its cached
// copy of the consumer's position included. The registry of rings (producer_slots.h:
// a mutex and a thread-local map) is not model-checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "platform/cache_line.h"
#include "platform/memory_model.h"
#include "single_writer/channels/lap_ring.h"
#include "single_writer/channels/producer_slots.h"
#include "single_writer/named_policy.h"

namespace swlab {

template <class T>
class SpscChannel
    : public Named<"spsc", "one single-producer ring per client thread, polled round-robin (the default)"> {
 public:
  static constexpr bool kBlocking = false;
  // The slot's line (lap and hand-off, lap_ring.h), written by the client and read by
  // the engine: 1. The client's ring position is its own; the consumed position the
  // engine stores once per batch is read through a cached copy once per `capacity`
  // pushes; the ring registry is read-mostly (policy_concepts.h).
  static constexpr int kLineTransfers = 1;

  // Each ring holds `capacity`: the engine's bound applies to the sum, so a single
  // client can use all of it.
  explicit SpscChannel(std::size_t capacity) : capacity_(capacity) {}

  void push(T item) {
    Ring& ring = producers_.local([this] { return std::make_unique<Ring>(capacity_); });
    ring.push(item);
  }

  std::size_t pop_bulk(T* out, std::size_t max) {
    return producers_.drain_round_robin(out, max, [](Ring& r, T* o, std::size_t m) { return r.ring.pop_bulk(o, m); });
  }

  // One client's ring and its producer-side words. Producer thread: push; engine
  // thread: ring.pop_bulk.
  template <class MM = StdMemoryModel>
  struct Producer {
    explicit Producer(std::size_t capacity) : ring(capacity) {}
    void push(T item) {
      // Only this ring's producer touches `tail` and `consumed_cache`: a cached copy
      // of the consumer's position, so the consumer's line is read only when the
      // ring may be full.
      if (tail - ring.size() >= consumed_cache) consumed_cache = ring.wait_until_free(tail);
      ring.publish(tail++, item);
    }
    LapRing<T, MM> ring;
    // The producer's own words, on a line of their own.
    alignas(kCacheLine) int64_t tail = 0;
    int64_t consumed_cache = 0;
  };

 private:
  using Ring = Producer<>;
  static_assert(alignof(Ring) == kCacheLine, "a ring's producer words must start a line of their own");

  const std::size_t capacity_;
  ProducerSlots<Ring> producers_;
};

}  // namespace swlab
