// Thin wrappers over Linux futexes: sleep on a 32-bit word while it holds a value,
// and wake sleepers on it. Used instead of std::atomic::wait/notify because
// libstdc++ 12 routes those through a small global table of waiter counters, so
// every notify touches a cache line shared by unrelated waiters; a futex costs
// nothing unless a thread actually sleeps.
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <ctime>

namespace swlab {

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));

// Sleeps while *word == expected (checked atomically by the kernel). May return
// spuriously; callers re-check their condition in a loop.
inline void futex_wait(std::atomic<uint32_t>& word, uint32_t expected) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected, nullptr,
          nullptr, 0);
}

inline void futex_wake_all(std::atomic<uint32_t>& word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAKE_PRIVATE, INT32_MAX, nullptr,
          nullptr, 0);
}

}  // namespace swlab
