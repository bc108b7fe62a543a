// Lab 3: the reply slot (docs/labs/lab3.md, step 2). Written against a memory model
// MM (engines/platform/memory_model.h): the engine runs it with StdMemoryModel, the
// model checker (given/model_lab3.cpp) with Relacy's, which tries every interleaving
// of a few threads and every store a load may see. Use only MM's operations:
// word.load/store/exchange/compare_exchange_strong with explicit memory orders,
// MM::pause() (one spin round), MM::spins(n) (a spin phase's length), MM::wait(word,
// value) (the futex: sleeps while word == value; may return spuriously) and
// MM::wake_all(word).
#pragma once

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
  // TODO(lab3): publish kDone (which memory order makes the reply visible with it?);
  // if the caller had announced that it sleeps (kSleeping), wake it.
  (void)word;
}

// Caller side: returns once the word is kDone; the reply may be read after it.
template <class MM>
void wait_reply(typename MM::template atomic<uint32_t>& word) {
  // TODO(lab3): spin MM::spins(kReplySpins) rounds (MM::pause) watching for kDone,
  // then announce the sleep (kPending -> kSleeping: why not a plain store?) and sleep
  // with MM::wait until the word is kDone (MM::wait may return without a wake-up).
  (void)word;  // the starter returns at once: the reply is not there yet
}

}  // namespace swlab::lab3
