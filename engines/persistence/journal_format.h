// The journal: an append-only log of the commands the engine applied, in the order
// it applied them, numbered 1, 2, 3, ... with no gaps. Recovery loads a snapshot
// taken at seq S and replays the journal from S + 1. This header is the format's one
// description; journal_codec.h (records), journal_segment.h (segment files),
// journal_scanner.h (reading, the torn-tail rule) and journal_writer.h implement it.
//
// ON-DISK FORMAT, version 1. Every integer is little-endian.
//
//   A directory of segment files named journal-<first_seq>.swj, first_seq written as
//   20 zero-padded decimal digits (so name order is seq order), e.g.
//   journal-00000000000000000001.swj. Other names in the directory are ignored
//   (including the journal-*.swj.tmp a crash can leave behind, see "Writing" below;
//   journal.manifest, beside the segments, records where the journal ends:
//   journal_manifest.h).
//   A segment must be a regular file of at most kMaxSegmentBytes (1 GiB): anything
//   else under a segment's name (a fifo, a directory, a 200 GB sparse file) is
//   refused by name, never read into memory.
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
//   Recovery also checks every decoded command against the state it is replayed
//   into (check_record_fits in journal_codec.h): a state-changing type, a market
//   the state has, a non-negative account and order id, a deposit amount in range.
//   A record that passes its CRC and fails this was never written by an engine on
//   this state, and is corruption.
//
//   Each segment continues the previous one: its first_seq is the previous
//   segment's last seq + 1. Only the last segment can hold no records (a successor
//   of an empty segment would need the same first_seq, hence the same file name).
//
// WRITING (JournalWriter). A new segment is written as journal-X.swj.tmp with just
// its header, fdatasync'd, renamed to journal-X.swj, and the directory fsync'd
// (durable_write_file in file_io.h): a segment file that exists under its real name
// always has a complete, durable header. Records are buffered and written with
// write(2) on flush(), made durable by sync(). A segment is closed once its size
// reaches segment_bytes: the next append writes and fdatasyncs it, then starts the
// next segment. So every segment except the last was complete and durable before
// its successor existed.
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
//     gap or a repeat) or its payload does not decode or does not fit the state,
//     that is corruption, wherever it is. So are a bad segment header, a first_seq
//     that does not match the file name, and a segment that does not continue its
//     predecessor (a missing one).
//   Limits of the rule: damage to the very last record of the last segment cannot
//   be told from a torn write and is treated as torn. The segments alone record no
//   end, so the last segment cut short at a record boundary, or deleted, would pass
//   too: journal.manifest (journal_manifest.h) records the newest segment and the
//   seq known durable, and recovery refuses a journal short of either (a torn final
//   record still being the rule's to judge). A journal without one (written before
//   it existed) keeps this limit. A file system that
//   persisted a later page of an unsynced write but not an earlier one (possible,
//   rare) makes a crash look like corruption: recovery stops and names the file and
//   offset, and an operator decides (truncating there drops only unacknowledged
//   records).
#pragma once

#include <cstddef>
#include <cstdint>

namespace swlab {

inline constexpr char kJournalMagic[8] = {'S', 'W', 'J', 'O', 'U', 'R', 'N', 'L'};
inline constexpr uint32_t kJournalVersion = 1;
inline constexpr std::size_t kSegmentHeaderSize = 32;
inline constexpr std::size_t kRecordHeaderSize = 16;
inline constexpr uint32_t kMaxRecordPayload = 4096;
inline constexpr std::size_t kEncodedCommandSize = 39;
inline constexpr std::size_t kEncodedRecordSize = kRecordHeaderSize + kEncodedCommandSize;
// The largest segment file the format allows. The writer closes a segment before it
// can grow past this whatever segment_bytes it is given; the reader refuses a larger
// file without reading it.
inline constexpr uint64_t kMaxSegmentBytes = uint64_t{1} << 30;

}  // namespace swlab
