#include "persistence/keyed_text_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <string_view>

#include "persistence/crc32c.h"
#include "persistence/file_io.h"

namespace swlab {

namespace {

constexpr std::size_t kMaxValueBytes = 64;

bool printable_token(std::string_view v) {
  if (v.empty() || v.size() > kMaxValueBytes) return false;
  for (char c : v)
    if (c <= ' ' || c > '~') return false;
  return true;
}

std::string crc_line(std::string_view body) {
  char line[32];
  std::snprintf(line, sizeof line, "crc32c %08x\n", crc32c(body.data(), body.size()));
  return line;
}

// The file's bytes, at most kMaxKeyedTextBytes + 1 of them; kDamaged with *error
// if it cannot be read, kMissing if there is nothing under the name.
TextFileStatus slurp(const std::string& path, std::string* text, std::string* error) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0 && errno == ENOENT) return TextFileStatus::kMissing;
  int fd = -1;
  uint64_t size = 0;
  if (!open_regular_file(path, &fd, &size, error)) return TextFileStatus::kDamaged;
  text->assign(static_cast<std::size_t>(std::min<uint64_t>(size, kMaxKeyedTextBytes + 1)), '\0');
  std::size_t got = 0;
  const int e = read_at(fd, 0, text->data(), text->size(), &got);
  ::close(fd);
  if (e != 0) {
    *error = sys_error("read", path, e);
    return TextFileStatus::kDamaged;
  }
  text->resize(got);
  return TextFileStatus::kOk;
}

}  // namespace

std::string file_error_at(const std::string& path, std::size_t offset, const std::string& why) {
  return path + " at byte " + std::to_string(offset) + ": " + why;
}

bool parse_decimal(const std::string& value, uint64_t* out) {
  if (value.empty() || value.size() > 20) return false;
  uint64_t x = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (x > (UINT64_MAX - digit) / 10) return false;
    x = x * 10 + digit;
  }
  *out = x;
  return true;
}

TextFileStatus read_keyed_text_file(const std::string& path, const std::string& kind, uint32_t version,
                                    std::vector<KeyedField>* fields, std::string* error) {
  std::string text;
  if (TextFileStatus s = slurp(path, &text, error); s != TextFileStatus::kOk) return s;
  auto damaged = [&](std::size_t offset, const std::string& why) {
    *error = file_error_at(path, offset, why);
    return TextFileStatus::kDamaged;
  };
  if (text.size() > kMaxKeyedTextBytes)
    return damaged(kMaxKeyedTextBytes, "larger than " + std::to_string(kMaxKeyedTextBytes) + " bytes: not a " + kind +
                                           " file");
  std::string_view rest(text);
  auto at = [&] { return text.size() - rest.size(); };
  // One "<key> <value>\n" line; false if the line is not that.
  auto line = [&](const std::string& key, std::string_view* value) {
    const auto nl = rest.find('\n');
    if (nl == std::string_view::npos || nl <= key.size() || rest.substr(0, key.size()) != key || rest[key.size()] != ' ')
      return false;
    *value = rest.substr(key.size() + 1, nl - key.size() - 1);
    rest.remove_prefix(nl + 1);
    return true;
  };
  std::string_view v;
  if (!line(kind, &v)) return damaged(0, "line 1 is not '" + kind + " <version>': not a " + kind + " file");
  uint64_t found_version = 0;
  if (!parse_decimal(std::string(v), &found_version)) return damaged(kind.size() + 1, "the version is not a number");
  if (found_version != version)
    return damaged(kind.size() + 1, "unsupported version " + std::to_string(found_version) + " (this build reads " +
                                        std::to_string(version) + ")");
  for (KeyedField& f : *fields) {
    const std::size_t line_at = at();
    if (!line(f.key, &v)) return damaged(line_at, "expected a line '" + f.key + " <value>'");
    if (!printable_token(v)) return damaged(line_at + f.key.size() + 1, "the value of '" + f.key + "' is not one token");
    f.value = std::string(v);
    f.offset = line_at + f.key.size() + 1;
  }
  const std::size_t body = at();
  if (!line("crc32c", &v)) return damaged(body, "expected the line 'crc32c <8 hex digits>'");
  const std::string want = crc_line(std::string_view(text).substr(0, body));
  if ("crc32c " + std::string(v) + "\n" != want)
    return damaged(body + 7, "checksum mismatch (its contents give " + want.substr(7, 8) + "): the file is damaged");
  if (!rest.empty()) return damaged(at(), "unexpected bytes after the last line");
  return TextFileStatus::kOk;
}

bool write_keyed_text_file(FileSystem& fs, const std::string& path, const std::string& kind, uint32_t version,
                           const std::vector<KeyedField>& fields, std::string* error) {
  std::string text = kind + " " + std::to_string(version) + "\n";
  for (const KeyedField& f : fields) text += f.key + " " + f.value + "\n";
  text += crc_line(text);
  return durable_write_file(fs, path, text, error);
}

}  // namespace swlab
