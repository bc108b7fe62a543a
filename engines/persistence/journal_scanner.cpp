#include "persistence/journal_scanner.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "persistence/file_io.h"
#include "persistence/file_window.h"
#include "persistence/journal_codec.h"
#include "persistence/journal_manifest.h"
#include "persistence/journal_segment.h"
#include "persistence/shard_layout.h"
#include "platform/byte_order.h"

namespace swlab {

namespace {

bool set_error(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

bool corrupt(std::string* error, const std::string& path, uint64_t offset, const std::string& why) {
  return set_error(error, path + " at byte " + std::to_string(offset) + ": " + why);
}

constexpr std::size_t kMaxFrame = kRecordHeaderSize + kMaxRecordPayload;

// The first offset after off where a record the reader would accept (frame and CRC
// valid, payload decodes) starts, or 0 if there is none (a record never starts at
// 0). Only the payload length the writer writes can decode, so the search looks for
// that length's first byte with memchr and computes a CRC only where the whole
// length field matches: a megabyte of zeros is skipped at memory speed.
bool find_valid_record(FileWindow& r, uint64_t off, uint64_t* found, std::string* error) {
  *found = 0;
  uint64_t q = off + 1;
  while (q + kRecordHeaderSize <= r.size()) {
    const uint8_t* p = nullptr;
    if (!r.at(q, kMaxFrame, &p, error)) return false;
    // Candidates whose whole frame header is inside this window; the window is
    // moved to each candidate before its frame is checked.
    const std::size_t span = r.in_window(q);
    if (span < kRecordHeaderSize) break;  // the file ended under us
    const std::size_t limit = span - kRecordHeaderSize + 1;
    const void* hit = std::memchr(p, static_cast<int>(kEncodedCommandSize), limit);
    if (hit == nullptr) {
      q += limit;
      continue;
    }
    q += static_cast<const uint8_t*>(hit) - p;
    if (!r.at(q, kMaxFrame, &p, error)) return false;
    uint32_t len = 0;
    Command cmd;
    if (get_u32(p) == kEncodedCommandSize && check_frame(p, r.size() - q, &len) == Frame::kOk &&
        decode_command(p + kRecordHeaderSize, len, &cmd)) {
      *found = q;
      return true;
    }
    ++q;
  }
  return true;
}

bool truncate_file(FileSystem& fs, const std::string& path, uint64_t size, std::string* error) {
  int fd = -1;
  if (int e = fs.open(path, O_WRONLY, 0, &fd); e != 0)
    return set_error(error, sys_error("open for truncation", path, e));
  int e = fs.ftruncate(fd, size);
  if (e == 0) e = fs.fdatasync(fd);  // the new size is metadata fdatasync covers
  fs.close(fd);
  if (e != 0) return set_error(error, sys_error("truncate", path, e));
  return true;
}

// A frame whose CRC matched, at off in path: its seq must be `expected`, its payload
// a command, and the command must fit the state (opt.markets) and the shard
// (opt.shard). *cmd on success; an error naming the file and offset otherwise.
bool check_good_record(const ScanOptions& opt, const std::string& path, uint64_t off, const uint8_t* p, uint32_t len,
                       uint64_t expected, Command* out, std::string* error) {
  const uint64_t seq = get_u64(p + 4);
  std::string why;
  if (seq != expected || seq == 0)
    return corrupt(error, path, off,
                   "record seq " + std::to_string(seq) + ", expected " +
                       std::to_string(expected) +
                       (seq > expected ? " (a gap)" : " (a repeat)"));
  Command& cmd = *out;
  if (!decode_command(p + kRecordHeaderSize, len, &cmd))
    return corrupt(error, path, off,
                   "record seq " + std::to_string(seq) + " has a valid CRC but its " +
                       std::to_string(len) + "-byte payload is not a valid command");
  if (opt.markets > 0 && !check_record_fits(cmd, opt.markets, &why))
    return corrupt(error, path, off,
                   "record seq " + std::to_string(seq) + " has a valid CRC but " + why +
                       ": it cannot have been journaled by this state");
  if (opt.shard.count > 0 && shard_of_market(cmd.market, opt.shard.count) != opt.shard.index)
    return corrupt(error, path, off,
                   "record seq " + std::to_string(seq) + " names market " + std::to_string(cmd.market) +
                       ", which the layout gives to shard-" +
                       std::to_string(shard_of_market(cmd.market, opt.shard.count)) + " of " +
                       std::to_string(opt.shard.count) + ", not to shard-" + std::to_string(opt.shard.index) +
                       " (market m in shard m % " + std::to_string(opt.shard.count) +
                       "): this journal was written with another shard layout");
  return true;
}

// After the last segment: where the journal ends, checked against its manifest
// (none: an older journal, noted) before anything is cut, since a tail the
// manifest says was durable is damage, not a crash's leftovers; then the torn
// tail, if any, cut or left.
bool finish_scan(const ScanOptions& opt, const JournalManifest* manifest, const std::vector<std::string>& segments,
                 JournalScan* s, std::string* error) {
  if (manifest != nullptr) {
    if (!check_journal_end(opt.dir, *manifest, segments, s->last_seq, s->torn_tail, error)) return false;
  } else if (!segments.empty()) {
    s->note = opt.dir + " has no " + kJournalManifestFile +
              " (written before swlab kept one): where the journal ends was not checked, so a deleted last "
              "segment would go unnoticed; the next writer writes one";
  }
  if (!s->torn_tail) return true;
  if (!opt.truncate_torn_tail) {
    s->warning += ", file not truncated";
    return true;
  }
  FileSystem& fs = opt.fs != nullptr ? *opt.fs : posix_file_system();
  if (!truncate_file(fs, s->torn_file, s->torn_offset, error)) return false;
  s->warning += ", file truncated to " + std::to_string(s->torn_offset) + " bytes";
  return true;
}

}  // namespace

bool scan_journal(const ScanOptions& opt,
                  const std::function<bool(uint64_t seq, const Command& cmd)>& apply,
                  JournalScan* out, std::string* error) {
  JournalScan local;
  JournalScan& s = out != nullptr ? *out : local;
  s = JournalScan{};
  // The manifest before the listing: a writer updates it only once the segment it
  // names exists, so every segment it names is in a listing made after it.
  JournalManifest manifest;
  const TextFileStatus manifest_status = read_journal_manifest(opt.dir, &manifest, error);
  if (manifest_status == TextFileStatus::kDamaged) return false;
  std::string list_error;
  std::vector<std::string> segments = list_segments(opt.dir, &list_error);
  if (!list_error.empty()) return set_error(error, list_error);

  uint64_t expected = 0;  // the seq the next record must carry
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& path = segments[i];
    const bool last_segment = i + 1 == segments.size();
    int fd = -1;
    uint64_t size = 0;
    if (!open_regular_file(path, &fd, &size, error)) return false;
    FileWindow reader(fd, size, path);
    if (size > kMaxSegmentBytes)
      return corrupt(error, path, kMaxSegmentBytes,
                     "the file is " + std::to_string(size) + " bytes, more than the " +
                         std::to_string(kMaxSegmentBytes) +
                         " a segment can hold: not a segment this format writes; refusing to read it");

    const uint8_t* d = nullptr;
    if (!reader.at(0, kSegmentHeaderSize, &d, error)) return false;
    std::string why;
    std::size_t at = 0;
    const std::size_t header_bytes = static_cast<std::size_t>(std::min<uint64_t>(reader.size(), kSegmentHeaderSize));
    if (!check_segment_header(d, header_bytes, segment_first_seq(path), &why, &at))
      return corrupt(error, path, at, why);
    const uint64_t first = get_u64(d + 16);
    if (i == 0) {
      if (opt.from_seq >= 1 && first > opt.from_seq)
        return corrupt(error, path, 16,
                       "the journal starts at seq " + std::to_string(first) +
                           " but replay from seq " + std::to_string(opt.from_seq) +
                           " was asked for: the records in between are missing");
      s.first_seq = first;
      s.last_seq = first - 1;
    } else if (first != expected) {
      return corrupt(error, path, 16,
                     "segment starts at seq " + std::to_string(first) +
                         " but the previous segment ends at seq " + std::to_string(expected - 1) +
                         (first > expected ? " (a segment is missing)" : " (segments overlap)"));
    }
    expected = first;
    ++s.segments;

    uint64_t off = kSegmentHeaderSize;
    while (off < reader.size()) {
      const uint8_t* p = nullptr;
      if (!reader.at(off, kMaxFrame, &p, error)) return false;
      const uint64_t remaining = reader.size() - off;
      uint32_t len = 0;
      Frame f = check_frame(p, remaining, &len);
      if (f == Frame::kOk) {
        const uint64_t seq = get_u64(p + 4);
        Command cmd;
        if (!check_good_record(opt, path, off, p, len, expected, &cmd, error)) return false;
        if (seq >= opt.from_seq) {
          if (apply && !apply(seq, cmd)) return set_error(error, "stopped by caller");
          ++s.records;
        }
        s.last_seq = seq;
        expected = seq + 1;
        off += kRecordHeaderSize + len;
        continue;
      }
      std::string problem = frame_problem(f, len, remaining);
      if (!last_segment)
        return corrupt(error, path, off, problem + " in a segment that is not the last");
      uint64_t next = 0;
      if (!find_valid_record(reader, off, &next, error)) return false;
      if (next != 0)
        return corrupt(error, path, off,
                       problem + ", and a valid record follows at byte " + std::to_string(next) +
                           ": corruption, not a torn tail");
      s.torn_tail = true;
      s.torn_file = path;
      s.torn_offset = off;
      s.warning = path + ": torn tail at byte " + std::to_string(off) + ": " + problem + "; " +
                  std::to_string(remaining) + " bytes after the last good record (seq " +
                  std::to_string(s.last_seq) + ") dropped";
      break;
    }
  }
  const JournalManifest* recorded = manifest_status == TextFileStatus::kOk ? &manifest : nullptr;
  return finish_scan(opt, recorded, segments, &s, error);
}

bool scan_journal(const std::string& dir, uint64_t from_seq,
                  const std::function<bool(uint64_t seq, const Command& cmd)>& apply,
                  JournalScan* out, std::string* error, bool truncate_torn_tail) {
  ScanOptions opt;
  opt.dir = dir;
  opt.from_seq = from_seq;
  opt.truncate_torn_tail = truncate_torn_tail;
  return scan_journal(opt, apply, out, error);
}

}  // namespace swlab
