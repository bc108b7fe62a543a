// The per-request reply slot: the equivalent of tokio's oneshot. The engine writes
// the reply, then completes; the caller waits, then reads the reply.
//
// complete()/wait() here are the futex protocol (engines/single_writer/reply/reply_futex.h). The other
// reply paths (reply_spin.h, reply_atomic_wait.h, reply_future.h) drive the same
// state word their own way; Engine::wait() always pairs a request with the waiting
// side of the engine's own reply path.
#pragma once

#include "engine/completion_word.h"
#include "platform/futex.h"

namespace swlab {

class Completion : public CompletionWord {
 public:
  // The release pairs with the caller's acquire in ready()/wait(): everything the
  // engine wrote into the request (reply, trade buffers) is visible once the caller
  // sees kDone. The request must not be touched after this call: the caller may
  // already be reusing it.
  void complete() {
    if (state_.exchange(kDone, std::memory_order_acq_rel) == kSleeping) futex_wake_all(state_);
  }

  // For an engine that completes on the caller's own thread (the lock engines):
  // nobody can be asleep on the slot, so a release store replaces the exchange's
  // locked read-modify-write.
  void complete_inline() { state_.store(kDone, std::memory_order_release); }

  void wait() {
    if (spin_until_ready()) return;
    uint32_t s = kPending;
    // Announce the sleep so complete() knows a wake-up syscall is needed.
    if (state_.compare_exchange_strong(s, kSleeping, std::memory_order_acq_rel) ||
        s == kSleeping) {
      while (state_.load(std::memory_order_acquire) != kDone) futex_wait(state_, kSleeping);
    }
    // A failed exchange that found kDone was an acquire load: nothing more to do.
  }
};

}  // namespace swlab
