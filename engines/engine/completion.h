// The per-request reply slot: the equivalent of tokio's oneshot. The engine writes
// the reply, then completes; the caller waits, then reads the reply.
//
// complete()/wait() here are the futex protocol (engines/single_writer/reply/reply_futex.h). The other
// reply paths (reply_spin.h, reply_atomic_wait.h, reply_future.h) drive the same
// state word their own way; Engine::wait() always pairs a request with the waiting
// side of the engine's own reply path.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

#include "platform/cpu_relax.h"
#include "platform/futex.h"
#include "platform/spin_budget.h"

namespace swlab {

class Completion {
 public:
  // Spins this long before sleeping: a few round trips to a running engine thread,
  // so a reply that is coming soon is caught without a syscall, while a caller on an
  // oversubscribed machine stops burning the core the engine needs (10 us was 512
  // PAUSEs on the development machine). No spin while the engine threads fill every
  // CPU: the reply cannot come until one of them gets this caller's CPU.
  static constexpr int64_t kSpinNs = 10'000;

  // The spin phase shared by the sleeping reply paths: true when the slot completed.
  bool spin_until_ready() const {
    if (!spin_allowed()) return ready();
    static const uint32_t spins = pauses_for(kSpinNs);
    for (uint32_t i = 0; i < spins; ++i) {
      if (ready()) return true;
      cpu_relax();
    }
    return ready();
  }

  static constexpr uint32_t kPending = 0;
  static constexpr uint32_t kDone = 1;
  static constexpr uint32_t kSleeping = 2;

  void reset() { state_.store(kPending, std::memory_order_relaxed); }
  std::atomic<uint32_t>& word() { return state_; }

  bool ready() const { return state_.load(std::memory_order_acquire) == kDone; }

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

 private:
  std::atomic<uint32_t> state_{kPending};
};

}  // namespace swlab
