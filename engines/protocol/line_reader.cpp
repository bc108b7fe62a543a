#include "protocol/line_reader.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <istream>

namespace swlab {

LineReader::LineReader(Source source) : source_(std::move(source)), buf_(64 * 1024) {}

LineReader LineReader::from_fd(int fd) {
  return LineReader([fd](char* buf, std::size_t n) -> long {
    while (true) {
      ssize_t r = ::read(fd, buf, n);
      if (r >= 0) return static_cast<long>(r);
      if (errno != EINTR) return -errno;
    }
  });
}

// Stops at a newline rather than filling the buffer, so an interactive stream gets
// each reply as soon as its line is complete.
LineReader LineReader::from_stream(std::istream& in) {
  return LineReader([&in](char* buf, std::size_t n) -> long {
    std::streambuf* sb = in.rdbuf();
    std::size_t got = 0;
    while (got < n) {
      const int c = sb->sbumpc();
      if (c == std::char_traits<char>::eof()) break;
      buf[got++] = static_cast<char>(c);
      if (c == '\n') break;
    }
    return static_cast<long>(got);
  });
}

LineReader::Result LineReader::next(std::string* line, bool* too_long, int* error) {
  line->clear();
  *too_long = false;
  bool any = false;
  while (true) {
    if (pos_ == len_) {
      if (ended_) return any ? Result::kLine : Result::kEnd;
      const long r = source_(buf_.data(), buf_.size());
      if (r < 0) {
        *error = static_cast<int>(-r);
        return Result::kError;
      }
      if (r == 0) {
        ended_ = true;
        continue;
      }
      pos_ = 0;
      len_ = static_cast<std::size_t>(r);
    }
    any = true;
    const char* start = buf_.data() + pos_;
    const void* nl = std::memchr(start, '\n', len_ - pos_);
    const std::size_t n = nl ? static_cast<const char*>(nl) - start : len_ - pos_;
    const std::size_t room = kMaxLineBytes - std::min(kMaxLineBytes, line->size());
    if (n > room) *too_long = true;
    line->append(start, std::min(n, room));
    pos_ += n;
    if (nl) {
      ++pos_;
      return Result::kLine;
    }
  }
}

}  // namespace swlab
