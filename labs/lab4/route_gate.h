// Lab 4: the route gate (docs/labs/lab4.md, step 3). Callers pass through it on their
// way into a shard; shutdown closes it and waits until the last caller inside has
// handed its request over, so that no caller is still inside a shard when the shards
// stop (and, in the destructor, go). Written against a memory model MM
// (engines/platform/memory_model.h): the router runs it with StdMemoryModel, the
// model checker (given/model_lab4.cpp) with Relacy's.
#pragma once
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
  // A caller: runs hand_over() (the shard's submit) inside the gate; false, without
  // running it, once the gate is closed (refuse the request with `shutdown`).
  template <class F>
  bool route(F&& hand_over) {
    // TODO(lab4): count the caller in (state_), and refuse if the gate is closed;
    // else hand over, then count it out, waking close() if it sleeps and this was the
    // last caller inside. Which memory orders make the caller's use of the shard happen
    // before whatever close() is followed by (the shards stopping)?
    // The starter lets everybody through and counts nothing.
    hand_over();
    return true;
  }

  // Shutdown: refuses every later caller, and returns once no caller is inside.
  void close() {
    // TODO(lab4): set kClosed; while callers are inside, announce the sleep (kWaiting)
    // and sleep on the word (MM::wait: sleeps while the word holds the value you give,
    // may return without a wake-up). The starter returns at once.
  }

 private:
  typename MM::template atomic<uint32_t> state_{0};
};

}  // namespace swlab::lab4
