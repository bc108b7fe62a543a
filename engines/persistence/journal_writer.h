// Appending to the journal (journal_format.h: the format and how a segment is
// started and closed so that a crash never leaves a half-made one).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/types.h"
#include "persistence/file_system.h"
#include "persistence/journal_format.h"

namespace swlab {

// One owner appends: the engine thread, or whoever holds the engine's lock (the lock
// orders the owners one after another). Everything but sync_through() is the
// owner's. Every error names the file and the errno text, and leaves the writer
// failed: every later call returns false with the first error, so the engine stops
// accepting commands and nothing it acknowledged after a sync is lost.
//
// Group commit across threads (the lock engines, docs/replay.md): the owner appends
// and flush()es under the engine's lock, lets the lock go, and then any thread may
// call sync_through(seq) while the next owner appends. One fdatasync at a time
// (sync_mutex_); a sync covers every record written before it started, so a thread
// whose record an earlier sync already covered returns without one. Changing the
// segment (close one file, open the next) also holds sync_mutex_, so a sync never
// meets a descriptor being closed.
class JournalWriter {
 public:
  // Creates dir (and its parents) if needed and starts a new segment whose
  // first_seq is next_seq (>= 1): the caller passes the last seq it recovered + 1.
  // Refuses if a segment in dir starts after next_seq, or one starting at next_seq
  // already holds records (a header-only one, left by a crash, is replaced).
  // segment_bytes: a segment is closed once it reaches this size (at least one
  // record per segment whatever the value, and never past kMaxSegmentBytes).
  // Every file operation goes through fs. Returns null and sets *error on failure.
  static std::unique_ptr<JournalWriter> open(const std::string& dir, uint64_t next_seq,
                                             std::size_t segment_bytes, std::string* error,
                                             FileSystem& fs = posix_file_system());

  // Writes buffered records (write(2), no fsync) and closes the segment, recording
  // nothing more in the manifest: as far as the directory can tell, the writer
  // stopped as a crash would stop it. A clean shutdown calls close() first.
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // Buffers the record; seq must be last_seq() + 1. If the current segment is full,
  // first finishes it (write, fdatasync, close) and starts the next one. Writes the
  // buffer out when it passes kAutoFlushBytes so memory stays bounded even if the
  // caller never flushes. A wrong seq is refused without failing the writer.
  bool append(uint64_t seq, const Command& cmd, std::string* error);
  // write(2)s the buffered records to the current segment. No fsync.
  bool flush(std::string* error);
  // flush() + fdatasync(): on success every appended record is durable.
  bool sync(std::string* error);
  // Any thread, concurrently with the owner: on success every record up to seq is
  // durable. Records up to seq must have been flush()ed first; a sync that finds
  // durable_seq() >= seq already returns at once, without an fdatasync.
  bool sync_through(uint64_t seq, std::string* error);
  // Records in the journal's manifest (journal_manifest.h) that everything up to
  // durable_seq() is on disk, so that losing it later is refused rather than
  // recovered silently. The owner calls it after a sync worth recording (a
  // snapshot); open, a segment change and close() record on their own.
  bool record_end(std::string* error);
  // The clean close: flush, sync, close the segment and record its end in the
  // manifest, so that losing any of it later is refused. Not after a failure (the
  // manifest then keeps its last, true record). Later calls do nothing.
  bool close(std::string* error);

  uint64_t last_seq() const { return last_seq_; }
  // The last seq written out (flush) and the last known durable; any thread.
  uint64_t written_seq() const { return written_seq_.load(std::memory_order_acquire); }
  uint64_t durable_seq() const { return durable_seq_.load(std::memory_order_acquire); }
  // fdatasyncs of the journal made so far (segment changes included); any thread.
  uint64_t syncs() const { return syncs_.load(std::memory_order_relaxed); }
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  // The segment records are being appended to (the manifest test reads it).
  const std::string& segment_path() const { return path_; }

  static constexpr std::size_t kAutoFlushBytes = 1 << 20;

 private:
  JournalWriter(FileSystem& fs, std::string dir, std::size_t segment_bytes, uint64_t next_seq);
  bool start_segment(uint64_t first_seq, std::string* error);
  // Makes the newest segment before next_seq durable (the previous writer may have
  // died with records only in the page cache), so that the manifest can claim them.
  bool sync_previous_segment(uint64_t next_seq, std::string* error);
  bool write_manifest(uint64_t through, std::string* error);
  bool finish_segment(std::string* error);
  // fdatasync of the current segment, covering what was written up to `written`;
  // the caller holds sync_mutex_.
  bool sync_locked(uint64_t written, std::string* error);
  bool fail(std::string message, std::string* error);
  bool refuse_if_failed(std::string* error) const;

  FileSystem& fs_;
  std::string dir_;
  std::size_t segment_bytes_;
  // Changed by the owner only while it holds sync_mutex_ (a segment change); read
  // by the owner freely and by sync_through() under sync_mutex_.
  std::string path_;
  int fd_ = -1;
  // The owner's.
  uint64_t last_seq_;
  std::size_t segment_size_ = 0;  // header + records, written or buffered
  bool segment_full_ = false;
  uint64_t segment_first_ = 0;  // first_seq of the current segment
  std::string buffer_;
  // Shared with syncing threads.
  std::mutex sync_mutex_;
  std::atomic<uint64_t> written_seq_;
  std::atomic<uint64_t> durable_seq_;
  std::atomic<uint64_t> syncs_{0};
  std::atomic<bool> failed_{false};
  mutable std::mutex error_mutex_;
  std::string error_;  // under error_mutex_: the first failure
};

}  // namespace swlab
