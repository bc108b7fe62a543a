// Channel `boost-queue`: boost::lockfree::queue, a node-based Michael-Scott MPMC
// queue over a fixed pool of nodes (fixed_sized<true>: push never allocates; it
// fails when the pool is empty). Every producer and the consumer CAS on the same
// head and tail words, so under many producers the tail's cache line is the
// bottleneck, unlike moodycamel's per-producer sub-queues.
//
// Semantics to know: T must be trivially copyable and trivially assignable (the
// engine's hand-off is, handoff.h), and a fixed-size queue holds at most 65,534 nodes (16-bit
// tagged indices), so the engine's capacity must stay below that. There is no bulk
// pop: the engine pops one at a time up to its batch limit.
#pragma once

#include <boost/lockfree/queue.hpp>

#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "single_writer/named_policy.h"

namespace swlab {

template <class T>
class BoostQueueChannel
    : public Named<"boost-queue",
                   "boost::lockfree::queue, a node-based Michael-Scott queue (at most 65534 in flight)"> {
 public:
  static constexpr bool kBlocking = false;
  static constexpr std::size_t kMaxCapacity = 65534;
  // With one client (boost 1.74's queue; every node on a line of its own): the node
  // pool's free-list head, popped by the client's push and pushed by the engine's pop,
  // moves each way (2); the node the client takes is the one the engine freed last
  // (the free list is LIFO), so it comes from the engine's cache and goes back with the
  // item (2); the tail, which the client's push swings and the engine's pop reads to
  // tell an empty queue, moves to the engine (1). The previous node's next link, which
  // the push sets and the pop follows, is on a line that moves with those above.
  static constexpr int kLineTransfers = 5;

  explicit BoostQueueChannel(std::size_t capacity) : queue_(check(capacity)) {}

  void push(T item) {
    // The engine admits at most `capacity` requests, so the pool cannot run dry;
    // a failure here would be an accounting bug, not backpressure.
    while (!queue_.bounded_push(item)) {
    }
  }

  std::size_t pop_bulk(T* out, std::size_t max) {
    std::size_t n = 0;
    while (n < max && queue_.pop(out[n])) ++n;
    return n;
  }

 private:
  static std::size_t check(std::size_t capacity) {
    if (capacity > kMaxCapacity)
      throw std::invalid_argument("boost-queue holds at most 65534 requests (--capacity)");
    return capacity;
  }

  boost::lockfree::queue<T, boost::lockfree::fixed_sized<true>> queue_;
};

}  // namespace swlab
