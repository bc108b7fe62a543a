// Lab 2, worked solution in the starter's skeleton (instructors only: labs/make_handout.sh
// leaves solution/ out).
//
// Lab 2: a writer-preferring reader-writer lock (docs/labs/lab2.md, step 5). Written
// against a memory model MM (engines/platform/memory_model.h): the engine runs it with
// StdMemoryModel (`lab2-rwlock-wp`), the model checker (given/model_lab2.cpp) with
// Relacy's, which tries every interleaving of a few threads.
#pragma once
#include <lab_reference_guard.h>  // the reference: a student build stops here (labs/common/rules/)

#include <atomic>
#include <cstdint>

namespace swlab::lab2 {

template <class MM>
class WriterPreferringLock {
 public:
  // The one word everybody sleeps on (a futex word: 32 bits):
  static constexpr uint32_t kReaders = (1u << 15) - 1;  // bits 0-14: readers holding the lock
  static constexpr uint32_t kWaiter = 1u << 15;         // bits 15-29: writers waiting, in units of this
  static constexpr uint32_t kWaiters = ((1u << 15) - 1) << 15;
  static constexpr uint32_t kSleepers = 1u << 30;       // someone sleeps on the word: wake on release
  static constexpr uint32_t kWriter = 1u << 31;         // a writer holds the lock

  void lock_shared() {
    uint32_t s = state_.load(std::memory_order_relaxed);
    while (true) {
      // Writer preference: a reader does not get in while a writer holds the lock or
      // waits for it, so a stream of readers cannot starve the writers.
      if ((s & (kWriter | kWaiters)) == 0) {
        // acquire: pairs with the writer's release in unlock(); its writes are visible.
        if (state_.compare_exchange_weak(s, s + 1, std::memory_order_acquire, std::memory_order_relaxed)) return;
        continue;
      }
      sleep_while(s);
      s = state_.load(std::memory_order_relaxed);
    }
  }

  void unlock_shared() {
    // release: this reader's reads happen before the next writer's writes.
    const uint32_t before = state_.fetch_sub(1, std::memory_order_release);
    if ((before & kReaders) == 1 && (before & kSleepers)) wake_sleepers();  // the last reader out
  }

  void lock() {
    // Announce the wait first: from here on, arriving readers queue behind this writer.
    uint32_t s = state_.fetch_add(kWaiter, std::memory_order_relaxed) + kWaiter;
    while (true) {
      if ((s & (kWriter | kReaders)) == 0) {
        // acquire: pairs with the readers' releases and the last writer's.
        if (state_.compare_exchange_weak(s, (s - kWaiter) | kWriter, std::memory_order_acquire,
                                         std::memory_order_relaxed))
          return;
        continue;
      }
      sleep_while(s);
      s = state_.load(std::memory_order_relaxed);
    }
  }

  void unlock() {
    // release: this writer's writes happen before whoever takes the lock next.
    const uint32_t before = state_.fetch_and(~(kWriter | kSleepers), std::memory_order_release);
    if (before & kSleepers) MM::wake_all(state_);
  }

  // Writers waiting for the lock now (a snapshot: the tests and the model checker read it).
  uint32_t waiting_writers() const { return (state_.load(std::memory_order_relaxed) & kWaiters) / kWaiter; }

 private:
  // Sleeps while the word still reads `seen` with the sleepers bit set. The bit is set
  // first (a compare-exchange: the word may have changed, then the caller looks again),
  // so whoever releases the lock knows to wake; the futex re-checks the value, so a
  // release between the announcement and the sleep is not slept through.
  void sleep_while(uint32_t seen) {
    if (!(seen & kSleepers) &&
        !state_.compare_exchange_strong(seen, seen | kSleepers, std::memory_order_relaxed, std::memory_order_relaxed))
      return;
    MM::wait(state_, seen | kSleepers);
  }

  void wake_sleepers() {
    state_.fetch_and(~kSleepers, std::memory_order_relaxed);
    MM::wake_all(state_);
  }

  typename MM::template atomic<uint32_t> state_{0};
};

}  // namespace swlab::lab2
