// Channel `moodycamel`: moodycamel::ConcurrentQueue, a lock-free MPMC queue built
// from one sub-queue per producer. Each client thread enqueues through its own
// producer token (an explicit producer: no contention with other producers on the
// enqueue path), and the engine dequeues in bulk with a consumer token, taking a run
// of one producer's items at a time.
//
// Semantics to know: FIFO holds per producer only. Two clients' commands may be
// applied in either order; that is fine, they were concurrent, and the engine's
// sequence numbers record the order actually applied.
#pragma once

#include <concurrentqueue/concurrentqueue.h>

#include <cstddef>
#include <memory>

#include "single_writer/channels/producer_slots.h"

namespace swlab {

template <class T>
class MoodycamelChannel {
 public:
  static constexpr const char* kName = "moodycamel";
  static constexpr const char* kSummary =
      "moodycamel::ConcurrentQueue, lock-free MPMC, a producer token per client";
  static constexpr bool kBlocking = false;

  // The engine bounds the requests in flight itself; preallocating that many slots
  // means enqueue does not allocate in steady state.
  explicit MoodycamelChannel(std::size_t capacity) : queue_(capacity), consumer_(queue_) {}

  void push(T item) {
    auto& token = producers_.local([this] { return std::make_unique<moodycamel::ProducerToken>(queue_); });
    queue_.enqueue(token, item);
  }

  std::size_t pop_bulk(T* out, std::size_t max) { return queue_.try_dequeue_bulk(consumer_, out, max); }

 private:
  moodycamel::ConcurrentQueue<T> queue_;
  moodycamel::ConsumerToken consumer_;  // engine thread only
  ProducerSlots<moodycamel::ProducerToken> producers_;
};

}  // namespace swlab
