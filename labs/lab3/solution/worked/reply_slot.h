// Lab 3, worked solution in the starter's skeleton (instructors only: labs/make_handout.sh
// leaves solution/ out).
//
// Lab 3: the reply slot (docs/labs/lab3.md, step 2). Written against a memory model
// MM (engines/platform/memory_model.h): the engine runs it with StdMemoryModel, the
// model checker (given/model_lab3.cpp) with Relacy's, which tries every interleaving
// of a few threads and every store a load may see.
#pragma once

#include <lab_reference_guard.h>  // the reference: a student build stops here (labs/common/rules/)
#include <atomic>
#include <cstdint>

#include "engine/completion_word.h"

namespace swlab::lab3 {

// The slot's states (engines/engine/completion_word.h): the caller resets the word to
// kPending before it submits; the engine stores kDone; a caller about to sleep
// announces it with kSleeping.
inline constexpr uint32_t kPending = CompletionWord::kPending;
inline constexpr uint32_t kDone = CompletionWord::kDone;
inline constexpr uint32_t kSleeping = CompletionWord::kSleeping;

// Rounds the caller spins before it sleeps: a reply from a running engine thread is
// a few hundred nanoseconds away, and catching it spinning saves two system calls.
inline constexpr int kReplySpins = 256;

// Engine side: everything written before this call (the reply, the trade buffers)
// must be visible to a caller that sees kDone; a caller asleep on the word must be
// woken. The request must not be touched after this call.
template <class MM>
void complete_reply(typename MM::template atomic<uint32_t>& word) {
  // acq_rel: the release publishes the reply; the exchange returns the state the
  // caller left, so the wake-up system call is made only for a caller that sleeps.
  if (word.exchange(kDone, std::memory_order_acq_rel) == kSleeping) MM::wake_all(word);
}

// Caller side: returns once the word is kDone; the reply may be read after it.
template <class MM>
void wait_reply(typename MM::template atomic<uint32_t>& word) {
  for (int i = 0; i < MM::spins(kReplySpins); ++i) {
    if (word.load(std::memory_order_acquire) == kDone) return;
    MM::pause();
  }
  // The announcement is a compare-exchange, not a store: a store of kSleeping could
  // overwrite a kDone that just arrived, and the caller would sleep for ever.
  uint32_t seen = kPending;
  if (word.compare_exchange_strong(seen, kSleeping, std::memory_order_acq_rel) || seen == kSleeping) {
    // The futex sleeps only while the word still reads kSleeping, and may return
    // spuriously: re-check every time.
    while (word.load(std::memory_order_acquire) != kDone) MM::wait(word, kSleeping);
  }
  // A failed exchange that found kDone was an acquire load: the reply is visible.
}

}  // namespace swlab::lab3
