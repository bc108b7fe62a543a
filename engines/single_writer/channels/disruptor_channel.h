// Channel `disruptor`: a multi-producer ring after the LMAX Disruptor's RingBuffer and
// MultiProducerSequencer. A power-of-two ring of preallocated slots; a producer
// claims the next sequence with one fetch-add on the shared claim counter, writes
// its slot, and publishes it by storing the sequence's lap number into the slot's
// own availability word (the Sequencer's availableBuffer). The engine reads every
// slot published in order, up to the first gap or its batch limit, in one pass, and
// frees them all with one store of its consumed sequence. No allocation per
// command, no CAS loop: a producer's only contended operation is the fetch-add.
//
// Compared with the other channels: all producers hit one claim counter (moodycamel
// gives each its own sub-queue, spsc each its own ring), but the consumer reads one
// ring in order instead of polling every producer's, and the ring is FIFO across
// producers in claim order (moodycamel and spsc are FIFO per producer only). A slow
// producer that has claimed but not yet published holds back the slots behind it:
// the consumer stops at the gap, as the Disruptor's does.
//
// The engine's wait strategies apply as for every polled channel; the Disruptor's
// own (BlockingWaitStrategy, YieldingWaitStrategy, BusySpinWaitStrategy) are what
// wait/ is modelled on.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <thread>

#include "platform/cache_line.h"
#include "platform/cpu_relax.h"
#include "single_writer/named_policy.h"

namespace swlab {

template <class T>
class DisruptorChannel
    : public Named<"disruptor",
                   "an LMAX Disruptor ring: one fetch-add claims a slot, a per-slot lap publishes it, "
                   "one batch drains it"> {
 public:
  static constexpr bool kBlocking = false;

  // The engine admits at most `capacity` requests, so a ring that holds them never
  // makes a producer wait for the consumer (the wrap check below stays a safety net).
  explicit DisruptorChannel(std::size_t capacity)
      : size_(std::bit_ceil(capacity < 2 ? std::size_t{2} : capacity)),
        mask_(size_ - 1),
        shift_(static_cast<uint32_t>(std::countr_zero(size_))),
        slots_(std::make_unique<Slot[]>(size_)) {}

  void push(T item) {
    const int64_t seq = cursors_.claim.fetch_add(1, std::memory_order_relaxed);
    // Wrap point: the slot still holds sequence seq - size until the consumer has
    // read it. As the Disruptor, check a cached copy of the consumer's position first
    // and read the consumer's own line only when the cache says the ring may be full.
    const int64_t wrap = seq - static_cast<int64_t>(size_);
    if (wrap >= cursors_.gating_cache.load(std::memory_order_acquire)) wait_for_consumer(wrap);
    Slot& s = slots_[static_cast<std::size_t>(seq) & mask_];
    s.item = item;
    // Publish: the release orders the item before the lap the consumer acquires.
    s.lap.store(seq >> shift_, std::memory_order_release);
  }

  // Engine thread only. Reads the published run from the next sequence on: a slot
  // is published for sequence q when its lap reads q >> shift.
  std::size_t pop_bulk(T* out, std::size_t max) {
    int64_t next = next_;
    std::size_t n = 0;
    while (n < max) {
      Slot& s = slots_[static_cast<std::size_t>(next) & mask_];
      if (s.lap.load(std::memory_order_acquire) != (next >> shift_)) break;
      out[n++] = s.item;
      ++next;
    }
    if (n != 0) {
      next_ = next;
      // One store frees the whole batch; the release orders our reads of the items
      // before any producer's reuse of their slots.
      cursors_.consumed.store(next, std::memory_order_release);
    }
    return n;
  }

 private:
  // The item and its availability word share a slot (16 bytes): the consumer's
  // check and its read are one cache line. The Disruptor keeps availableBuffer in
  // an array apart from the entries; with one pointer per entry, together is cheaper.
  struct Slot {
    std::atomic<int64_t> lap{-1};  // -1: never published (the Disruptor's initial value)
    T item{};
  };

  void wait_for_consumer(int64_t wrap) {
    int64_t consumed;
    uint32_t spins = 0;
    while (wrap >= (consumed = cursors_.consumed.load(std::memory_order_acquire))) {
      if (++spins % 1024 == 0) {
        std::this_thread::yield();
      } else {
        cpu_relax();
      }
    }
    // Producers racing here may store an older value after a newer one: a cache
    // that lags only sends someone back to the consumer's position, never past a full slot. The
    // release passes on what our acquire of it saw (the consumer's reads).
    cursors_.gating_cache.store(consumed, std::memory_order_release);
  }

  // The words producers and the consumer share, each on its own line.
  struct Cursors {
    // Every producer's fetch-add: the one contended line.
    alignas(kCacheLine) std::atomic<int64_t> claim{0};
    // Read by every producer on every push, written only when the ring may be full.
    alignas(kCacheLine) std::atomic<int64_t> gating_cache{0};
    // Written by the consumer once per batch; read by producers only on a wrap check.
    alignas(kCacheLine) std::atomic<int64_t> consumed{0};
  };
  static_assert(offsetof(Cursors, gating_cache) - offsetof(Cursors, claim) >= kCacheLine &&
                    offsetof(Cursors, consumed) - offsetof(Cursors, gating_cache) >= kCacheLine,
                "the claim counter, the gating cache and the consumer's position must not share a line");

  // Read-mostly: set once.
  const std::size_t size_;
  const std::size_t mask_;
  const uint32_t shift_;
  const std::unique_ptr<Slot[]> slots_;
  Cursors cursors_;
  // The consumer's own position (engine thread only), off the shared lines.
  alignas(kCacheLine) int64_t next_ = 0;
};

}  // namespace swlab
