// Lab 3, worked solution in the starter's skeleton (instructors only: labs/make_handout.sh
// leaves solution/ out).
//
// Lab 3: the ring (docs/labs/lab3.md, step 3). One producer (a client thread), one
// consumer (the engine thread), a bounded array of slots between them. Written
// against a memory model MM (engines/platform/memory_model.h), so the model checker
// (given/model_lab3.cpp) can try it.
#pragma once

#include <lab_reference_guard.h>  // the reference: a student build stops here (labs/common/rules/)
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
    const uint64_t tail = tail_.load(std::memory_order_relaxed);  // only this thread writes it
    if (tail - head_seen_ == capacity_) {
      // The acquire pairs with the consumer's release of head_: the consumer has
      // finished reading the slot before this producer writes it again.
      head_seen_ = head_.load(std::memory_order_acquire);
      if (tail - head_seen_ == capacity_) return false;
    }
    slots_[tail % capacity_].write(item);
    // The release publishes the slot's content with the new tail: written before.
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  // Consumer: moves up to `max` items into `out`, oldest first; how many.
  std::size_t pop_bulk(T* out, std::size_t max) {
    const uint64_t head = head_.load(std::memory_order_relaxed);  // only this thread writes it
    if (tail_seen_ == head) tail_seen_ = tail_.load(std::memory_order_acquire);  // pairs with the push's release
    const std::size_t n = std::min<std::size_t>(max, tail_seen_ - head);
    for (std::size_t i = 0; i < n; ++i) out[i] = slots_[(head + i) % capacity_].read();
    // The release hands the slots back only after they are read.
    if (n > 0) head_.store(head + n, std::memory_order_release);
    return n;
  }

 private:
  const std::size_t capacity_;
  std::unique_ptr<typename MM::template var<T>[]> slots_;
  // Each side's index on its own line, next to its cached copy of the other side's:
  // the other side's line is read only when the cached copy says full (or empty).
  alignas(kCacheLine) typename MM::template atomic<uint64_t> tail_{0};
  uint64_t head_seen_ = 0;  // the producer's copy of head_
  alignas(kCacheLine) typename MM::template atomic<uint64_t> head_{0};
  uint64_t tail_seen_ = 0;  // the consumer's copy of tail_
};

}  // namespace swlab::lab3
