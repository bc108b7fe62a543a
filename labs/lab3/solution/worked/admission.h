// Lab 3, worked solution in the starter's skeleton (instructors only: labs/make_handout.sh
// leaves solution/ out).
//
// Lab 3: admission (docs/labs/lab3.md, steps 3 and 4). One word counts the requests
// admitted and not yet answered, with the stop bit on top; the engine sleeps on it
// when idle. Written against a memory model MM (engines/platform/memory_model.h), so
// the model checker (given/model_lab3.cpp) can try it.
#pragma once

#include <lab_reference_guard.h>  // the reference: a student build stops here (labs/common/rules/)
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
  // waits for room (yielding, without holding a slot). After stop(): kShutdown.
  Admit admit(bool may_shed) {
    while (true) {
      // seq_cst: one half of the sleep handshake (notify_pushed() says why).
      const uint32_t before = in_flight_.fetch_add(1, std::memory_order_seq_cst);
      if (before & kStopBit) {
        in_flight_.fetch_sub(1, std::memory_order_relaxed);
        return Admit::kShutdown;
      }
      if (before < capacity_) return Admit::kAdmitted;
      in_flight_.fetch_sub(1, std::memory_order_relaxed);
      if (may_shed) return Admit::kOverloaded;
      while (true) {
        const uint32_t now = in_flight_.load(std::memory_order_relaxed);
        if ((now & kStopBit) || now < capacity_) break;
        MM::yield();
      }
    }
  }

  // Client, after pushing an admitted request: wakes the engine if it sleeps. The
  // engine stores sleeping_ and then loads in_flight_; the client incremented
  // in_flight_ and then loads sleeping_. All four seq_cst: in their single total
  // order one of the loads comes after the other side's write, so either the engine
  // sees the request and does not sleep, or the client sees the engine asleep and
  // wakes it. With release/acquire both loads may read the old values: a lost wake-up.
  void notify_pushed() {
    if (sleeping_.load(std::memory_order_seq_cst) != 0) MM::wake_all(in_flight_);
  }

  // Engine: n requests answered (their replies complete): their slots are free.
  void release(uint32_t n) { in_flight_.fetch_sub(n, std::memory_order_seq_cst); }

  // Engine, with nothing popped: what next.
  Idle idle() const {
    const uint32_t now = in_flight_.load(std::memory_order_seq_cst);
    if (now == kStopBit) return Idle::kStop;
    return now != 0 ? Idle::kPoll : Idle::kSleep;
  }

  // Engine: sleeps until a request is admitted or stop() is called (or spuriously).
  void sleep() {
    sleeping_.store(1, std::memory_order_seq_cst);
    // The re-check after the announcement: a request admitted in between is seen
    // here, or its client sees sleeping_ and wakes this thread. The futex sleeps only
    // while the word still reads 0.
    if (in_flight_.load(std::memory_order_seq_cst) == 0) MM::wait(in_flight_, 0);
    sleeping_.store(0, std::memory_order_relaxed);
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
