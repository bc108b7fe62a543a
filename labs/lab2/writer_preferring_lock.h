// Lab 2: a writer-preferring reader-writer lock (docs/labs/lab2.md, step 5). Written
// against a memory model MM (engines/platform/memory_model.h): the engine runs it with
// StdMemoryModel (`lab2-rwlock-wp`), the model checker (given/model_lab2.cpp) with
// Relacy's, which tries every interleaving of a few threads.
#pragma once
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

  // TODO(lab2): the four operations of a reader-writer lock, on state_ alone, with
  // writer preference: a reader does not get in while a writer holds the lock or waits
  // for it. Block by sleeping on the word (MM::wait(state_, value): sleeps while the
  // word holds value, may return spuriously), never by spinning; whoever releases the
  // lock must wake whoever sleeps behind it (MM::wake_all), without a system call when
  // nobody sleeps (the kSleepers bit). Which memory orders make the writer's writes
  // visible to the next reader, and the readers' reads happen before the next writer's?
  // The starter takes nothing: every holder races with every other.
  void lock_shared() {}
  void unlock_shared() {}
  void lock() {}
  void unlock() {}

  // Writers waiting for the lock now (a snapshot: the model checker reads it to know a
  // writer has announced itself).
  uint32_t waiting_writers() const {
    // TODO(lab2)
    return 0;
  }

 private:
  typename MM::template atomic<uint32_t> state_{0};
};

}  // namespace swlab::lab2
