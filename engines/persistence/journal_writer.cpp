#include "persistence/journal_writer.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <utility>
#include <vector>

#include "persistence/file_io.h"
#include "persistence/journal_codec.h"
#include "persistence/journal_manifest.h"
#include "persistence/journal_segment.h"

namespace swlab {

namespace {

bool set_error(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

// The most segment_bytes can be so that a segment, closed on the first record that
// reaches it, stays within the format's limit.
constexpr std::size_t kSegmentBytesCap =
    static_cast<std::size_t>(kMaxSegmentBytes) - kRecordHeaderSize - kMaxRecordPayload;

}  // namespace

JournalWriter::JournalWriter(FileSystem& fs, std::string dir, std::size_t segment_bytes,
                             uint64_t next_seq)
    : fs_(fs),
      dir_(std::move(dir)),
      segment_bytes_(std::min(segment_bytes, kSegmentBytesCap)),
      last_seq_(next_seq - 1),
      written_seq_(next_seq - 1),
      durable_seq_(next_seq - 1) {}

std::unique_ptr<JournalWriter> JournalWriter::open(const std::string& dir, uint64_t next_seq,
                                                   std::size_t segment_bytes, std::string* error,
                                                   FileSystem& fs) {
  if (next_seq == 0) {
    set_error(error, "journal " + dir + ": next_seq must be at least 1");
    return nullptr;
  }
  if (!make_dirs(fs, dir, error)) return nullptr;
  std::string list_error;
  std::vector<std::string> segments = list_segments(dir, &list_error);
  if (!list_error.empty()) {
    set_error(error, list_error);
    return nullptr;
  }
  for (const std::string& path : segments) {
    const uint64_t first = segment_first_seq(path);
    if (first > next_seq) {
      set_error(error, path + ": starts at seq " + std::to_string(first) + ", after next_seq " +
                           std::to_string(next_seq) +
                           "; refusing to write the journal out of order");
      return nullptr;
    }
    if (first == next_seq) {
      // Only a header-only segment (a crash between creating it and its first
      // record reaching the disk) may be replaced: it holds nothing.
      struct stat st;
      if (::lstat(path.c_str(), &st) != 0) {
        set_error(error, sys_error("stat", path, errno));
        return nullptr;
      }
      if (!S_ISREG(st.st_mode) || static_cast<std::size_t>(st.st_size) != kSegmentHeaderSize) {
        set_error(error, path + ": already exists and holds records; refusing to overwrite it");
        return nullptr;
      }
    }
  }
  std::unique_ptr<JournalWriter> w(new JournalWriter(fs, dir, segment_bytes, next_seq));
  if (!w->sync_previous_segment(next_seq, error)) return nullptr;
  if (!w->start_segment(next_seq, error)) return nullptr;
  if (!w->write_manifest(next_seq - 1, error)) return nullptr;
  return w;
}

JournalWriter::~JournalWriter() {
  if (fd_ < 0) return;
  if (!failed() && !buffer_.empty()) write_all(fs_, fd_, buffer_.data(), buffer_.size());
  fs_.close(fd_);
}

bool JournalWriter::sync_previous_segment(uint64_t next_seq, std::string* error) {
  std::string path;
  for (const std::string& p : list_segments(dir_))
    if (segment_first_seq(p) < next_seq) path = p;
  if (path.empty()) return true;
  int fd = -1;
  int e = fs_.open(path, O_RDONLY, 0, &fd);
  if (e == 0) {
    e = fs_.fdatasync(fd);
    fs_.close(fd);
  }
  if (e != 0) return set_error(error, sys_error("fdatasync", path, e));
  return true;
}

bool JournalWriter::write_manifest(uint64_t through, std::string* error) {
  std::string why;
  if (!write_journal_manifest(fs_, dir_, JournalManifest{segment_first_, through}, &why))
    return fail(std::move(why), error);
  return true;
}

bool JournalWriter::record_end(std::string* error) {
  if (refuse_if_failed(error)) return false;
  return write_manifest(durable_seq(), error);
}

bool JournalWriter::close(std::string* error) {
  if (fd_ < 0) return !refuse_if_failed(error);
  if (failed()) {
    // Nothing more is written: the manifest keeps its last record, which is true.
    fs_.close(fd_);
    fd_ = -1;
    return !refuse_if_failed(error);
  }
  bool ok = sync(error);
  if (const int e = fs_.close(fd_); ok && e != 0) ok = fail(sys_error("close", path_, e), error);
  fd_ = -1;
  return ok && write_manifest(last_seq_, error);
}

// The owner and a syncing thread may fail at once (a write and a sync both meeting
// a dead disk): the first message is kept.
bool JournalWriter::fail(std::string message, std::string* error) {
  std::string first;
  {
    std::lock_guard guard(error_mutex_);
    if (!failed_.load(std::memory_order_relaxed)) {
      error_ = std::move(message);
      failed_.store(true, std::memory_order_release);
    }
    first = error_;
  }
  return set_error(error, std::move(first));
}

bool JournalWriter::refuse_if_failed(std::string* error) const {
  if (!failed()) return false;
  std::lock_guard guard(error_mutex_);
  set_error(error, "journal writer failed earlier: " + error_);
  return true;
}

// The header is written like any file that must never be seen half-made (to a .tmp
// name, synced, renamed, directory synced), then reopened for appending: a segment
// under its real name always has a complete, durable header.
bool JournalWriter::start_segment(uint64_t first_seq, std::string* error) {
  std::string path = join_path(dir_, segment_file_name(first_seq));
  std::string why;
  if (!durable_write_file(fs_, path, encode_segment_header(first_seq), &why))
    return fail(std::move(why), error);
  int fd = -1;
  if (int e = fs_.open(path, O_WRONLY | O_APPEND, 0, &fd); e != 0)
    return fail(sys_error("open", path, e), error);
  fd_ = fd;
  path_ = std::move(path);
  segment_first_ = first_seq;
  segment_size_ = kSegmentHeaderSize;
  segment_full_ = false;
  return true;
}

// The caller holds sync_mutex_: the descriptor a sync uses is never closed under it.
bool JournalWriter::finish_segment(std::string* error) {
  if (!flush(error)) return false;
  if (!sync_locked(last_seq_, error)) return false;
  int e = fs_.close(fd_);
  fd_ = -1;
  if (e != 0) return fail(sys_error("close", path_, e), error);
  return true;
}

bool JournalWriter::sync_locked(uint64_t written, std::string* error) {
  if (refuse_if_failed(error)) return false;
  if (int e = fs_.fdatasync(fd_); e != 0) return fail(sys_error("fdatasync", path_, e), error);
  syncs_.fetch_add(1, std::memory_order_relaxed);
  // Monotonic: a sync that read `written` earlier never lowers what a later one set.
  if (written > durable_seq_.load(std::memory_order_relaxed)) durable_seq_.store(written, std::memory_order_release);
  return true;
}

bool JournalWriter::append(uint64_t seq, const Command& cmd, std::string* error) {
  if (refuse_if_failed(error)) return false;
  if (seq == 0 || seq != last_seq_ + 1)
    return set_error(error, "journal " + path_ + ": append of seq " + std::to_string(seq) +
                                ", expected " + std::to_string(last_seq_ + 1));
  if (segment_full_) {
    std::lock_guard guard(sync_mutex_);
    if (!(finish_segment(error) && start_segment(seq, error) && write_manifest(seq - 1, error))) return false;
  }
  encode_record(seq, cmd, &buffer_);
  last_seq_ = seq;
  segment_size_ += kEncodedRecordSize;
  if (segment_size_ >= segment_bytes_) segment_full_ = true;
  if (buffer_.size() >= kAutoFlushBytes) return flush(error);
  return true;
}

bool JournalWriter::flush(std::string* error) {
  if (refuse_if_failed(error)) return false;
  if (buffer_.empty()) return true;
  if (int e = write_all(fs_, fd_, buffer_.data(), buffer_.size()); e != 0)
    return fail(sys_error("write", path_, e), error);
  buffer_.clear();
  // Release: a thread that reads this number and then syncs finds these bytes
  // already handed to the kernel, so its fdatasync covers them.
  written_seq_.store(last_seq_, std::memory_order_release);
  return true;
}

// Once fdatasync has failed the writer stays failed: Linux may have dropped the
// dirty pages it could not write, so a retry that "succeeds" proves nothing.
bool JournalWriter::sync(std::string* error) {
  if (!flush(error)) return false;
  std::lock_guard guard(sync_mutex_);
  return sync_locked(last_seq_, error);
}

bool JournalWriter::sync_through(uint64_t seq, std::string* error) {
  if (durable_seq() >= seq) return true;  // an earlier sync covered it: no fdatasync
  std::lock_guard guard(sync_mutex_);
  // Whoever held the mutex before us may have synced past seq while we waited:
  // that is the group commit.
  if (durable_seq() >= seq) return true;
  const uint64_t written = written_seq();
  if (written < seq)
    return set_error(error, "journal " + path_ + ": sync through seq " + std::to_string(seq) +
                                " before it was written (written through " + std::to_string(written) + ")");
  return sync_locked(written, error);
}

}  // namespace swlab
