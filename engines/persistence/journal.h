// The journal: an append-only log of the commands the single-writer engine applied,
// in the order it applied them, numbered 1, 2, 3, ... with no gaps. Recovery loads a
// snapshot taken at seq S and replays the journal from S + 1.
//
// ON-DISK FORMAT, version 1. Every integer is little-endian.
//
//   A directory of segment files named journal-<first_seq>.swj, first_seq written as
//   20 zero-padded decimal digits (so name order is seq order), e.g.
//   journal-00000000000000000001.swj. Other names in the directory are ignored
//   (including the journal-*.swj.tmp a crash can leave behind, see "Writing" below).
//
//   Segment header, 32 bytes:
//     offset  size  field
//       0      8    magic        "SWJOURNL"
//       8      4    version      1
//      12      4    header_size  32 (the offset of the first record)
//      16      8    first_seq    seq of the segment's first record; >= 1; equals the
//                                number in the file name
//      24      4    reserved     0
//      28      4    header_crc   CRC32C of bytes [0, 28)
//
//   Then records, back to back, until the end of the file:
//     offset  size  field
//       0      4    length       payload bytes; <= kMaxRecordPayload (4096)
//       4      8    seq          previous record's seq + 1 (the first: first_seq)
//      12      4    crc          CRC32C of bytes [0, 12) of this record (length and
//                                seq) followed by the payload
//      16   length  payload      an encoded Command (below)
//
//   Command payload, kEncodedCommandSize = 39 bytes:
//     0 type u8 (CommandType, < kCommandTypeCount)   1 asset u8 (Asset, 0 or 1)
//     2 ioc u8 (0 or 1)   3 market u32   7 account i64   15 order_id i64
//     23 qty i64   31 price i64
//   A payload of any other length, or with a byte outside those ranges, is invalid.
//
//   Each segment continues the previous one: its first_seq is the previous
//   segment's last seq + 1. Only the last segment can hold no records (a successor
//   of an empty segment would need the same first_seq, hence the same file name).
//
// WRITING (JournalWriter). A new segment is written as journal-X.swj.tmp with just
// its header, fdatasync'd, renamed to journal-X.swj, and the directory fsync'd: a
// segment file that exists under its real name always has a complete, durable
// header. Records are buffered and written with write(2) on flush(), made durable by
// sync(). A segment is closed once its size reaches segment_bytes: the next append
// writes and fdatasyncs it, then starts the next segment. So every segment except
// the last was complete and durable before its successor existed.
//
// TORN TAIL VERSUS CORRUPTION (scan_journal). A crash can leave anything after the
// last successful sync at the end of the LAST segment: a prefix of a record, a
// record whose bytes did not all reach the disk, zeros where the file was extended.
// None of it was acknowledged, so it may be dropped. Anything else is damage to
// data that was acknowledged, and must stop recovery. The rule:
//
//   Reading a segment, the first "bad spot" is the first offset where fewer than 16
//   bytes remain, or the length field exceeds kMaxRecordPayload, or the declared
//   record runs past the end of the file, or its CRC does not match.
//   * In any segment but the last, a bad spot is corruption.
//   * In the last segment, a bad spot is a TORN TAIL if no valid record (a frame
//     wholly inside the file whose CRC matches and whose payload decodes) starts at
//     any byte offset after it; otherwise it is corruption. A crash leaves no
//     complete record after the point where its write was cut, so a complete record
//     after the bad spot means the damage is to data written before that record:
//     e.g. a bit flip in a middle record's length field that makes it appear to run
//     past the end of the file is caught by finding the records after it, not
//     mistaken for a torn tail. (Requiring the payload to decode means the client-
//     chosen fields inside one payload, 39 bytes, can never pass for a record, 55.)
//   * A record whose CRC matches is never torn: if its seq is not previous + 1 (a
//     gap or a repeat) or its payload does not decode, that is corruption, wherever
//     it is. So are a bad segment header, a first_seq that does not match the file
//     name, and a segment that does not continue its predecessor (a missing one).
//   Limits of the rule: damage to the very last record of the last segment cannot
//   be told from a torn write and is treated as torn. A file system that persisted a
//   later page of an unsynced write but not an earlier one (possible, rare) makes a
//   crash look like corruption: recovery stops and names the file and offset, and an
//   operator decides (truncating there drops only unacknowledged records).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/types.h"

namespace swlab {

inline constexpr char kJournalMagic[8] = {'S', 'W', 'J', 'O', 'U', 'R', 'N', 'L'};
inline constexpr uint32_t kJournalVersion = 1;
inline constexpr std::size_t kSegmentHeaderSize = 32;
inline constexpr std::size_t kRecordHeaderSize = 16;
inline constexpr uint32_t kMaxRecordPayload = 4096;
inline constexpr std::size_t kEncodedCommandSize = 39;

// Appends the 39-byte encoding of cmd to *out.
void encode_command(const Command& cmd, std::string* out);
// Decodes exactly n bytes; false if n != kEncodedCommandSize or a byte is out of
// range (unknown type or asset, ioc not 0 or 1). *cmd is written only on success.
bool decode_command(const uint8_t* data, std::size_t n, Command* cmd);

// "journal-<20 digits>.swj" for first_seq, and its inverse (false for any other name).
std::string segment_file_name(uint64_t first_seq);
bool parse_segment_file_name(const std::string& name, uint64_t* first_seq);

// Full paths (dir + "/" + name) of the segment files in dir, sorted by first_seq.
// A missing directory has none. On another error returns {} and, if error is not
// null, says why in *error.
std::vector<std::string> list_segments(const std::string& dir, std::string* error = nullptr);

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
  // record per segment whatever the value). Returns null and sets *error on failure.
  static std::unique_ptr<JournalWriter> open(const std::string& dir, uint64_t next_seq,
                                             std::size_t segment_bytes, std::string* error);

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
  JournalWriter(std::string dir, std::size_t segment_bytes, uint64_t next_seq);
  bool start_segment(uint64_t first_seq, std::string* error);
  bool finish_segment(std::string* error);
  bool fail(std::string message, std::string* error);
  bool refuse_if_failed(std::string* error) const;

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

struct JournalScan {
  uint64_t first_seq = 0;  // first_seq of the first segment; 0 if there is none
  // seq of the last good record; first_seq - 1 if the segments hold none, 0 if there
  // are no segments. The writer's next_seq is last_seq + 1.
  uint64_t last_seq = 0;
  uint64_t records = 0;   // records passed to apply (seq >= from_seq)
  uint64_t segments = 0;  // segment files read
  bool torn_tail = false;
  std::string torn_file;     // the last segment, if torn_tail
  uint64_t torn_offset = 0;  // end of its last good record: where it is (or would be) cut
  std::string warning;       // says what was dropped, and whether the file was truncated
};

// Reads every segment of dir in order and verifies all of it (headers, continuity,
// every record's length, CRC and seq), calling apply(seq, cmd) for each record with
// seq >= from_seq, in order; the records before from_seq are verified and skipped.
// If from_seq >= 1 and the first segment starts after it, the records in between
// are missing: an error. from_seq == 0 replays whatever the journal holds.
// A torn tail (see the rule above) is not an error: it is described in
// out->warning and, if truncate_torn_tail, the last segment is truncated to the end
// of its last good record and fdatasync'd. Any corruption returns false with an
// error naming the file and byte offset; nothing is skipped. If apply returns
// false, returns false with error "stopped by caller". apply has been called for
// every record before the point where the scan stopped, so a caller that must not
// apply anything from a damaged journal scans twice (first with a no-op apply).
// *out is filled in as far as the scan got, in every case. A missing dir is an
// empty journal.
bool scan_journal(const std::string& dir, uint64_t from_seq,
                  const std::function<bool(uint64_t seq, const Command& cmd)>& apply,
                  JournalScan* out, std::string* error, bool truncate_torn_tail);

}  // namespace swlab
