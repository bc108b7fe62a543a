// Appending to the journal (journal_format.h: the format and how a segment is
// started and closed so that a crash never leaves a half-made one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/types.h"
#include "persistence/file_system.h"
#include "persistence/journal_format.h"

namespace swlab {

// Not thread-safe: one thread (the engine thread) owns a writer. Every error names
// the file and the errno text, and leaves the writer failed: every later call
// returns false with the first error, so the engine stops accepting commands and
// nothing it acknowledged after a sync() is lost.
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

  // Writes buffered records (write(2), no fsync) and closes; call sync() first for
  // durability. Errors here are ignored: a caller that cares has called sync().
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

  uint64_t last_seq() const { return last_seq_; }
  bool failed() const { return failed_; }
  // The segment records are being appended to.
  const std::string& segment_path() const { return path_; }

  static constexpr std::size_t kAutoFlushBytes = 1 << 20;

 private:
  JournalWriter(FileSystem& fs, std::string dir, std::size_t segment_bytes, uint64_t next_seq);
  bool start_segment(uint64_t first_seq, std::string* error);
  bool finish_segment(std::string* error);
  bool fail(std::string message, std::string* error);
  bool refuse_if_failed(std::string* error) const;

  FileSystem& fs_;
  std::string dir_;
  std::string path_;
  std::size_t segment_bytes_;
  int fd_ = -1;
  uint64_t last_seq_;
  std::size_t segment_size_ = 0;  // header + records, written or buffered
  bool segment_full_ = false;
  bool failed_ = false;
  std::string error_;
  std::string buffer_;
};

}  // namespace swlab
