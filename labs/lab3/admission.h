// Lab 3: admission (docs/labs/lab3.md, steps 3 and 4). One word counts the requests
// admitted and not yet answered, with the stop bit on top; the engine sleeps on it
// when idle. Written against a memory model MM (engines/platform/memory_model.h), so
// the model checker (given/model_lab3.cpp) can try it.
#pragma once

#include <atomic>
#include <cstdint>

#include "platform/cache_line.h"

namespace swlab::lab3 {

enum class Admit { kAdmitted, kOverloaded, kShutdown };

// What an engine with nothing popped does next.
enum class Idle {
  kStop,   // stopping, and nothing admitted is left: return
  kPoll,   // a request is admitted but not pushed yet: poll again
  kSleep,  // nothing admitted: spin a while, then sleep()
};

template <class MM>
class Admission {
 public:
  static constexpr uint32_t kStopBit = 1u << 31;

  explicit Admission(uint32_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Client: counts the request in. At capacity, kOverloaded when `may_shed`, else it
  // waits for room (MM::yield, without holding a slot). After stop(): kShutdown.
  Admit admit(bool may_shed) {
    // TODO(lab3): count the request in in_flight_ (fetch_add); if the stop bit is
    // set, undo and refuse (kShutdown); at capacity, undo and shed it (kOverloaded)
    // or wait for room and try again. The starter admits nothing (and honours the
    // stop bit, so that the tests that wait for `shutdown` end).
    (void)may_shed;
    return (in_flight_.load(std::memory_order_relaxed) & kStopBit) ? Admit::kShutdown : Admit::kOverloaded;
  }

  // Client, after pushing an admitted request: wakes the engine if it sleeps.
  void notify_pushed() {
    // TODO(lab3): if the engine announced its sleep (sleeping_), wake it
    // (MM::wake_all on in_flight_). Which memory orders make it impossible that the
    // engine misses your request while you miss its announcement? (docs/labs/lab3.md)
  }

  // Engine: n requests answered (their replies complete): their slots are free.
  void release(uint32_t n) {
    // TODO(lab3): subtract n from in_flight_, in one step.
    (void)n;
  }

  // Engine, with nothing popped: what next (Idle says when).
  Idle idle() const {
    // TODO(lab3)
    return Idle::kStop;  // the starter's engine thread returns at once
  }

  // Engine: sleeps until a request is admitted or stop() is called (or spuriously).
  void sleep() {
    // TODO(lab3): announce the sleep (sleeping_), re-read in_flight_, and sleep on it
    // (MM::wait) only if it is still 0; clear sleeping_ when you wake.
  }

  // Given (the engine's shutdown): sets the stop bit, a change of the word the engine
  // sleeps on, so the futex cannot sleep through it; then wakes the engine.
  void stop() {
    in_flight_.fetch_or(kStopBit, std::memory_order_seq_cst);
    MM::wake_all(in_flight_);
  }

 private:
  const uint32_t capacity_;
  // Written by every client and by the engine once per batch.
  alignas(kCacheLine) typename MM::template atomic<uint32_t> in_flight_{0};
  // Written by the engine when it sleeps, read by every client after a push: its own
  // line, so the admission traffic does not evict it.
  alignas(kCacheLine) typename MM::template atomic<uint32_t> sleeping_{0};
};

}  // namespace swlab::lab3
