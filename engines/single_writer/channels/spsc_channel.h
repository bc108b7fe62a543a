// Channel `spsc`: one boost::lockfree::spsc_queue (a wait-free ring) per client
// thread, polled round-robin by the engine thread. No producer ever contends with
// another: each ring's write index is touched by one client and its read index by
// the engine only. This is the layout of most low-latency engines; its cost moves
// to the consumer, which polls every registered ring, idle or not.
//
// FIFO holds per producer; across producers the engine's round-robin decides.
#pragma once

#include <boost/lockfree/spsc_queue.hpp>

#include <cstddef>
#include <memory>

#include "single_writer/channels/producer_slots.h"
#include "single_writer/named_policy.h"

namespace swlab {

template <class T>
class SpscChannel
    : public Named<"spsc", "one wait-free SPSC ring per client thread, polled round-robin (the default)"> {
 public:
  static constexpr bool kBlocking = false;

  // Each ring holds `capacity`: the engine's bound applies to the sum, so a single
  // client can use all of it.
  explicit SpscChannel(std::size_t capacity) : capacity_(capacity) {}

  void push(T item) {
    auto& ring = producers_.local([this] { return std::make_unique<Ring>(capacity_ + 1); });
    while (!ring.push(item)) {
    }
  }

  std::size_t pop_bulk(T* out, std::size_t max) {
    const uint32_t n = producers_.count();
    std::size_t got = 0;
    // Start where the last poll stopped, so a busy client cannot starve the others.
    for (uint32_t k = 0; k < n && got < max; ++k) {
      const uint32_t i = (next_ + k) % n;
      got += producers_.at(i).pop(out + got, max - got);
    }
    if (n) next_ = (next_ + 1) % n;
    return got;
  }

 private:
  using Ring = boost::lockfree::spsc_queue<T>;
  const std::size_t capacity_;
  ProducerSlots<Ring> producers_;
  uint32_t next_ = 0;  // engine thread only
};

}  // namespace swlab
