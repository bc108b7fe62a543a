// Channel `moodycamel-blocking`: moodycamel::BlockingConcurrentQueue, the same queue
// plus a lightweight semaphore counting items. Every enqueue signals it (an atomic
// increment, a system call only if the engine sleeps); with the `blocking` wait
// strategy the idle engine thread sleeps in the semaphore instead of on the
// engine's own in-flight word. FIFO per producer only, as moodycamel.
#pragma once

#include <concurrentqueue/blockingconcurrentqueue.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "single_writer/channels/producer_slots.h"

namespace swlab {

template <class T>
class MoodycamelBlockingChannel {
 public:
  static constexpr const char* kName = "moodycamel-blocking";
  static constexpr const char* kSummary =
      "moodycamel::BlockingConcurrentQueue: the same plus a semaphore the idle engine sleeps in";
  static constexpr bool kBlocking = true;

  explicit MoodycamelBlockingChannel(std::size_t capacity) : queue_(capacity), consumer_(queue_) {}

  void push(T item) {
    auto& token = producers_.local([this] { return std::make_unique<moodycamel::ProducerToken>(queue_); });
    queue_.enqueue(token, item);
  }

  std::size_t pop_bulk(T* out, std::size_t max) { return queue_.try_dequeue_bulk(consumer_, out, max); }

  // Sleeps until at least one item arrives or the timeout passes.
  std::size_t pop_bulk_wait(T* out, std::size_t max, int64_t timeout_us) {
    return queue_.wait_dequeue_bulk_timed(consumer_, out, max, timeout_us);
  }

 private:
  moodycamel::BlockingConcurrentQueue<T> queue_;
  moodycamel::ConsumerToken consumer_;
  ProducerSlots<moodycamel::ProducerToken> producers_;
};

}  // namespace swlab
