// One writer per state directory. Two engines appending to the same journal would
// each number commands from the same point and write overlapping segments: both
// would acknowledge, and recovery would then refuse the directory. An exclusive
// flock(2) on DIR/swlab.lock, held for the writer's lifetime, makes the second
// writer fail at once instead, before it touches anything.
//
// flock rather than a pid file: the kernel drops the lock when its holder dies, by
// SIGKILL included, so a crash never leaves a stale lock to clean up. The file holds
// the holder's pid only so that the refusal can name it.
#pragma once

#include <memory>
#include <string>

namespace swlab {

inline constexpr const char* kStateLockFile = "swlab.lock";

class StateDirLock {
 public:
  // Creates dir/swlab.lock if needed and takes the lock without waiting. Null with
  // *error ("<dir> is in use by another writer (pid N) ...") if it is held, and
  // *busy (when given) true; null with *busy false for anything else: the lock file
  // cannot be created, or something other than a regular file is in its place.
  // The file is opened with O_NOFOLLOW: a symbolic link planted as swlab.lock is
  // refused by name, and its target is never opened, let alone overwritten with
  // the pid.
  static std::unique_ptr<StateDirLock> acquire(const std::string& dir, std::string* error, bool* busy = nullptr);
  // Whether another process holds dir's lock now; *holder_pid when it can tell (0
  // otherwise). A directory without a lock file is not locked, nor is one whose
  // lock is not a regular file (acquire refuses that one by name).
  static bool held_by_another(const std::string& dir, long* holder_pid);

  ~StateDirLock();
  StateDirLock(const StateDirLock&) = delete;
  StateDirLock& operator=(const StateDirLock&) = delete;

 private:
  explicit StateDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace swlab
