// The per-request reply slot: the equivalent of tokio's oneshot. The engine writes
// the reply, then completes; the caller waits, then reads the reply.
//
// THE STUDENTS' COPY (labs/make_handout.sh put this file here). The project's own
// slot is a futex protocol in which the caller announces its sleep and the engine
// makes the wake-up system call only for a caller that did: that is what lab 3 asks
// you to write (labs/lab3/given/lab3.h), so this copy has a plain slot instead, built
// on C++20's std::atomic wait/notify. It is correct, and the engines of labs 4 and 5
// run on it; it never announces a sleep (kSleeping), and it makes a notify call on
// every completion, which is part of what the lab's version saves.
#pragma once

#include "engine/completion_word.h"

namespace swlab {

// The state word, its states, ready() and the spin phase are the project's own
// (engine/completion_word.h); kSleeping belongs to lab 3's protocol: this copy never
// sets it.
class Completion : public CompletionWord {
 public:
  // seq_cst, not only release (which is enough for the caller that sees kDone to see
  // the reply): notify_all makes the wake-up call only if libstdc++'s table counts a
  // waiter, and a release store does not order its read of that count, so a caller
  // that counted itself and then found the word pending would sleep unwoken
  // (engines/platform/memory_model.h, notify_one). notify_all uses only the word's
  // address (a key into the table), never its content: the caller may already have
  // returned and reused the request.
  void complete() {
    state_.store(kDone, std::memory_order_seq_cst);
    state_.notify_all();
  }

  // For an engine that completes on the caller's own thread: nobody can be waiting.
  void complete_inline() { state_.store(kDone, std::memory_order_release); }

  void wait() {
    for (uint32_t s = state_.load(std::memory_order_acquire); s != kDone; s = state_.load(std::memory_order_acquire))
      state_.wait(s, std::memory_order_acquire);
  }
};

}  // namespace swlab
