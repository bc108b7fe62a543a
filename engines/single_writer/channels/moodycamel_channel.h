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
  // The element in the producer's block, written by the client and read by the engine:
  // a 56-byte hand-off (handoff.h), packed, so six elements in eight straddle two
  // 64-byte lines (1.75 on average, counted 2); and the producer's index line (ConcurrentQueue's ProducerBase keeps
  // tailIndex, headIndex and dequeueOptimisticCount side by side): the client's
  // enqueue stores tailIndex, the engine's dequeue reads it and fetch-adds the other
  // two, so the line moves each way (2). The block's empty flags move once per block
  // of 32 (policy_concepts.h).
  static constexpr int kLineTransfers = 4;

  using MoodycamelTokenQueue<T, moodycamel::ConcurrentQueue<T>>::MoodycamelTokenQueue;
};

}  // namespace swlab
