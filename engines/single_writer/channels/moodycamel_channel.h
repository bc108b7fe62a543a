// Channel `moodycamel`: moodycamel::ConcurrentQueue, a lock-free MPMC queue built
// from one sub-queue per producer, used through a producer token per client thread
// and the engine's consumer token (moodycamel_token_queue.h).
//
// Semantics to know: FIFO holds per producer only. Two clients' commands may be
// applied in either order; that is fine, they were concurrent, and the engine's
// sequence numbers record the order actually applied.
#pragma once

#include <concurrentqueue/concurrentqueue.h>

#include <cstddef>

#include "single_writer/channels/moodycamel_token_queue.h"
#include "single_writer/named_policy.h"

namespace swlab {

template <class T>
class MoodycamelChannel
    : public Named<"moodycamel", "moodycamel::ConcurrentQueue, lock-free MPMC, a producer token per client">,
      public MoodycamelTokenQueue<T, moodycamel::ConcurrentQueue<T>> {
 public:
  static constexpr bool kBlocking = false;

  using MoodycamelTokenQueue<T, moodycamel::ConcurrentQueue<T>>::MoodycamelTokenQueue;
};

}  // namespace swlab
