// A disk that can lose power, for tests of what survives a crash.
//
// It sits behind the FileSystem interface (engines/persistence/file_system.h) and
// keeps, for one directory, two images: what a reader sees (the page cache) and
// what the disk holds. Every call is also made on the real directory, so readers
// (recovery, replay) see the page cache through ordinary reads. A file's writes
// and truncations reach the disk image only at its fdatasync; a create, rename or
// unlink only at an fsync of the directory. power_cut() then throws away what never
// reached the disk and rewrites the real directory to the disk image: exactly what
// a machine that lost power would find on reboot, under the strict POSIX model (no
// file system ordering to lean on).
//
// fail_after(n) makes the n-th mutating call from now, and every one after it,
// fail with EIO: the power went out at that point. A test runs a workload with the
// cut at every operation boundary in turn, then power_cut()s and recovers.
//
// Thread-safe: every call is atomic with respect to the others (one mutex), so
// engines that sync on one thread while another appends (group commit) can run on
// it. set_sync_latency() makes every fdatasync take that long after it has made
// the file durable (a disk's flush time), outside the mutex: what others write
// meanwhile is not covered, exactly as on a real disk.
//
// Simplifications: one directory (the one given to the constructor; paths outside
// it are refused with EXDEV), mkdir passes straight through, and what survives a
// cut is always an in-order prefix of each file's unsynced operations (a real disk
// may also persist a later page before an earlier one; journal_format.h says what
// that does to recovery).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "persistence/file_system.h"

namespace swlab::test {

class SimulatedDisk final : public FileSystem {
 public:
  // Adopts the regular files already in root as durable.
  explicit SimulatedDisk(std::string root);
  ~SimulatedDisk() override;

  int open(const std::string& path, int flags, mode_t mode, int* fd) override;
  int write(int fd, const void* data, std::size_t n, std::size_t* written) override;
  int fdatasync(int fd) override;
  int ftruncate(int fd, uint64_t size) override;
  int close(int fd) override;
  int rename(const std::string& from, const std::string& to) override;
  int unlink(const std::string& path) override;
  int fsync_dir(const std::string& dir) override;
  int mkdir(const std::string& dir, mode_t mode) override;

  // The power fails at the n-th mutating call from now (1: the very next): that
  // call and every later one return EIO and change nothing. 0: never.
  void fail_after(uint64_t n);
  bool powered_off() const { return locked(powered_off_); }
  // Mutating calls (open, write, fdatasync, ftruncate, rename, unlink, fsync_dir)
  // made so far: the points where a test can cut the power.
  uint64_t operations() const { return locked(operations_); }
  uint64_t file_syncs() const { return locked(file_syncs_); }
  uint64_t dir_syncs() const { return locked(dir_syncs_); }
  // How long each successful fdatasync takes (0: none).
  void set_sync_latency(std::chrono::nanoseconds latency) {
    std::lock_guard guard(mutex_);
    sync_latency_ = latency;
  }

  // The power cut. Without a seed, everything not synced is lost. With one, a
  // random prefix of each file's unsynced operations survives, the first one lost
  // possibly torn part way through a write, and a random prefix of the
  // directory's unsynced name changes: a disk that got some of its queue out. The
  // real directory is rewritten to what survived, open descriptors die, and the
  // disk works again (as after a reboot).
  void power_cut(std::optional<uint64_t> seed = std::nullopt);

 private:
  struct Op {
    bool truncate;  // else a write
    uint64_t offset;
    std::string data;  // write
  };
  struct Inode {
    std::string durable;
    std::string current;
    std::vector<Op> pending;
  };
  struct NameOp {
    enum Kind { kLink, kRename, kUnlink } kind;
    std::string from, to;
    uint64_t inode;
  };
  struct OpenFile {
    uint64_t inode;
    uint64_t offset;
    bool append;
  };

  template <class T>
  T locked(const T& field) const {  // a copy of one of the fields below, read under the mutex
    std::lock_guard guard(mutex_);
    return field;
  }
  bool power_fails();                          // counts one mutating call
  std::string name_in_root(const std::string& path) const;  // "" if not directly in root
  static void apply(std::string* content, const Op& op, std::size_t limit);

  mutable std::mutex mutex_;  // guards everything below
  std::string root_;
  std::chrono::nanoseconds sync_latency_{0};
  std::map<uint64_t, Inode> inodes_;
  uint64_t next_inode_ = 1;
  std::map<std::string, uint64_t> durable_names_, current_names_;
  std::vector<NameOp> pending_names_;
  std::map<int, OpenFile> fds_;  // real descriptor -> state
  uint64_t operations_ = 0, fail_at_ = 0;
  uint64_t file_syncs_ = 0, dir_syncs_ = 0;
  bool powered_off_ = false;
};

}  // namespace swlab::test
