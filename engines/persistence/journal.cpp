#include "persistence/journal.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <utility>

#include "persistence/crc32c.h"
#include "persistence/file_io.h"

namespace swlab {

namespace {

// Explicit byte order, not memcpy of host integers: the format is little-endian on
// every host.
void store_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void store_u64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t load_u32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{p[i]} << (8 * i);
  return v;
}
uint64_t load_u64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

std::string join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string parent_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool set_error(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}


// mkdir -p, fsyncing the parent of every directory it creates.
bool make_dirs(const std::string& dir, std::string* error) {
  for (std::size_t i = 1; i <= dir.size(); ++i) {
    if (i < dir.size() && dir[i] != '/') continue;
    if (dir[i - 1] == '/') continue;  // "a//b" or a trailing slash
    std::string prefix = dir.substr(0, i);
    if (::mkdir(prefix.c_str(), 0755) == 0) {
      if (!fsync_dir(parent_of(prefix), error)) return false;
    } else if (errno != EEXIST) {
      return set_error(error, sys_error("create journal directory", prefix, errno));
    }
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0)
    return set_error(error, sys_error("stat journal directory", dir, errno));
  if (!S_ISDIR(st.st_mode))
    return set_error(error, sys_error("create journal directory", dir, ENOTDIR));
  return true;
}

std::string encode_header(uint64_t first_seq) {
  uint8_t h[kSegmentHeaderSize] = {};
  std::memcpy(h, kJournalMagic, sizeof kJournalMagic);
  store_u32(h + 8, kJournalVersion);
  store_u32(h + 12, static_cast<uint32_t>(kSegmentHeaderSize));
  store_u64(h + 16, first_seq);
  store_u32(h + 24, 0);
  store_u32(h + 28, crc32c(h, 28));
  return std::string(reinterpret_cast<const char*>(h), sizeof h);
}

void encode_record(uint64_t seq, const Command& cmd, std::string* out) {
  std::size_t start = out->size();
  out->resize(start + kRecordHeaderSize);
  encode_command(cmd, out);
  auto* r = reinterpret_cast<uint8_t*>(out->data() + start);
  store_u32(r, static_cast<uint32_t>(kEncodedCommandSize));
  store_u64(r + 4, seq);
  uint32_t crc = crc32c(r, 12);
  crc = crc32c(r + kRecordHeaderSize, kEncodedCommandSize, crc);
  store_u32(r + 12, crc);
}

bool read_file(const std::string& path, std::vector<uint8_t>* data, std::string* error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return set_error(error, sys_error("open", path, errno));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return set_error(error, sys_error("stat", path, e));
  }
  data->resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < data->size()) {
    ssize_t r = ::pread(fd, data->data() + got, data->size() - got, static_cast<off_t>(got));
    if (r < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return set_error(error, sys_error("read", path, e));
    }
    if (r == 0) break;  // shrank since the fstat: read what is there
    got += static_cast<std::size_t>(r);
  }
  data->resize(got);
  ::close(fd);
  return true;
}

enum class Frame { kOk, kShortHeader, kBadLength, kPastEnd, kBadCrc };

// Checks the frame of the record at off (not its seq or payload). *len is the
// declared payload length once at least a header is there.
Frame check_frame(const uint8_t* d, std::size_t n, std::size_t off, uint32_t* len) {
  if (n - off < kRecordHeaderSize) return Frame::kShortHeader;
  *len = load_u32(d + off);
  if (*len > kMaxRecordPayload) return Frame::kBadLength;
  if (*len > n - off - kRecordHeaderSize) return Frame::kPastEnd;
  uint32_t crc = crc32c(d + off, 12);
  crc = crc32c(d + off + kRecordHeaderSize, *len, crc);
  return crc == load_u32(d + off + 12) ? Frame::kOk : Frame::kBadCrc;
}

std::string frame_problem(Frame f, uint32_t len, std::size_t remaining) {
  switch (f) {
    case Frame::kShortHeader:
      return "partial record header (" + std::to_string(remaining) + " of " +
             std::to_string(kRecordHeaderSize) + " bytes)";
    case Frame::kBadLength:
      return "record length " + std::to_string(len) + " exceeds the limit of " +
             std::to_string(kMaxRecordPayload);
    case Frame::kPastEnd:
      return "record of " + std::to_string(len) + " payload bytes runs past the end of the file (" +
             std::to_string(remaining) + " bytes remain)";
    case Frame::kBadCrc:
      return "record CRC mismatch";
    case Frame::kOk:
      break;
  }
  return "record ok";
}

// The first offset after off where a record the reader would accept (frame and CRC
// valid, payload decodes) starts, or npos. Only the payload length the writer
// writes can decode, so other lengths are rejected before any CRC is computed:
// the search costs O(bytes * kEncodedCommandSize) at worst.
std::size_t find_valid_record(const uint8_t* d, std::size_t n, std::size_t off) {
  for (std::size_t p = off + 1; p + kRecordHeaderSize <= n; ++p) {
    if (load_u32(d + p) != kEncodedCommandSize) continue;
    uint32_t len = 0;
    Command cmd;
    if (check_frame(d, n, p, &len) == Frame::kOk &&
        decode_command(d + p + kRecordHeaderSize, len, &cmd))
      return p;
  }
  return std::string::npos;
}

// Checks the segment header; on failure says what is wrong and at which offset.
bool check_header(const std::vector<uint8_t>& data, uint64_t name_seq, std::string* why,
                  std::size_t* at) {
  const uint8_t* h = data.data();
  *at = 0;
  if (data.size() < kSegmentHeaderSize) {
    *why = "segment header is " + std::to_string(data.size()) + " bytes, expected " +
           std::to_string(kSegmentHeaderSize);
    return false;
  }
  if (std::memcmp(h, kJournalMagic, sizeof kJournalMagic) != 0) {
    *why = "bad magic: not a journal segment";
    return false;
  }
  // Version before CRC: a later version may lay its header out differently, and
  // "unsupported version" is the useful message for it.
  if (uint32_t v = load_u32(h + 8); v != kJournalVersion) {
    *at = 8;
    *why = "unsupported format version " + std::to_string(v) + " (this build reads " +
           std::to_string(kJournalVersion) + ")";
    return false;
  }
  if (uint32_t hs = load_u32(h + 12); hs != kSegmentHeaderSize) {
    *at = 12;
    *why = "header size " + std::to_string(hs) + ", expected " + std::to_string(kSegmentHeaderSize);
    return false;
  }
  if (crc32c(h, 28) != load_u32(h + 28)) {
    *at = 28;
    *why = "segment header CRC mismatch";
    return false;
  }
  if (load_u32(h + 24) != 0) {
    *at = 24;
    *why = "reserved header field is not 0";
    return false;
  }
  uint64_t first = load_u64(h + 16);
  if (first == 0 || first != name_seq) {
    *at = 16;
    *why = "header first_seq " + std::to_string(first) + " does not match the file name (" +
           std::to_string(name_seq) + ")";
    return false;
  }
  return true;
}

bool corrupt(std::string* error, const std::string& path, std::size_t offset,
             const std::string& why) {
  return set_error(error, path + " at byte " + std::to_string(offset) + ": " + why);
}

bool truncate_file(const std::string& path, std::size_t size, std::string* error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return set_error(error, sys_error("open for truncation", path, errno));
  int rc = ::ftruncate(fd, static_cast<off_t>(size));
  if (rc == 0) rc = ::fdatasync(fd);  // the new size is metadata fdatasync covers
  int e = errno;
  ::close(fd);
  if (rc != 0) return set_error(error, sys_error("truncate", path, e));
  return true;
}

}  // namespace

void encode_command(const Command& cmd, std::string* out) {
  uint8_t b[kEncodedCommandSize];
  b[0] = static_cast<uint8_t>(cmd.type);
  b[1] = static_cast<uint8_t>(cmd.asset);
  b[2] = cmd.ioc ? 1 : 0;
  store_u32(b + 3, cmd.market);
  store_u64(b + 7, static_cast<uint64_t>(cmd.account));
  store_u64(b + 15, static_cast<uint64_t>(cmd.order_id));
  store_u64(b + 23, static_cast<uint64_t>(cmd.qty));
  store_u64(b + 31, static_cast<uint64_t>(cmd.price));
  out->append(reinterpret_cast<const char*>(b), sizeof b);
}

bool decode_command(const uint8_t* data, std::size_t n, Command* cmd) {
  if (n != kEncodedCommandSize) return false;
  if (data[0] >= kCommandTypeCount || data[1] > static_cast<uint8_t>(Asset::kQty) || data[2] > 1)
    return false;
  cmd->type = static_cast<CommandType>(data[0]);
  cmd->asset = static_cast<Asset>(data[1]);
  cmd->ioc = data[2] == 1;
  cmd->market = load_u32(data + 3);
  cmd->account = static_cast<int64_t>(load_u64(data + 7));
  cmd->order_id = static_cast<int64_t>(load_u64(data + 15));
  cmd->qty = static_cast<int64_t>(load_u64(data + 23));
  cmd->price = static_cast<int64_t>(load_u64(data + 31));
  return true;
}

std::string segment_file_name(uint64_t first_seq) {
  char name[64];
  std::snprintf(name, sizeof name, "journal-%020" PRIu64 ".swj", first_seq);
  return name;
}

bool parse_segment_file_name(const std::string& name, uint64_t* first_seq) {
  constexpr std::string_view kPrefix = "journal-", kSuffix = ".swj";
  constexpr std::size_t kDigits = 20;
  if (name.size() != kPrefix.size() + kDigits + kSuffix.size()) return false;
  std::string_view v(name);
  if (!v.starts_with(kPrefix) || !v.ends_with(kSuffix)) return false;
  std::string_view digits = v.substr(kPrefix.size(), kDigits);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc{} || ptr != digits.data() + digits.size()) return false;  // > 2^64 - 1
  *first_seq = value;
  return true;
}

std::vector<std::string> list_segments(const std::string& dir, std::string* error) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno != ENOENT) set_error(error, sys_error("open journal directory", dir, errno));
    return {};
  }
  std::vector<std::pair<uint64_t, std::string>> found;
  errno = 0;
  while (dirent* e = ::readdir(d)) {
    uint64_t first = 0;
    if (parse_segment_file_name(e->d_name, &first)) found.emplace_back(first, e->d_name);
    errno = 0;
  }
  int e = errno;
  ::closedir(d);
  if (e != 0) {
    set_error(error, sys_error("read journal directory", dir, e));
    return {};
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> paths;
  paths.reserve(found.size());
  for (auto& [first, name] : found) paths.push_back(join(dir, name));
  return paths;
}

// ---------------------------------------------------------------- JournalWriter

JournalWriter::JournalWriter(std::string dir, std::size_t segment_bytes, uint64_t next_seq)
    : dir_(std::move(dir)), segment_bytes_(segment_bytes), last_seq_(next_seq - 1) {}

std::unique_ptr<JournalWriter> JournalWriter::open(const std::string& dir, uint64_t next_seq,
                                                   std::size_t segment_bytes, std::string* error) {
  if (next_seq == 0) {
    set_error(error, "journal " + dir + ": next_seq must be at least 1");
    return nullptr;
  }
  if (!make_dirs(dir, error)) return nullptr;
  std::string list_error;
  std::vector<std::string> segments = list_segments(dir, &list_error);
  if (!list_error.empty()) {
    set_error(error, list_error);
    return nullptr;
  }
  for (const std::string& path : segments) {
    uint64_t first = 0;
    parse_segment_file_name(path.substr(path.find_last_of('/') + 1), &first);
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
      if (::stat(path.c_str(), &st) != 0) {
        set_error(error, sys_error("stat", path, errno));
        return nullptr;
      }
      if (static_cast<std::size_t>(st.st_size) != kSegmentHeaderSize) {
        set_error(error, path + ": already exists and holds records; refusing to overwrite it");
        return nullptr;
      }
    }
  }
  std::unique_ptr<JournalWriter> w(new JournalWriter(dir, segment_bytes, next_seq));
  if (!w->start_segment(next_seq, error)) return nullptr;
  return w;
}

JournalWriter::~JournalWriter() {
  if (fd_ < 0) return;
  if (!failed_ && !buffer_.empty()) {
    int e = 0;
    write_all(fd_, buffer_.data(), buffer_.size(), &e);
  }
  ::close(fd_);
}

bool JournalWriter::fail(std::string message, std::string* error) {
  failed_ = true;
  error_ = std::move(message);
  return set_error(error, error_);
}

bool JournalWriter::refuse_if_failed(std::string* error) const {
  if (!failed_) return false;
  set_error(error, "journal writer failed earlier: " + error_);
  return true;
}

// The header goes to a .tmp name first and is renamed into place after it is
// durable, so a segment under its real name never has a partial header.
bool JournalWriter::start_segment(uint64_t first_seq, std::string* error) {
  std::string path = join(dir_, segment_file_name(first_seq));
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail(sys_error("create", tmp, errno), error);
  std::string header = encode_header(first_seq);
  int e = 0;
  const char* what = nullptr;
  if (!write_all(fd, header.data(), header.size(), &e)) {
    what = "write";
  } else if (::fdatasync(fd) != 0) {
    e = errno;
    what = "fdatasync";
  } else if (::rename(tmp.c_str(), path.c_str()) != 0) {
    e = errno;
    what = "rename";
  }
  if (what != nullptr) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return fail(sys_error(what, tmp, e), error);
  }
  fd_ = fd;
  path_ = std::move(path);
  segment_size_ = kSegmentHeaderSize;
  segment_full_ = false;
  std::string dir_error;
  if (!fsync_dir(dir_, &dir_error)) return fail(std::move(dir_error), error);
  return true;
}

bool JournalWriter::finish_segment(std::string* error) {
  if (!flush(error)) return false;
  if (::fdatasync(fd_) != 0) return fail(sys_error("fdatasync", path_, errno), error);
  int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) return fail(sys_error("close", path_, errno), error);
  return true;
}

bool JournalWriter::append(uint64_t seq, const Command& cmd, std::string* error) {
  if (refuse_if_failed(error)) return false;
  if (seq == 0 || seq != last_seq_ + 1)
    return set_error(error, "journal " + path_ + ": append of seq " + std::to_string(seq) +
                                ", expected " + std::to_string(last_seq_ + 1));
  if (segment_full_ && !(finish_segment(error) && start_segment(seq, error))) return false;
  encode_record(seq, cmd, &buffer_);
  last_seq_ = seq;
  segment_size_ += kRecordHeaderSize + kEncodedCommandSize;
  if (segment_size_ >= segment_bytes_) segment_full_ = true;
  if (buffer_.size() >= kAutoFlushBytes) return flush(error);
  return true;
}

bool JournalWriter::flush(std::string* error) {
  if (refuse_if_failed(error)) return false;
  if (buffer_.empty()) return true;
  int e = 0;
  if (!write_all(fd_, buffer_.data(), buffer_.size(), &e))
    return fail(sys_error("write", path_, e), error);
  buffer_.clear();
  return true;
}

// Once fdatasync has failed the writer stays failed: Linux may have dropped the
// dirty pages it could not write, so a retry that "succeeds" proves nothing.
bool JournalWriter::sync(std::string* error) {
  if (!flush(error)) return false;
  if (::fdatasync(fd_) != 0) return fail(sys_error("fdatasync", path_, errno), error);
  return true;
}

// ----------------------------------------------------------------- scan_journal

bool scan_journal(const std::string& dir, uint64_t from_seq,
                  const std::function<bool(uint64_t seq, const Command& cmd)>& apply,
                  JournalScan* out, std::string* error, bool truncate_torn_tail) {
  JournalScan local;
  JournalScan& s = out != nullptr ? *out : local;
  s = JournalScan{};
  std::string list_error;
  std::vector<std::string> segments = list_segments(dir, &list_error);
  if (!list_error.empty()) return set_error(error, list_error);

  std::vector<uint8_t> data;
  uint64_t expected = 0;  // the seq the next record must carry
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& path = segments[i];
    const bool last_segment = i + 1 == segments.size();
    if (!read_file(path, &data, error)) return false;
    const uint8_t* d = data.data();
    const std::size_t n = data.size();

    uint64_t name_seq = 0;
    parse_segment_file_name(path.substr(path.find_last_of('/') + 1), &name_seq);
    std::string why;
    std::size_t at = 0;
    if (!check_header(data, name_seq, &why, &at)) return corrupt(error, path, at, why);
    const uint64_t first = load_u64(d + 16);
    if (i == 0) {
      if (from_seq >= 1 && first > from_seq)
        return corrupt(error, path, 16,
                       "the journal starts at seq " + std::to_string(first) +
                           " but replay from seq " + std::to_string(from_seq) +
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

    std::size_t off = kSegmentHeaderSize;
    while (off < n) {
      uint32_t len = 0;
      Frame f = check_frame(d, n, off, &len);
      if (f == Frame::kOk) {
        uint64_t seq = load_u64(d + off + 4);
        if (seq != expected || seq == 0)
          return corrupt(error, path, off,
                         "record seq " + std::to_string(seq) + ", expected " +
                             std::to_string(expected) +
                             (seq > expected ? " (a gap)" : " (a repeat)"));
        Command cmd;
        if (!decode_command(d + off + kRecordHeaderSize, len, &cmd))
          return corrupt(error, path, off,
                         "record seq " + std::to_string(seq) + " has a valid CRC but its " +
                             std::to_string(len) + "-byte payload is not a valid command");
        if (seq >= from_seq) {
          if (apply && !apply(seq, cmd)) return set_error(error, "stopped by caller");
          ++s.records;
        }
        s.last_seq = seq;
        expected = seq + 1;
        off += kRecordHeaderSize + len;
        continue;
      }
      std::string problem = frame_problem(f, len, n - off);
      if (!last_segment)
        return corrupt(error, path, off, problem + " in a segment that is not the last");
      if (std::size_t next = find_valid_record(d, n, off); next != std::string::npos)
        return corrupt(error, path, off,
                       problem + ", and a valid record follows at byte " + std::to_string(next) +
                           ": corruption, not a torn tail");
      s.torn_tail = true;
      s.torn_file = path;
      s.torn_offset = off;
      s.warning = path + ": torn tail at byte " + std::to_string(off) + ": " + problem + "; " +
                  std::to_string(n - off) + " bytes after the last good record (seq " +
                  std::to_string(s.last_seq) + ") dropped";
      if (truncate_torn_tail) {
        if (!truncate_file(path, off, error)) return false;
        s.warning += ", file truncated to " + std::to_string(off) + " bytes";
      } else {
        s.warning += ", file not truncated";
      }
      break;
    }
  }
  return true;
}

}  // namespace swlab
