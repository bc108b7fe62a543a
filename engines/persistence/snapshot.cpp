#include "persistence/snapshot.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <new>

#include "persistence/crc32c.h"
#include "persistence/file_io.h"
#include "persistence/file_window.h"
#include "persistence/memory_budget.h"
#include "platform/byte_order.h"

namespace swlab {

namespace {

constexpr char kMagic[8] = {'S', 'W', 'S', 'N', 'A', 'P', 'S', 'H'};
constexpr uint32_t kVersion = 1;
constexpr std::size_t kHeader = kSnapshotHeaderSize;

bool set_error(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

// Checks the 40-byte header against the exchange it will fill and the file size it
// came from; *payload_len on success. Errors name the field and its offset.
bool check_header(const uint8_t* data, uint64_t file_size, const Exchange& exchange,
                  uint64_t* payload_len, std::string* error) {
  if (file_size < kHeader)
    return set_error(error, "the file ends at offset " + std::to_string(file_size) + ", inside the 40-byte header");
  if (std::memcmp(data, kMagic, 8) != 0) return set_error(error, "bad magic at offset 0");
  if (get_u32(data + 36) != crc32c(data, 36)) return set_error(error, "header checksum mismatch at offset 36");
  if (get_u32(data + 8) != kVersion)
    return set_error(error, "unsupported version " + std::to_string(get_u32(data + 8)) + " at offset 8");
  const uint32_t markets = get_u32(data + 12);
  if (markets != exchange.markets())
    return set_error(error, "markets at offset 12: holds " + std::to_string(markets) + " markets, expected " +
                                std::to_string(exchange.markets()));
  const uint64_t len = get_u64(data + 24);
  if (len > kMaxSnapshotPayload)
    return set_error(error, "payload length " + std::to_string(len) + " at offset 24 exceeds the format's limit of " +
                                std::to_string(kMaxSnapshotPayload));
  if (len != file_size - kHeader)
    return set_error(error, "payload length " + std::to_string(len) + " at offset 24 does not match the file (" +
                                std::to_string(file_size - kHeader) + " bytes after the header)");
  *payload_len = len;
  return true;
}

}  // namespace

std::string snapshot_file_name(uint64_t seq) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "snapshot-%020" PRIu64 ".sws", seq);
  return buf;
}

bool parse_snapshot_file_name(const std::string& name, uint64_t* seq) {
  if (name.size() != 9 + 20 + 4 || name.rfind("snapshot-", 0) != 0 || name.substr(29) != ".sws") return false;
  uint64_t v = 0;
  for (std::size_t i = 9; i < 29; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(name[i] - '0');
    if (v > (UINT64_MAX - digit) / 10) return false;  // > 2^64 - 1
    v = v * 10 + digit;
  }
  *seq = v;
  return true;
}

std::vector<std::string> list_snapshots(const std::string& dir, std::string* error) {
  return list_numbered_files(dir, parse_snapshot_file_name, "directory", error);
}

std::string encode_snapshot(uint64_t seq, const Exchange& exchange) {
  std::string image(kHeader, '\0');
  for (uint32_t m = 0; m < exchange.markets(); ++m) exchange.market(m).serialize(&image);
  auto* h = reinterpret_cast<uint8_t*>(image.data());
  const uint64_t payload_len = image.size() - kHeader;
  std::memcpy(h, kMagic, 8);
  put_u32(h + 8, kVersion);
  put_u32(h + 12, exchange.markets());
  put_u64(h + 16, seq);
  put_u64(h + 24, payload_len);
  put_u32(h + 32, crc32c(h + kHeader, payload_len));
  put_u32(h + 36, crc32c(h, 36));
  return image;
}

bool write_snapshot(FileSystem& fs, const std::string& dir, uint64_t seq, const Exchange& exchange,
                    std::string* error) {
  return durable_write_file(fs, join_path(dir, snapshot_file_name(seq)), encode_snapshot(seq, exchange), error);
}

bool write_snapshot(const std::string& dir, uint64_t seq, const Exchange& exchange, std::string* error) {
  return write_snapshot(posix_file_system(), dir, seq, exchange, error);
}

bool prune_snapshots(FileSystem& fs, const std::string& dir, std::size_t keep, std::string* error) {
  if (keep == 0) return true;
  std::string list_error;
  std::vector<std::string> snaps = list_snapshots(dir, &list_error);
  if (!list_error.empty()) return set_error(error, list_error);
  for (std::size_t i = 0; i + keep < snaps.size(); ++i)
    if (int e = fs.unlink(snaps[i]); e != 0 && e != ENOENT)
      return set_error(error, sys_error("delete old snapshot", snaps[i], e));
  return true;
}

bool snapshot_markets(const uint8_t* data, std::size_t size, uint32_t* markets) {
  if (size < kHeader || std::memcmp(data, kMagic, 8) != 0) return false;
  *markets = get_u32(data + 12);
  return true;
}

bool decode_snapshot(const uint8_t* data, std::size_t size, Exchange* exchange, uint64_t* seq,
                     std::string* error) {
  uint64_t len = 0;
  if (!check_header(data, size, *exchange, &len, error)) return false;
  if (get_u32(data + 32) != crc32c(data + kHeader, len))
    return set_error(error, "payload checksum mismatch (payload at offset 40)");
  const uint8_t* p = data + kHeader;
  const uint8_t* end = data + size;
  for (uint32_t m = 0; m < exchange->markets(); ++m) {
    std::string why;
    const uint8_t* start = p;
    if (!exchange->market(m).restore(&p, end, &why))
      return set_error(error, "market " + std::to_string(m) + " at offset " + std::to_string(start - data) + ": " + why);
  }
  if (p != end) return set_error(error, "trailing bytes at offset " + std::to_string(p - data));
  *seq = get_u64(data + 16);
  return true;
}

namespace {

// The payload's layout, walked from the counts alone (the layout is in snapshot.h;
// Market::serialize writes it): where each market's bytes end, with every count
// bounded by the bytes left, before anything the size of the payload is held. A
// header that declares gigabytes of zeros is refused here, having cost reads.
// *sections: each market's length, in market order.
bool walk_payload(FileWindow& file, uint64_t len, uint32_t markets, std::vector<uint64_t>* sections,
                  std::string* error) {
  const uint64_t end = kHeader + len;
  uint64_t pos = kHeader;
  bool io_failed = false;
  auto u64_at = [&](uint64_t off, uint64_t* v) {
    const uint8_t* p = nullptr;
    if (off > end || end - off < 8) return false;
    if (!file.at(off, 8, &p, error)) return !(io_failed = true);
    if (file.in_window(off) < 8) return false;  // the file shrank under us
    *v = get_u64(p);
    return true;
  };
  // Skips a count of `each`-byte entries at pos; false if they cannot fit.
  auto skip = [&](uint64_t count, uint64_t each) {
    if (count > (end - pos) / each) return false;
    pos += count * each;
    return true;
  };
  for (uint32_t m = 0; m < markets; ++m) {
    const uint64_t start = pos;
    auto fail = [&](const std::string& why) {
      if (!io_failed) *error = "market " + std::to_string(m) + " at offset " + std::to_string(start) + ": " + why;
      return false;
    };
    uint64_t n = 0;
    pos += 16;  // deposited cash and quantity
    if (!u64_at(pos, &n)) return fail("truncated ledger");
    pos += 8;
    if (!skip(n, 40)) return fail("truncated ledger: " + std::to_string(n) + " accounts declared");
    for (const char* side : {"bids", "asks"}) {
      if (!u64_at(pos, &n)) return fail("truncated book");
      pos += 8;
      const uint64_t levels = n;
      if (levels > (end - pos) / 16) return fail(std::string("truncated book: ") + std::to_string(levels) + " " + side +
                                                 " levels declared");
      for (uint64_t l = 0; l < levels; ++l) {
        pos += 8;  // price
        if (!u64_at(pos, &n)) return fail("truncated level");
        pos += 8;
        if (!skip(n, 24)) return fail("truncated level: " + std::to_string(n) + " orders declared");
      }
    }
    sections->push_back(pos - start);
  }
  if (pos != end) {
    *error = "trailing bytes at offset " + std::to_string(pos) + ": the " + std::to_string(markets) +
             " markets end there, the payload runs to offset " + std::to_string(end);
    return false;
  }
  return true;
}

// Rebuilds each market from its own bytes, read into one buffer the size of the
// largest: the memory held is the state being rebuilt plus one market's bytes.
bool decode_markets(FileWindow& file, const std::vector<uint64_t>& sections, Exchange* exchange, std::string* error) {
  if (sections.empty()) return true;
  std::vector<uint8_t> buf(*std::max_element(sections.begin(), sections.end()));
  uint64_t offset = kHeader;
  for (uint32_t m = 0; m < sections.size(); ++m) {
    const std::size_t n = static_cast<std::size_t>(sections[m]);
    std::size_t got = 0;
    if (int e = read_at(file.fd(), offset, buf.data(), n, &got); e != 0) return set_error(error, sys_error("read", file.path(), e));
    if (got != n) return set_error(error, "the file ends at offset " + std::to_string(offset + got) + " while being read");
    const uint8_t* p = buf.data();
    std::string why;
    if (!exchange->market(m).restore(&p, buf.data() + n, &why) || p != buf.data() + n)
      return set_error(error, "market " + std::to_string(m) + " at offset " + std::to_string(offset) + ": " +
                                  (why.empty() ? "does not end where its counts say" : why));
    offset += n;
  }
  return true;
}

}  // namespace

bool read_snapshot(const std::string& path, Exchange* exchange, uint64_t* seq, std::string* error) {
  int fd = -1;
  uint64_t size = 0;
  if (!open_regular_file(path, &fd, &size, error)) return false;
  FileWindow file(fd, size, path);
  auto fail = [&](const std::string& why) { return set_error(error, "snapshot " + path + ": " + why); };
  std::string why;

  // The header first, against the file's real size and the format's limits.
  const uint8_t* header = nullptr;
  if (!file.at(0, kHeader, &header, error)) return false;
  uint64_t len = 0;
  const std::size_t got = std::min<std::size_t>(file.in_window(0), kHeader);
  if (!check_header(header, got < kHeader ? got : size, *exchange, &len, &why)) return fail(why);
  const uint32_t want_crc = get_u32(header + 32);
  *seq = get_u64(header + 16);

  // The payload's CRC in chunks, before anything the size of the payload is held.
  uint32_t crc = 0;
  for (uint64_t off = kHeader; off < kHeader + len;) {
    const uint8_t* p = nullptr;
    if (!file.at(off, FileWindow::kChunk, &p, error)) return false;
    const std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(file.in_window(off), kHeader + len - off));
    if (n == 0) return fail("the file ends at offset " + std::to_string(off) + " while being read");
    crc = crc32c(p, n, crc);
    off += n;
  }
  if (crc != want_crc) return fail("payload checksum mismatch (payload at offset 40)");

  // Its layout, from the counts; then the memory the state needs, before any of it.
  std::vector<uint64_t> sections;
  if (!walk_payload(file, len, exchange->markets(), &sections, &why)) return fail(why);
  const uint64_t largest = sections.empty() ? 0 : *std::max_element(sections.begin(), sections.end());
  const uint64_t budget = available_memory_bytes();
  if (len > budget || largest > budget - len)
    return fail("rebuilding its state needs about " + std::to_string(len + largest) + " bytes (a " +
                std::to_string(len) + "-byte payload, its largest market " + std::to_string(largest) +
                " bytes), more than the " + std::to_string(budget) +
                " bytes of memory this process can still take; refused before allocating");
  try {
    if (!decode_markets(file, sections, exchange, &why)) return fail(why);
  } catch (const std::bad_alloc&) {
    // The budget is a snapshot of the machine; others allocate too.
    return fail("out of memory while rebuilding its state (" + std::to_string(len) + "-byte payload)");
  }

  uint64_t name_seq = 0;
  if (parse_snapshot_file_name(path.substr(path.find_last_of('/') + 1), &name_seq) && name_seq != *seq)
    return fail("seq at offset 16: holds the state after seq " + std::to_string(*seq) + " but its name says seq " +
                std::to_string(name_seq) + " (renamed?)");
  return true;
}

}  // namespace swlab
