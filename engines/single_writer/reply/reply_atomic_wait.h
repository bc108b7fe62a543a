// Reply path `atomic-wait`: C++20 std::atomic wait/notify, the portable standard
// way. The caller spins briefly, then atomic::wait(); the engine stores and calls
// notify_one() for every reply. libstdc++ 12 keeps waiters in a small global table
// of counters hashed by address, so notify_one skips the system call when no one
// waits, but still touches a table line shared by unrelated slots; the futex path
// (reply_futex.h) avoids that by keeping the "someone sleeps" bit in the slot.
//
// complete() and wait() take any request with a `done` slot; the wait and the notify
// are its memory model's (std::atomic's own on the machine; the model checker's
// futex in tests/model/model_reply_atomic_wait.cpp).
#pragma once

#include <type_traits>

#include "engine/request.h"
#include "platform/cpu_relax.h"
#include "single_writer/named_policy.h"

namespace swlab {

struct AtomicWaitReply : Named<"atomic-wait", "C++20 std::atomic wait/notify"> {
  // The store writes the reply's own line (the engine's count, policy_concepts.h).
  // notify_one reads the waiter count in libstdc++'s table entry for the word: a line
  // that only a waiter going to sleep writes, so with one caller still spinning it
  // stays in the engine's cache and moves nothing. (Callers asleep on words that hash
  // to the same entry make it move: a sleep, which a budget counts apart.)
  static constexpr int kLineTransfers = 0;

  template <class Req = Request>
  static void complete(Req& r) {
    using MM = typename std::remove_cvref_t<decltype(r.done)>::Model;
    auto& w = r.done.word();
    // Release: the reply is visible to the caller that acquires kDone. That the store
    // is also ordered before notify_one's check for a waiter is the memory model's
    // notify_one's own business (platform/memory_model.h: a seq_cst fence first, for
    // libstdc++'s waiter count). The request must not be used by the engine afterwards;
    // notify touches only the atomic's address.
    w.store(Completion::kDone, std::memory_order_release);
    MM::notify_one(w);
  }

  template <class Req = Request>
  static void wait(Req& r) {
    using MM = typename std::remove_cvref_t<decltype(r.done)>::Model;
    if (r.done.spin_until_ready()) return;
    auto& w = r.done.word();
    // The loop re-checks after every return: atomic::wait may return spuriously.
    while (w.load(std::memory_order_acquire) != Completion::kDone)
      MM::atomic_wait(w, Completion::kPending, std::memory_order_acquire);
  }
};

}  // namespace swlab
