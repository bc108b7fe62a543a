#include "persistence/snapshot.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "persistence/crc32c.h"
#include "persistence/file_io.h"

namespace swlab {

namespace {

namespace fs = std::filesystem;

constexpr char kMagic[8] = {'S', 'W', 'S', 'N', 'A', 'P', 'S', 'H'};
constexpr uint32_t kVersion = 1;
constexpr std::size_t kHeader = 40;

void put32(std::string* s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put64(std::string* s, uint64_t v) {
  for (int i = 0; i < 8; ++i) s->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint32_t get32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}
uint64_t get64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

std::string errno_text(const char* what, const std::string& path) { return sys_error(what, path, errno); }

}  // namespace

std::string snapshot_file_name(uint64_t seq) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "snapshot-%020llu.sws", static_cast<unsigned long long>(seq));
  return buf;
}

bool parse_snapshot_file_name(const std::string& name, uint64_t* seq) {
  if (name.size() != 9 + 20 + 4 || name.rfind("snapshot-", 0) != 0 || name.substr(29) != ".sws") return false;
  uint64_t v = 0;
  for (std::size_t i = 9; i < 29; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    v = v * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  *seq = v;
  return true;
}

std::vector<std::string> list_snapshots(const std::string& dir) {
  std::vector<std::pair<uint64_t, std::string>> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    uint64_t seq;
    if (parse_snapshot_file_name(e.path().filename().string(), &seq)) found.emplace_back(seq, e.path().string());
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(f.second);
  return out;
}

bool write_snapshot(const std::string& dir, uint64_t seq, const Exchange& exchange, std::string* error) {
  std::string payload;
  for (uint32_t m = 0; m < exchange.markets(); ++m) exchange.market(m).serialize(&payload);
  std::string header(kMagic, 8);
  put32(&header, kVersion);
  put32(&header, exchange.markets());
  put64(&header, seq);
  put64(&header, payload.size());
  put32(&header, crc32c(payload.data(), payload.size()));
  put32(&header, crc32c(header.data(), header.size()));

  const std::string path = dir + "/" + snapshot_file_name(seq);
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = errno_text("cannot create", tmp);
    return false;
  }
  int err = 0;
  bool ok = write_all(fd, header.data(), header.size(), &err) && write_all(fd, payload.data(), payload.size(), &err);
  if (!ok) *error = sys_error("cannot write", tmp, err);
  if (ok && ::fdatasync(fd) != 0) {
    *error = errno_text("cannot sync", tmp);
    ok = false;
  }
  ::close(fd);
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = errno_text("cannot rename", tmp);
    ok = false;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    return false;
  }
  return fsync_dir(dir, error);  // the rename is durable only once the directory entry is
}

bool snapshot_markets(const uint8_t* data, std::size_t size, uint32_t* markets) {
  if (size < kHeader || std::memcmp(data, kMagic, 8) != 0) return false;
  *markets = get32(data + 12);
  return true;
}

bool decode_snapshot(const uint8_t* data, std::size_t size, Exchange* exchange, uint64_t* seq,
                     std::string* error) {
  if (size < kHeader) {
    *error = "shorter than the 40-byte header (" + std::to_string(size) + " bytes)";
    return false;
  }
  if (std::memcmp(data, kMagic, 8) != 0) {
    *error = "bad magic at offset 0";
    return false;
  }
  if (get32(data + 36) != crc32c(data, 36)) {
    *error = "header checksum mismatch at offset 36";
    return false;
  }
  if (get32(data + 8) != kVersion) {
    *error = "unsupported version " + std::to_string(get32(data + 8)) + " at offset 8";
    return false;
  }
  const uint32_t markets = get32(data + 12);
  if (markets != exchange->markets()) {
    *error = "holds " + std::to_string(markets) + " markets, expected " + std::to_string(exchange->markets());
    return false;
  }
  const uint64_t len = get64(data + 24);
  if (len != size - kHeader) {
    *error = "payload length " + std::to_string(len) + " at offset 24 does not match the file (" +
             std::to_string(size - kHeader) + " bytes after the header)";
    return false;
  }
  if (get32(data + 32) != crc32c(data + kHeader, len)) {
    *error = "payload checksum mismatch (payload at offset 40)";
    return false;
  }
  const uint8_t* p = data + kHeader;
  const uint8_t* end = data + size;
  for (uint32_t m = 0; m < markets; ++m) {
    std::string why;
    const uint8_t* start = p;
    if (!exchange->market(m).restore(&p, end, &why)) {
      *error = "market " + std::to_string(m) + " at offset " + std::to_string(start - data) + ": " + why;
      return false;
    }
  }
  if (p != end) {
    *error = "trailing bytes at offset " + std::to_string(p - data);
    return false;
  }
  *seq = get64(data + 16);
  return true;
}

bool read_snapshot(const std::string& path, Exchange* exchange, uint64_t* seq, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = errno_text("cannot open", path);
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string bytes = ss.str();
  std::string why;
  if (!decode_snapshot(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), exchange, seq, &why)) {
    *error = "snapshot " + path + ": " + why;
    return false;
  }
  return true;
}

}  // namespace swlab
