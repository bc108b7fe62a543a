// A ring of slots, each published by storing its sequence's lap number into the slot
// itself, and drained in order by one consumer: the part of the LMAX Disruptor's
// RingBuffer that the `disruptor` channel (many producers, one claim counter) and the
// `spsc` channel (one producer per ring, no shared counter) have in common. How a
// producer comes by its sequence is theirs; publishing it, waiting for its slot to be
// free and draining are here.
//
// Why the lap sits in the slot: the consumer's check and its read of the item are one
// cache line, so a hand-off costs one line transfer. A ring with separate head and
// tail indices (boost::lockfree::spsc_queue, which the `spsc` channel used to be)
// moves the tail's line and the slot's line to the consumer and the head's line back
// to the producer on every item: on the development machine that made its round trip
// 1.9-2.3x the ping-pong, against about 1x for this layout (docs/single-writer.md).
//
// Written against the memory model (platform/memory_model.h, folly's Atom pattern):
// the channels use LapRing<T>, on the machine's; tests/model/model_spsc_channel.cpp
// and model_disruptor_channel.cpp run it under the model checker, where the item is a
// plain variable whose hand-off the checker verifies.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>

#include "platform/cache_line.h"
#include "platform/memory_model.h"

namespace swlab {

template <class T, class MM = StdMemoryModel>
class LapRing {
 public:
  explicit LapRing(std::size_t capacity)
      : size_(std::bit_ceil(capacity < 2 ? std::size_t{2} : capacity)),
        mask_(size_ - 1),
        shift_(static_cast<uint32_t>(std::countr_zero(size_))),
        slots_(std::make_unique<Slot[]>(size_)) {
    // (On the machine's model: the checker's atomics are not standard-layout.)
    if constexpr (std::is_same_v<MM, StdMemoryModel>) {
      static_assert(offsetof(LapRing, next_) - offsetof(LapRing, consumed_) >= kCacheLine,
                    "the consumed position producers read and the consumer's own must not share a line");
      static_assert(sizeof(Slot) <= kCacheLine / 2 && kCacheLine / 2 % alignof(Slot) == 0,
                    "a slot (its lap and its item) must lie within one 64-byte line");
    }
  }

  int64_t size() const { return static_cast<int64_t>(size_); }

  // Producer: the slot for `seq` is free once the consumer has read sequence
  // seq - size, i.e. when the consumed position has passed it. Spins on the
  // consumer's line (yielding now and then, so that on a machine with fewer cores
  // than threads the consumer gets to run) and returns the position it saw.
  int64_t wait_until_free(int64_t seq) const {
    const int64_t wrap = seq - static_cast<int64_t>(size_);
    int64_t consumed;
    uint32_t spins = 0;
    // The acquire pairs with the consumer's release in pop_bulk: its reads of the
    // slot's old item happen before our write of the new one.
    while (wrap >= (consumed = consumed_.load(std::memory_order_acquire))) {
      if (++spins % 1024 == 0) {
        MM::yield();
      } else {
        MM::pause();
      }
    }
    return consumed;
  }

  // Producer: writes the item into its slot, which must be free, and publishes it.
  void publish(int64_t seq, T item) {
    Slot& s = slots_[static_cast<std::size_t>(seq) & mask_];
    s.item.write(item);
    // The release orders the item before the lap the consumer acquires.
    s.lap.store(seq >> shift_, std::memory_order_release);
  }

  // Consumer only. Reads the published run from the next sequence on, up to the first
  // slot not yet published or `max`: a slot is published for sequence q when its lap
  // reads q >> shift.
  std::size_t pop_bulk(T* out, std::size_t max) {
    int64_t next = next_;
    std::size_t n = 0;
    while (n < max) {
      Slot& s = slots_[static_cast<std::size_t>(next) & mask_];
      // The acquire pairs with the producer's release in publish(): the item is
      // visible once its lap is.
      if (s.lap.load(std::memory_order_acquire) != (next >> shift_)) break;
      out[n++] = s.item.read();
      ++next;
    }
    if (n != 0) {
      next_ = next;
      // One store frees the whole batch; the release orders our reads of the items
      // before any producer's reuse of their slots.
      consumed_.store(next, std::memory_order_release);
    }
    return n;
  }

 private:
  // The item and its lap share a slot: the consumer's check and its read are one cache
  // line. The Disruptor keeps availableBuffer in an array apart from the entries; with
  // a small item per entry, together is cheaper. A slot is aligned to its size rounded
  // up to a power of two, so that none straddles two 64-byte lines: 16 bytes for a
  // pointer (four to a line), 64 for the engine's hand-off (handoff.h: a line each).
  static constexpr std::size_t kSlotAlign =
      std::min(kCacheLine / 2, std::bit_ceil(sizeof(int64_t) + sizeof(T)));
  struct alignas(kSlotAlign) Slot {
    typename MM::template atomic<int64_t> lap{-1};  // -1: never published (the Disruptor's initial value)
    typename MM::template var<T> item{};            // on the machine, the T itself (PlainVar)
  };

  // Read-mostly: set once.
  const std::size_t size_;
  const std::size_t mask_;
  const uint32_t shift_;
  const std::unique_ptr<Slot[]> slots_;
  // Written by the consumer once per batch; read by producers only when the ring may
  // be full, so it has a line of its own.
  alignas(kCacheLine) typename MM::template atomic<int64_t> consumed_{0};
  // The consumer's own position.
  alignas(kCacheLine) int64_t next_ = 0;
};

}  // namespace swlab
