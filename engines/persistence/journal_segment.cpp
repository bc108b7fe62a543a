#include "persistence/journal_segment.h"


#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>

#include "persistence/crc32c.h"
#include "persistence/file_io.h"
#include "platform/byte_order.h"

namespace swlab {

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

uint64_t segment_first_seq(const std::string& path) {
  uint64_t first = 0;
  parse_segment_file_name(path.substr(path.find_last_of('/') + 1), &first);
  return first;
}

std::vector<std::string> list_segments(const std::string& dir, std::string* error) {
  return list_numbered_files(dir, parse_segment_file_name, "journal directory", error);
}

std::string encode_segment_header(uint64_t first_seq) {
  uint8_t h[kSegmentHeaderSize] = {};
  std::memcpy(h, kJournalMagic, sizeof kJournalMagic);
  put_u32(h + 8, kJournalVersion);
  put_u32(h + 12, static_cast<uint32_t>(kSegmentHeaderSize));
  put_u64(h + 16, first_seq);
  put_u32(h + 24, 0);
  put_u32(h + 28, crc32c(h, 28));
  return std::string(reinterpret_cast<const char*>(h), sizeof h);
}

bool check_segment_header(const uint8_t* h, std::size_t n, uint64_t name_seq, std::string* why,
                          std::size_t* at) {
  *at = 0;
  if (n < kSegmentHeaderSize) {
    *why = "segment header is " + std::to_string(n) + " bytes, expected " +
           std::to_string(kSegmentHeaderSize);
    return false;
  }
  if (std::memcmp(h, kJournalMagic, sizeof kJournalMagic) != 0) {
    *why = "bad magic: not a journal segment";
    return false;
  }
  // Version before CRC: a later version may lay its header out differently, and
  // "unsupported version" is the useful message for it.
  if (uint32_t v = get_u32(h + 8); v != kJournalVersion) {
    *at = 8;
    *why = "unsupported format version " + std::to_string(v) + " (this build reads " +
           std::to_string(kJournalVersion) + ")";
    return false;
  }
  if (uint32_t hs = get_u32(h + 12); hs != kSegmentHeaderSize) {
    *at = 12;
    *why = "header size " + std::to_string(hs) + ", expected " + std::to_string(kSegmentHeaderSize);
    return false;
  }
  if (crc32c(h, 28) != get_u32(h + 28)) {
    *at = 28;
    *why = "segment header CRC mismatch";
    return false;
  }
  if (get_u32(h + 24) != 0) {
    *at = 24;
    *why = "reserved header field is not 0";
    return false;
  }
  uint64_t first = get_u64(h + 16);
  if (first == 0 || first != name_seq) {
    *at = 16;
    *why = "header first_seq " + std::to_string(first) + " does not match the file name (" +
           std::to_string(name_seq) + ")";
    return false;
  }
  return true;
}

}  // namespace swlab
