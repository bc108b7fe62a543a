// Channel `mutex-deque`: a std::deque behind a std::mutex and a condition variable.
// The channel built on a lock, kept as the baseline the lock-free channels must
// beat: every push and every drain takes the same mutex, so producers convoy on it
// exactly as they would on the mutex engine's lock, just for less time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>

#include "single_writer/named_policy.h"

namespace swlab {

template <class T>
class MutexDequeChannel
    : public Named<"mutex-deque", "std::deque behind a std::mutex and a condition variable: the lock-based baseline"> {
 public:
  static constexpr bool kBlocking = true;
  // The mutex, locked by the client's push and by every poll of the engine, moves
  // each way (2); the deque's back (its finish iterator, on a line apart from the
  // front's in libstdc++'s layout), written by the push and read by the engine's
  // empty(), moves to the engine (1), as does the element: a 56-byte hand-off
  // (handoff.h), nine to a 512-byte deque block, so most straddle two 64-byte lines
  // (counted 2). The front is the engine's alone; the map moves once per block of
  // nine (policy_concepts.h).
  static constexpr int kLineTransfers = 5;

  explicit MutexDequeChannel(std::size_t) {}

  void push(T item) {
    bool wake;
    {
      std::lock_guard guard(mutex_);
      items_.push_back(item);
      wake = waiting_;
    }
    if (wake) ready_.notify_one();  // outside the lock: the woken engine won't block on it
  }

  std::size_t pop_bulk(T* out, std::size_t max) {
    std::lock_guard guard(mutex_);
    return take(out, max);
  }

  std::size_t pop_bulk_wait(T* out, std::size_t max, int64_t timeout_us) {
    std::unique_lock lock(mutex_);
    if (items_.empty()) {
      waiting_ = true;
      ready_.wait_for(lock, std::chrono::microseconds(timeout_us), [&] { return !items_.empty(); });
      waiting_ = false;
    }
    return take(out, max);
  }

 private:
  std::size_t take(T* out, std::size_t max) {
    std::size_t n = 0;
    while (n < max && !items_.empty()) {
      out[n++] = items_.front();
      items_.pop_front();
    }
    return n;
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<T> items_;
  bool waiting_ = false;
};

}  // namespace swlab
