#include "persistence/dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "persistence/file_io.h"

namespace swlab {

namespace {

long read_pid(int fd) {
  char buf[32] = {};
  std::size_t got = 0;
  if (read_at(fd, 0, buf, sizeof buf - 1, &got) != 0 || got < 5 || std::string(buf, 4) != "pid ") return 0;
  return std::strtol(buf + 4, nullptr, 10);
}

}  // namespace

std::unique_ptr<StateDirLock> StateDirLock::acquire(const std::string& dir, std::string* error, bool* busy) {
  if (busy != nullptr) *busy = false;
  const std::string path = join_path(dir, kStateLockFile);
  // O_NONBLOCK: a fifo planted as the lock must not hang the writer in open().
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
  if (fd < 0) {
    *error = errno == ELOOP ? symlink_refusal(path) : sys_error("create lock file", path, errno);
    return nullptr;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    *error = path + " is " + file_type_name(st.st_mode) + ", not a regular file: refusing it as the directory's lock";
    ::close(fd);
    return nullptr;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    if (e == EWOULDBLOCK) {
      const long pid = read_pid(fd);
      *error = dir + " is in use by another writer" +
               (pid > 0 ? " (pid " + std::to_string(pid) + ")" : std::string()) +
               ": a state directory has exactly one writer";
      if (busy != nullptr) *busy = true;
    } else {
      *error = sys_error("lock", path, e);
    }
    ::close(fd);
    return nullptr;
  }
  // Not synced: the pid only matters while this process lives.
  const std::string text = "pid " + std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) < 0) {
    *error = sys_error("write lock file", path, errno);
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<StateDirLock>(new StateDirLock(fd));
}

bool StateDirLock::held_by_another(const std::string& dir, long* holder_pid) {
  *holder_pid = 0;
  const std::string path = join_path(dir, kStateLockFile);
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  bool held = false;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    held = false;
  } else if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
    held = errno == EWOULDBLOCK;
    if (held) *holder_pid = read_pid(fd);
  } else {
    ::flock(fd, LOCK_UN);
  }
  ::close(fd);
  return held;
}

StateDirLock::~StateDirLock() { ::close(fd_); }

}  // namespace swlab
