// Lab 3: the ring (docs/labs/lab3.md, step 3). One producer (a client thread), one
// consumer (the engine thread), a bounded array of slots between them. Written
// against a memory model MM (engines/platform/memory_model.h), so the model checker
// (given/model_lab3.cpp) can try it: the slots are MM::var (plain variables whose
// every read and write the checker records), the indices MM::atomic.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "platform/cache_line.h"

namespace swlab::lab3 {

template <class T, class MM>
class Ring {
 public:
  explicit Ring(std::size_t capacity)
      : capacity_(capacity == 0 ? 1 : capacity), slots_(new typename MM::template var<T>[capacity_]) {}

  // Producer: false when the ring is full.
  bool try_push(T item) {
    // TODO(lab3): write the item into the slot at tail_ (slots_[i].write), then
    // publish it by moving tail_ on. Full when tail_ - head_ == capacity_. Which side
    // writes which index, and which memory orders make the slot's content travel with
    // the index (and the slot's reuse wait for the consumer's read)?
    (void)item;
    return false;  // the starter: always full
  }

  // Consumer: moves up to `max` items into `out`, oldest first; how many.
  std::size_t pop_bulk(T* out, std::size_t max) {
    // TODO(lab3): read the items between head_ and tail_ (slots_[i].read), then hand
    // their slots back by moving head_ on.
    (void)out;
    (void)max;
    return 0;
  }

 private:
  const std::size_t capacity_;
  std::unique_ptr<typename MM::template var<T>[]> slots_;
  // Each side's index on its own line: the producer writes tail_, the consumer head_.
  alignas(kCacheLine) typename MM::template atomic<uint64_t> tail_{0};
  alignas(kCacheLine) typename MM::template atomic<uint64_t> head_{0};
};

}  // namespace swlab::lab3
