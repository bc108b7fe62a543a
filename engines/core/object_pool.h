// A free-list pool of fixed-size objects allocated in chunks.
//
// Order nodes and price levels are created and destroyed at the rate of commands.
// Taking them from a free list makes that a pointer pop instead of a trip through
// malloc, and keeps recently freed (cache-warm) nodes in use first.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace swlab {

template <class T, std::size_t kChunk = 1024>
class ObjectPool {
 public:
  ObjectPool() = default;
  ObjectPool(const ObjectPool&) = delete;
  ObjectPool& operator=(const ObjectPool&) = delete;

  // Returns a value-initialised T.
  T* acquire() {
    if (free_.empty()) grow();
    T* p = free_.back();
    free_.pop_back();
    *p = T{};
    ++live_;
    return p;
  }

  void release(T* p) {
    free_.push_back(p);  // capacity reserved in grow(): never allocates
    --live_;
  }

  std::size_t live() const { return live_; }

 private:
  void grow() {
    chunks_.push_back(std::make_unique<T[]>(kChunk));
    T* base = chunks_.back().get();
    free_.reserve(chunks_.size() * kChunk);
    for (std::size_t i = kChunk; i-- > 0;) free_.push_back(base + i);
  }

  std::vector<std::unique_ptr<T[]>> chunks_;
  std::vector<T*> free_;
  std::size_t live_ = 0;
};

}  // namespace swlab
