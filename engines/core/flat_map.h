// An open-addressing hash map with linear probing and backward-shift deletion.
//
// Why not std::unordered_map: it allocates a node per insert and chases a pointer per
// lookup. The order book looks an order up on every cancel and reduce, and inserts
// one on every order that rests, so the index must not allocate in steady state and
// should hit one cache line per lookup. Linear probing over a flat array does both;
// backward-shift deletion keeps probe sequences short without tombstones, which
// matters because cancels delete as often as places insert.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace swlab {

// splitmix64's finaliser: every input bit affects every output bit, so dense small
// keys (account 0, 1, 2 ...) spread over the table instead of clustering.
constexpr uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Traits: `static Key empty()` (a key value never inserted) and
// `static uint64_t hash(const Key&)`.
template <class Key, class Value, class Traits>
class FlatMap {
 public:
  explicit FlatMap(std::size_t initial_capacity = 16) { rehash(round_up(initial_capacity * 2)); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  Value* find(const Key& key) {
    std::size_t i = Traits::hash(key) & mask_;
    while (true) {
      Slot& s = slots_[i];
      if (s.key == key) return &s.value;
      if (s.key == Traits::empty()) return nullptr;
      i = (i + 1) & mask_;
    }
  }
  const Value* find(const Key& key) const { return const_cast<FlatMap*>(this)->find(key); }

  // Inserts key with a value-initialised value if absent. Returns the value and
  // whether it was inserted. Pointers to values are invalidated by any insert.
  std::pair<Value*, bool> try_emplace(const Key& key) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);  // load <= 1/2
    std::size_t i = Traits::hash(key) & mask_;
    while (true) {
      Slot& s = slots_[i];
      if (s.key == key) return {&s.value, false};
      if (s.key == Traits::empty()) {
        s.key = key;
        s.value = Value{};
        ++size_;
        return {&s.value, true};
      }
      i = (i + 1) & mask_;
    }
  }

  bool erase(const Key& key) {
    std::size_t i = Traits::hash(key) & mask_;
    while (true) {
      if (slots_[i].key == key) break;
      if (slots_[i].key == Traits::empty()) return false;
      i = (i + 1) & mask_;
    }
    // Backward shift: pull later members of the probe run into the hole, so that
    // no lookup ever has to step over a deleted slot.
    std::size_t hole = i;
    std::size_t j = i;
    while (true) {
      j = (j + 1) & mask_;
      if (slots_[j].key == Traits::empty()) break;
      std::size_t home = Traits::hash(slots_[j].key) & mask_;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      bool home_after_hole = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (!home_after_hole) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole].key = Traits::empty();
    --size_;
    return true;
  }

  void clear() {
    for (Slot& s : slots_) s.key = Traits::empty();
    size_ = 0;
  }

 private:
  struct Slot {
    Key key;
    Value value;
  };

  static std::size_t round_up(std::size_t n) {
    std::size_t c = 16;
    while (c < n) c *= 2;
    return c;
  }

  void rehash(std::size_t capacity) {
    std::vector<Slot> old(capacity, Slot{Traits::empty(), Value{}});
    old.swap(slots_);
    mask_ = capacity - 1;
    size_ = 0;
    for (const Slot& s : old) {
      if (s.key == Traits::empty()) continue;
      std::size_t i = Traits::hash(s.key) & mask_;
      while (!(slots_[i].key == Traits::empty())) i = (i + 1) & mask_;
      slots_[i] = s;
      ++size_;
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace swlab
