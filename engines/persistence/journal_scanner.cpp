#include "persistence/journal_scanner.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "persistence/file_io.h"
#include "persistence/journal_codec.h"
#include "persistence/journal_segment.h"
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

// A window of one segment file, read with pread in chunks of kChunk: the scan's
// memory is bounded whatever the file's size, and a sequential scan costs one
// read(2) per MiB.
class SegmentReader {
 public:
  static constexpr std::size_t kChunk = 1 << 20;

  // The buffer is no larger than the file, and not zeroed: most segments recovery
  // reads are far smaller than a chunk.
  SegmentReader(int fd, uint64_t size, const std::string& path)
      : fd_(fd),
        size_(size),
        path_(path),
        capacity_(static_cast<std::size_t>(std::min<uint64_t>(kChunk, size))),
        buf_(new uint8_t[capacity_ == 0 ? 1 : capacity_]) {}
  ~SegmentReader() { ::close(fd_); }
  SegmentReader(const SegmentReader&) = delete;
  SegmentReader& operator=(const SegmentReader&) = delete;

  // The file's size; lowered if the file turns out shorter than it was measured
  // (it shrank under us): the scan reads what is there.
  uint64_t size() const { return size_; }

  // Makes [off, off + min(want, size - off)) available at *p. want <= kChunk.
  bool at(uint64_t off, std::size_t want, const uint8_t** p, std::string* error) {
    const uint64_t need = std::min<uint64_t>(want, size_ - off);
    if (off < start_ || off + need > start_ + len_) {
      const std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(capacity_, size_ - off));
      std::size_t got = 0;
      if (int e = read_at(fd_, off, buf_.get(), n, &got); e != 0)
        return set_error(error, sys_error("read", path_, e));
      start_ = off;
      len_ = got;
      if (got < n) size_ = off + got;
    }
    *p = buf_.get() + (off - start_);
    return true;
  }

  // Bytes available in the window from off (off must be inside it).
  std::size_t in_window(uint64_t off) const { return static_cast<std::size_t>(start_ + len_ - off); }

 private:
  int fd_;
  uint64_t size_;
  const std::string& path_;
  std::size_t capacity_;
  std::unique_ptr<uint8_t[]> buf_;
  uint64_t start_ = 0;
  std::size_t len_ = 0;
};

// The first offset after off where a record the reader would accept (frame and CRC
// valid, payload decodes) starts, or 0 if there is none (a record never starts at
// 0). Only the payload length the writer writes can decode, so the search looks for
// that length's first byte with memchr and computes a CRC only where the whole
// length field matches: a megabyte of zeros is skipped at memory speed.
bool find_valid_record(SegmentReader& r, uint64_t off, uint64_t* found, std::string* error) {
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

}  // namespace

bool scan_journal(const ScanOptions& opt,
                  const std::function<bool(uint64_t seq, const Command& cmd)>& apply,
                  JournalScan* out, std::string* error) {
  JournalScan local;
  JournalScan& s = out != nullptr ? *out : local;
  s = JournalScan{};
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
    SegmentReader reader(fd, size, path);
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
        uint64_t seq = get_u64(p + 4);
        if (seq != expected || seq == 0)
          return corrupt(error, path, off,
                         "record seq " + std::to_string(seq) + ", expected " +
                             std::to_string(expected) +
                             (seq > expected ? " (a gap)" : " (a repeat)"));
        Command cmd;
        if (!decode_command(p + kRecordHeaderSize, len, &cmd))
          return corrupt(error, path, off,
                         "record seq " + std::to_string(seq) + " has a valid CRC but its " +
                             std::to_string(len) + "-byte payload is not a valid command");
        if (opt.markets > 0 && !check_record_fits(cmd, opt.markets, &why))
          return corrupt(error, path, off,
                         "record seq " + std::to_string(seq) + " has a valid CRC but " + why +
                             ": it cannot have been journaled by this state");
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
      if (opt.truncate_torn_tail) {
        FileSystem& fs = opt.fs != nullptr ? *opt.fs : posix_file_system();
        if (!truncate_file(fs, path, off, error)) return false;
        s.warning += ", file truncated to " + std::to_string(off) + " bytes";
      } else {
        s.warning += ", file not truncated";
      }
      break;
    }
  }
  return true;
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
