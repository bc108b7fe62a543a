#include "persistence/state_meta.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string_view>
#include <sys/stat.h>

#include "persistence/crc32c.h"
#include "persistence/file_io.h"

namespace swlab {

namespace {

std::string body(uint32_t version, uint32_t markets) {
  return "swlab-state " + std::to_string(version) + "\nmarkets " + std::to_string(markets) + "\n";
}

// Digits only, no sign or spaces, at most 10 of them: the count as the writer prints it.
bool parse_count(std::string_view s, uint64_t* v) {
  if (s.empty() || s.size() > 10) return false;
  uint64_t x = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    x = x * 10 + static_cast<uint64_t>(c - '0');
  }
  *v = x;
  return true;
}

}  // namespace

MetaStatus read_state_meta(const std::string& dir, uint32_t* markets, std::string* error) {
  const std::string path = join_path(dir, kStateMetaFile);
  // Errors name the file and the byte offset of what is wrong, like the journal's.
  auto damaged_at = [&](std::size_t offset, const std::string& why) {
    *error = path + " at byte " + std::to_string(offset) + ": " + why;
    return MetaStatus::kDamaged;
  };
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0 && errno == ENOENT) {
    *error = dir + " holds no swlab state (no " + kStateMetaFile + ")";
    return MetaStatus::kMissing;
  }
  int fd = -1;
  uint64_t size = 0;
  std::string why;
  if (!open_regular_file(path, &fd, &size, &why)) {
    *error = why;
    return MetaStatus::kDamaged;
  }
  std::string text(static_cast<std::size_t>(std::min<uint64_t>(size, kMaxStateMetaBytes + 1)), '\0');
  std::size_t got = 0;
  const int e = read_at(fd, 0, text.data(), text.size(), &got);
  ::close(fd);
  if (e != 0) {
    *error = sys_error("read", path, e);
    return MetaStatus::kDamaged;
  }
  text.resize(got);
  if (got > kMaxStateMetaBytes)
    return damaged_at(kMaxStateMetaBytes,
                      "larger than " + std::to_string(kMaxStateMetaBytes) + " bytes: not a swlab state file");

  // Line by line, exactly as the writer prints them.
  std::string_view rest(text);
  auto at = [&] { return text.size() - rest.size(); };  // offset of what is read next
  auto line = [&](std::string_view prefix, std::string_view* value) {
    auto nl = rest.find('\n');
    if (nl == std::string_view::npos || !rest.starts_with(prefix)) return false;
    *value = rest.substr(prefix.size(), nl - prefix.size());
    rest.remove_prefix(nl + 1);
    return true;
  };
  std::string_view version_text, markets_text, crc_text;
  if (!line("swlab-state ", &version_text))
    return damaged_at(0, "line 1 is not 'swlab-state <version>': not a swlab state file");
  uint64_t version = 0;
  if (!parse_count(version_text, &version)) return damaged_at(12, "line 1 does not give a version number");
  if (version != 1 && version != 2)
    return damaged_at(12, "unsupported version " + std::to_string(version) + " (this build reads 1 and 2)");
  const std::size_t markets_at = at() + 8;
  if (!line("markets ", &markets_text)) return damaged_at(at(), "line 2 is not 'markets <count>'");
  uint64_t count = 0;
  if (!parse_count(markets_text, &count)) return damaged_at(markets_at, "markets is not a decimal count");
  if (version == 2) {
    const std::size_t body_size = at();
    if (!line("crc32c ", &crc_text)) return damaged_at(body_size, "line 3 is not 'crc32c <8 hex digits>'");
    char want[16];
    std::snprintf(want, sizeof want, "%08x", crc32c(text.data(), body_size));
    if (crc_text != want)
      return damaged_at(body_size + 7, std::string("checksum mismatch (its contents give ") + want +
                                           "): the file is damaged");
  }
  if (!rest.empty()) return damaged_at(at(), "unexpected bytes after the last line");
  if (count < 1 || count > kMaxStateMarkets)
    return damaged_at(markets_at,
                      "markets " + std::to_string(count) + " is outside 1.." + std::to_string(kMaxStateMarkets));
  *markets = static_cast<uint32_t>(count);
  return MetaStatus::kOk;
}

bool write_state_meta(FileSystem& fs, const std::string& dir, uint32_t markets, std::string* error) {
  std::string text = body(2, markets);
  char crc[32];
  std::snprintf(crc, sizeof crc, "crc32c %08x\n", crc32c(text.data(), text.size()));
  text += crc;
  return durable_write_file(fs, join_path(dir, kStateMetaFile), text, error);
}

bool read_markets(const std::string& dir, uint32_t* markets, std::string* error) {
  return read_state_meta(dir, markets, error) == MetaStatus::kOk;
}

}  // namespace swlab
