// Per-producer state of a channel (a moodycamel producer token, an SPSC ring),
// found by the calling thread without a lock on the hot path.
//
// Engine::submit carries no producer identity, so each thread keeps a small
// thread-local map from channel id to its producer. The first submit of a thread
// to a channel registers a producer under a mutex (cold); every later one is a
// lookup in the thread's own map, which a one-entry cache makes a compare in the
// common case of one client thread talking to one channel.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace swlab {

inline std::atomic<uint64_t> g_next_channel_id{1};

template <class Producer>
class ProducerSlots {
 public:
  static constexpr uint32_t kMaxProducers = 4096;

  ProducerSlots() : id_(g_next_channel_id.fetch_add(1, std::memory_order_relaxed)) {
    slots_.resize(kMaxProducers);
  }

  // The calling thread's producer; `make` creates one on first use.
  template <class Make>
  Producer& local(Make&& make) {
    struct Cache {
      uint64_t last_id = 0;
      void* last = nullptr;
      std::unordered_map<uint64_t, void*> all;
    };
    thread_local Cache cache;
    if (cache.last_id == id_) return *static_cast<Producer*>(cache.last);
    auto it = cache.all.find(id_);
    Producer* p;
    if (it != cache.all.end()) {
      p = static_cast<Producer*>(it->second);
    } else {
      p = add(make());
      cache.all.emplace(id_, p);
    }
    cache.last_id = id_;
    cache.last = p;
    return *p;
  }

  // Producers registered so far (consumer side). The acquire pairs with the
  // release in add(): a producer counted here is fully constructed.
  uint32_t count() const { return count_.load(std::memory_order_acquire); }
  Producer& at(uint32_t i) { return *slots_[i]; }

  // Consumer side: takes up to `max` items into `out` from the producers in turn,
  // `pop(producer, out, max)` each, starting one producer further on every call so
  // that a busy producer cannot starve the others.
  template <class T, class Pop>
  std::size_t drain_round_robin(T* out, std::size_t max, Pop&& pop) {
    const uint32_t n = count();
    std::size_t got = 0;
    for (uint32_t k = 0; k < n && got < max; ++k) got += pop(at((next_ + k) % n), out + got, max - got);
    if (n) next_ = (next_ + 1) % n;
    return got;
  }

 private:
  Producer* add(std::unique_ptr<Producer> p) {
    std::lock_guard guard(mutex_);
    uint32_t n = count_.load(std::memory_order_relaxed);
    if (n == kMaxProducers) throw std::length_error("channel: more than 4096 producer threads");
    slots_[n] = std::move(p);
    count_.store(n + 1, std::memory_order_release);
    return slots_[n].get();
  }

  const uint64_t id_;  // unique for the process' lifetime, unlike an address
  std::mutex mutex_;
  std::vector<std::unique_ptr<Producer>> slots_;  // sized once: never reallocates
  std::atomic<uint32_t> count_{0};
  uint32_t next_ = 0;  // drain_round_robin's starting producer (consumer only)
};

}  // namespace swlab
