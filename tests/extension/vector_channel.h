// A channel written for the tests only, to show what adding one takes: this header
// (the Channel concept in engines/single_writer/policy_concepts.h says what it must
// provide) and one entry in a channel list (test_adding_a_channel.cpp). Deliberately
// plain: a std::vector behind a std::mutex, drained by swapping it out.
#pragma once

#include <algorithm>
#include <cstddef>
#include <mutex>
#include <vector>

namespace swlab::test {

template <class T>
class VectorChannel {
 public:
  static constexpr const char* kName = "test-vector";
  static constexpr const char* kSummary = "a std::vector behind a std::mutex (a test-only channel)";
  static constexpr bool kBlocking = false;
  // The mutex's line, locked by the client's push and by every poll of the engine,
  // moves each way (2); the vector's size, written by the push and read by the engine,
  // moves to it (1), as does the element, a 56-byte hand-off that mostly straddles two
  // lines (2). (policy_concepts.h says how to count.)
  static constexpr int kLineTransfers = 5;

  explicit VectorChannel(std::size_t capacity) { items_.reserve(capacity); }

  void push(T item) {
    std::lock_guard guard(mutex_);
    items_.push_back(item);
  }

  std::size_t pop_bulk(T* out, std::size_t max) {
    std::lock_guard guard(mutex_);
    const std::size_t n = std::min(max, items_.size() - head_);
    std::copy_n(items_.begin() + static_cast<std::ptrdiff_t>(head_), n, out);
    head_ += n;
    if (head_ == items_.size()) {
      items_.clear();
      head_ = 0;
    }
    return n;
  }

 private:
  std::mutex mutex_;
  std::vector<T> items_;
  std::size_t head_ = 0;
};

}  // namespace swlab::test
