// Channel: moodycamel::ConcurrentQueue, a lock-free MPMC queue built from
// per-producer sub-queues. Consequences worth knowing: FIFO holds per producer
// only (two clients' commands may be applied in either order, which is fine: they
// were concurrent), and the consumer's bulk dequeue takes a run of one producer's
// items in one go, which is what makes engine-side batching cheap.
#pragma once

#include <concurrentqueue/concurrentqueue.h>

#include <cstddef>

namespace swlab {

template <class T>
class MoodycamelChannel {
 public:
  // The engine bounds the number of requests in flight itself (exactly, with a
  // counter); preallocating that many slots means enqueue does not allocate in
  // steady state.
  explicit MoodycamelChannel(std::size_t capacity) : queue_(capacity) {}

  void push(T item) { queue_.enqueue(item); }
  std::size_t pop_bulk(T* out, std::size_t max) { return queue_.try_dequeue_bulk(out, max); }

 private:
  moodycamel::ConcurrentQueue<T> queue_;
};

}  // namespace swlab
