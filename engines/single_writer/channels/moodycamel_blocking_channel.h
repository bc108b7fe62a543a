// Channel `moodycamel-blocking`: moodycamel::BlockingConcurrentQueue, the same queue
// plus a lightweight semaphore counting items. Every enqueue signals it (an atomic
// increment, a system call only if the engine sleeps); with the `blocking` wait
// strategy the idle engine thread sleeps in the semaphore instead of on the
// engine's own doorbell futex. FIFO per producer only, as moodycamel.
#pragma once

#include <concurrentqueue/blockingconcurrentqueue.h>

#include <cstddef>
#include <cstdint>

#include "single_writer/channels/moodycamel_token_queue.h"
#include "single_writer/named_policy.h"

namespace swlab {

template <class T>
class MoodycamelBlockingChannel
    : public Named<"moodycamel-blocking",
                   "moodycamel::BlockingConcurrentQueue: the same plus a semaphore the idle engine sleeps in">,
      public MoodycamelTokenQueue<T, moodycamel::BlockingConcurrentQueue<T>> {
 public:
  static constexpr bool kBlocking = true;
  // moodycamel's 4 (moodycamel_channel.h), and the semaphore's count, a line of its
  // own: every enqueue signals it (an atomic add by the client) and every dequeue
  // takes from it (a compare-exchange by the engine), so it moves each way (2).
  static constexpr int kLineTransfers = 6;

  using MoodycamelTokenQueue<T, moodycamel::BlockingConcurrentQueue<T>>::MoodycamelTokenQueue;

  // Sleeps until at least one item arrives or the timeout passes.
  std::size_t pop_bulk_wait(T* out, std::size_t max, int64_t timeout_us) {
    return this->queue_.wait_dequeue_bulk_timed(this->consumer_, out, max, timeout_us);
  }
};

}  // namespace swlab
