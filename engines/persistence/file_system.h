// The file operations that decide what survives a crash, behind one small
// interface: the journal writer, the snapshot writer and swlab.meta do every
// open, write, sync, rename, truncate and unlink through it. The default is the
// real POSIX calls; a test puts a simulated disk behind it (tests/support/
// simulated_disk.h) that forgets what was never synced at a simulated power cut,
// so the tests can check that every durability promise rests on a sync that is
// actually made.
//
// Virtual on purpose: every call sits next to a system call, and the journal's hot
// path (encoding records into a buffer) makes none; a write(2) per batch dwarfs an
// indirect call. Reading (recovery, replay) goes straight to POSIX: it changes
// nothing, so there is nothing for a simulated disk to forget.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace swlab {

// Every method returns 0 on success or an errno value, and leaves errno alone, so
// a caller can format the error (sys_error in file_io.h) with the path it used.
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // open(2) for writing; flags as open(2)'s (O_CLOEXEC and O_NOFOLLOW are added:
  // every file a writer opens is one it owns, so a symbolic link in its place is
  // refused with ELOOP, never followed). *fd on success.
  virtual int open(const std::string& path, int flags, mode_t mode, int* fd) = 0;
  // write(2): may write fewer than n bytes (*written says how many).
  virtual int write(int fd, const void* data, std::size_t n, std::size_t* written) = 0;
  // Makes the file's data, and the metadata needed to read it back (its size), durable.
  virtual int fdatasync(int fd) = 0;
  virtual int ftruncate(int fd, uint64_t size) = 0;
  virtual int close(int fd) = 0;
  // A new, renamed or removed name is durable only once its directory is fsync'd.
  virtual int rename(const std::string& from, const std::string& to) = 0;
  virtual int unlink(const std::string& path) = 0;
  virtual int fsync_dir(const std::string& dir) = 0;
  virtual int mkdir(const std::string& dir, mode_t mode) = 0;
};

// The real thing: a process-wide, stateless instance.
FileSystem& posix_file_system();

}  // namespace swlab
