// A moodycamel queue as both moodycamel channels use it: each client thread
// enqueues through its own producer token (an explicit producer, so it never
// contends with another producer on the enqueue path), and the engine dequeues in
// bulk with its consumer token, taking a run of one producer's items at a time.
// The same for ConcurrentQueue and BlockingConcurrentQueue, which only adds a
// semaphore on top.
#pragma once

#include <concurrentqueue/concurrentqueue.h>

#include <cstddef>
#include <memory>

#include "single_writer/channels/producer_slots.h"

namespace swlab {

template <class T, class Queue>
class MoodycamelTokenQueue {
 public:
  // The engine bounds the requests in flight itself; preallocating that many slots
  // means enqueue does not allocate in steady state.
  explicit MoodycamelTokenQueue(std::size_t capacity) : queue_(capacity), consumer_(queue_) {}

  void push(T item) {
    auto& token = producers_.local([this] { return std::make_unique<moodycamel::ProducerToken>(queue_); });
    queue_.enqueue(token, item);
  }

  std::size_t pop_bulk(T* out, std::size_t max) { return queue_.try_dequeue_bulk(consumer_, out, max); }

 protected:
  Queue queue_;
  moodycamel::ConsumerToken consumer_;  // engine thread only
  ProducerSlots<moodycamel::ProducerToken> producers_;
};

}  // namespace swlab
