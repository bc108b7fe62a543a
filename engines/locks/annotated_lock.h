// A lock the compiler can check (platform/thread_annotations.h), in the manner of
// Google Benchmark's src/mutex.h: any lock type (std::mutex, std::shared_mutex, the
// Spinlock, a lab's) wrapped as a capability, with scoped guards for exclusive and
// shared holding. The wrapper adds no code: each call forwards to the lock.
//
// It also places the lock: aligned to, and filling, a 128-byte pair of lines of its
// own (kCacheLine, platform/cache_line.h). A lock's word is written by every
// acquisition and release, by whichever core takes it; anything sharing its lines
// (the engine's vptr, read by every caller on every call; the state it guards, written
// by the holder) would be pulled away with it (docs/architecture.md, "The lock
// engines' layout").
#pragma once


#include "platform/cache_line.h"
#include "platform/thread_annotations.h"

namespace swlab {

template <class Lock>
class CAPABILITY("mutex") AnnotatedLock {
 public:
  void lock() ACQUIRE() { lock_.lock(); }
  void unlock() RELEASE() { lock_.unlock(); }
  void lock_shared() ACQUIRE_SHARED() { lock_.lock_shared(); }
  void unlock_shared() RELEASE_SHARED() { lock_.unlock_shared(); }

 private:
  alignas(kCacheLine) Lock lock_;
};

// Holds the lock exclusively for its scope (std::lock_guard, checked).
template <class Lock>
class SCOPED_CAPABILITY ExclusiveLock {
 public:
  explicit ExclusiveLock(AnnotatedLock<Lock>& l) ACQUIRE(l) : lock_(l) { lock_.lock(); }
  ~ExclusiveLock() RELEASE() { lock_.unlock(); }
  ExclusiveLock(const ExclusiveLock&) = delete;
  ExclusiveLock& operator=(const ExclusiveLock&) = delete;

 private:
  AnnotatedLock<Lock>& lock_;
};

// Holds the lock shared for its scope (std::shared_lock, checked).
template <class Lock>
class SCOPED_CAPABILITY SharedLock {
 public:
  explicit SharedLock(AnnotatedLock<Lock>& l) ACQUIRE_SHARED(l) : lock_(l) { lock_.lock_shared(); }
  ~SharedLock() RELEASE() { lock_.unlock_shared(); }
  SharedLock(const SharedLock&) = delete;
  SharedLock& operator=(const SharedLock&) = delete;

 private:
  AnnotatedLock<Lock>& lock_;
};

}  // namespace swlab
