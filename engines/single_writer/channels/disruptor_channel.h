// Channel `disruptor`: a multi-producer ring after the LMAX Disruptor's RingBuffer and
// MultiProducerSequencer. A power-of-two ring of preallocated slots; a producer
// claims the next sequence with one fetch-add on the shared claim counter, writes
// its slot, and publishes it by storing the sequence's lap number into the slot's
// own availability word (the Sequencer's availableBuffer). The engine reads every
// slot published in order, up to the first gap or its batch limit, in one pass, and
// frees them all with one store of its consumed sequence (lap_ring.h). No allocation
// per command, no CAS loop: a producer's only contended operation is the fetch-add.
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
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "platform/cache_line.h"
#include "platform/memory_model.h"
#include "single_writer/channels/lap_ring.h"
#include "single_writer/named_policy.h"

namespace swlab {

template <class T>
class DisruptorChannel
    : public Named<"disruptor",
                   "an LMAX Disruptor ring: one fetch-add claims a slot, a per-slot lap publishes it, "
                   "one batch drains it"> {
 public:
  static constexpr bool kBlocking = false;
  // The slot's line (lap and hand-off), written by the client and read by the engine:
  // 1. With one client the claim counter stays on its core; the gating cache is read
  // on every push but written only when the ring may be full; the consumed position
  // is the engine's, read through the cache (policy_concepts.h).
  static constexpr int kLineTransfers = 1;

  // The engine admits at most `capacity` requests, so a ring that holds them never
  // makes a producer wait for the consumer (the wrap check below stays a safety net).
  explicit DisruptorChannel(std::size_t capacity) : ring_(capacity) {}

  void push(T item) { ring_.push(item); }

  // Engine thread only.
  std::size_t pop_bulk(T* out, std::size_t max) { return ring_.pop_bulk(out, max); }

  // The ring with its claim and gating protocol, written against the memory model
  // (platform/memory_model.h): the channel's is Ring<>, on the machine's;
  // tests/model/model_disruptor_channel.cpp checks Ring<RelacyMemoryModel>.
  template <class MM = StdMemoryModel>
  class Ring {
   public:
    explicit Ring(std::size_t capacity) : ring_(capacity) {
      // (On the machine's model: the checker's atomics are not standard-layout.)
      if constexpr (std::is_same_v<MM, StdMemoryModel>) {
        static_assert(offsetof(Cursors, gating_cache) - offsetof(Cursors, claim) >= kCacheLine,
                      "the claim counter and the gating cache must not share a line");
      }
    }

    // Any thread.
    void push(T item) {
      // Relaxed: the claim only hands out distinct sequences; what a producer writes
      // is ordered by its slot's lap (publish), and the slot's reuse by the gating
      // acquire below, not by the counter.
      const int64_t seq = cursors_.claim.fetch_add(1, std::memory_order_relaxed);
      // Wrap point: as the Disruptor, check a cached copy of the consumer's position
      // first and read the consumer's own line only when the cache says the ring may be
      // full. The acquire pairs with the release below: a cached position is one some
      // producer acquired from the consumer, so the consumer's reads of the slot's old
      // item happen before our write.
      if (seq - ring_.size() >= cursors_.gating_cache.load(std::memory_order_acquire)) {
        // Producers racing here may store an older value after a newer one: a cache
        // that lags only sends someone back to the consumer's position, never past a
        // full slot. The release passes on what our acquire of it saw (the consumer's
        // reads).
        cursors_.gating_cache.store(ring_.wait_until_free(seq), std::memory_order_release);
      }
      ring_.publish(seq, item);
    }

    // Engine thread only.
    std::size_t pop_bulk(T* out, std::size_t max) { return ring_.pop_bulk(out, max); }

   private:
    // The words producers share, each on its own line.
    struct Cursors {
      // Every producer's fetch-add: the one contended line.
      alignas(kCacheLine) typename MM::template atomic<int64_t> claim{0};
      // Read by every producer on every push, written only when the ring may be full.
      alignas(kCacheLine) typename MM::template atomic<int64_t> gating_cache{0};
    };

    LapRing<T, MM> ring_;
    Cursors cursors_;
  };

 private:
  Ring<> ring_;
};

}  // namespace swlab
