// The reply slot's state word, and what every protocol on it shares: its states, the
// caller's acquire in ready(), and the spin phase of the reply paths that sleep. The
// protocols themselves (who sleeps, who wakes whom) are Completion's, in
// completion.h, and the reply paths' (engines/single_writer/reply/); the students' copy
// replaces completion.h alone (labs/handout/), so this part is written once for both.
//
// Written against the memory model (platform/memory_model.h): the engine's slot is
// CompletionWord, on the machine's (std::atomic, the measured spin budget); the model
// checker instantiates BasicCompletionWord<RelacyMemoryModel> (tests/model/).
#pragma once

#include <atomic>
#include <cstdint>

#include "platform/memory_model.h"
#include "platform/spin_budget.h"

namespace swlab {

template <class MM = StdMemoryModel>
class BasicCompletionWord {
 public:
  using Model = MM;  // what the reply paths wait with (engines/single_writer/reply/)
  using Word = typename MM::template atomic<uint32_t>;

  // Spins this long before sleeping: a few round trips to a running engine thread,
  // so a reply that is coming soon is caught without a syscall, while a caller on an
  // oversubscribed machine stops burning the core the engine needs (10 us was 512
  // PAUSEs on the development machine). No spin while the engine threads fill every
  // CPU: the reply cannot come until one of them gets this caller's CPU.
  static constexpr int64_t kSpinNs = 10'000;

  static constexpr uint32_t kPending = 0;
  static constexpr uint32_t kDone = 1;
  static constexpr uint32_t kSleeping = 2;  // the caller announced its sleep (futex protocol)

  // Relaxed: the caller resets its own slot before it hands the request over; the
  // hand-off (the channel's release) orders it before the engine's completion.
  void reset() { state_.store(kPending, std::memory_order_relaxed); }
  Word& word() { return state_; }

  // The acquire pairs with the engine's release when it completes: the reply and the
  // trade buffers it wrote are visible once this is true.
  bool ready() const { return state_.load(std::memory_order_acquire) == kDone; }

  // The spin phase shared by the sleeping reply paths: true when the slot completed.
  bool spin_until_ready() const {
    return MM::template spin_until<kSpinNs>([this] { return ready(); });
  }

 protected:
  Word state_{kPending};
};

using CompletionWord = BasicCompletionWord<>;

}  // namespace swlab
