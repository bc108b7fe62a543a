// Lab 4, worked solution in the starter's skeleton (instructors only: labs/make_handout.sh
// leaves solution/ out).
//
// Lab 4: the route gate (docs/labs/lab4.md, step 3). Callers pass through it on their
// way into a shard; shutdown closes it and waits until the last caller inside has
// handed its request over, so that no caller is still inside a shard when the shards
// stop (and, in the destructor, go). Written against a memory model MM
// (engines/platform/memory_model.h): the router runs it with StdMemoryModel, the
// model checker (given/model_lab4.cpp) with Relacy's.
#pragma once
#include <lab_reference_guard.h>  // the reference: a student build stops here (labs/common/rules/)

#include <atomic>
#include <cstdint>

namespace swlab::lab4 {

template <class MM>
class RouteGate {
 public:
  // One word, the futex word close() sleeps on:
  static constexpr uint32_t kClosed = 1u << 31;   // close() has begun: callers are refused
  static constexpr uint32_t kWaiting = 1u << 30;  // close() sleeps until the last caller leaves
  static constexpr uint32_t kCallers = kWaiting - 1;

  // A caller: runs hand_over() (the shard's submit) inside the gate; false, without
  // running it, once the gate is closed (refuse the request with `shutdown`).
  template <class F>
  bool route(F&& hand_over) {
    // One read-modify-write of the one word: the count and the closed bit are seen
    // together, so a caller either counts itself in before close() looks (and close()
    // waits for it) or sees the gate closed.
    const uint32_t before = state_.fetch_add(1, std::memory_order_acquire);
    if (before & kClosed) {
      leave();
      return false;
    }
    hand_over();
    leave();  // only after the hand-over: the shard is not to be touched after this
    return true;
  }

  // Shutdown: refuses every later caller, and returns once no caller is inside.
  void close() {
    // acquire: pairs with each leave()'s release; what the callers did inside is done.
    uint32_t s = state_.fetch_or(kClosed, std::memory_order_acquire) | kClosed;
    while (s & kCallers) {
      // Announce the sleep (a compare-exchange: the word may have changed, then look
      // again), so the last caller out knows to wake; the futex sleeps only while the
      // word still reads what was announced.
      if (!(s & kWaiting) &&
          !state_.compare_exchange_strong(s, s | kWaiting, std::memory_order_acquire, std::memory_order_acquire))
        continue;
      MM::wait(state_, s | kWaiting);
      s = state_.load(std::memory_order_acquire);
    }
  }

 private:
  void leave() {
    // release: the caller's use of the shard happens before whatever close() is followed by.
    const uint32_t before = state_.fetch_sub(1, std::memory_order_release);
    if ((before & kCallers) == 1 && (before & kWaiting)) MM::wake_all(state_);
  }

  typename MM::template atomic<uint32_t> state_{0};
};

}  // namespace swlab::lab4
