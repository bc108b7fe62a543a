// The per-request reply slot: the equivalent of tokio's oneshot. The engine writes
// the reply, then completes; the caller waits, then reads the reply.
//
// complete()/wait() here are the futex protocol (engines/single_writer/reply/reply_futex.h). The other
// reply paths (reply_spin.h, reply_atomic_wait.h, reply_future.h) drive the same
// state word their own way; Engine::wait() always pairs a request with the waiting
// side of the engine's own reply path.
//
// The engine's slot is Completion, on the machine's memory model (the futex itself:
// StdMemoryModel::wait and wake_all are futex_wait and futex_wake_all);
// tests/model/model_reply_futex.cpp checks BasicCompletion<RelacyMemoryModel>.
#pragma once

#include "engine/completion_word.h"
#include "platform/memory_model.h"

namespace swlab {

template <class MM = StdMemoryModel>
class BasicCompletion : public BasicCompletionWord<MM> {
  using Base = BasicCompletionWord<MM>;
  using Base::state_;

 public:
  using Base::kDone;
  using Base::kPending;
  using Base::kSleeping;

  // The release pairs with the caller's acquire in ready()/wait(): everything the
  // engine wrote into the request (reply, trade buffers) is visible once the caller
  // sees kDone. One read-modify-write, so the engine sees a sleep the caller announced
  // (kSleeping) in the same step that completes, and no announcement can fall between
  // its check and its store. The request must not be touched after this call: the
  // caller may already be reusing it (the wake uses only the word's address).
  void complete() {
    if (state_.exchange(kDone, std::memory_order_acq_rel) == kSleeping) MM::wake_all(state_);
  }

  // For an engine that completes on the caller's own thread (the lock engines):
  // nobody can be asleep on the slot, so a release store replaces the exchange's
  // locked read-modify-write.
  void complete_inline() { state_.store(kDone, std::memory_order_release); }

  void wait() {
    if (this->spin_until_ready()) return;
    uint32_t s = kPending;
    // Announce the sleep so complete() knows a wake-up syscall is needed. The
    // compare-exchange and the engine's exchange are read-modify-writes of one word:
    // one of them sees the other, so either the caller sees kDone here or the engine
    // sees kSleeping and wakes it.
    if (state_.compare_exchange_strong(s, kSleeping, std::memory_order_acq_rel) ||
        s == kSleeping) {
      // The futex re-checks the word against kSleeping atomically with the sleep: a
      // completion between this load and the sleep makes the wait return at once.
      while (state_.load(std::memory_order_acquire) != kDone) MM::wait(state_, kSleeping);
    }
    // A failed exchange that found kDone was an acquire load: nothing more to do.
  }
};

using Completion = BasicCompletion<>;

}  // namespace swlab
