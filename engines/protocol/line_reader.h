// Lines of a protocol script, read with a bound on their length: a script is
// input from anywhere (a file, a pipe, /dev/zero), and one 300 MB line must cost
// a bounded buffer and an error line, not 300 MB of memory.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace swlab {

class LineReader {
 public:
  // The longest line the protocol accepts, newline excluded (docs/protocol.md).
  static constexpr std::size_t kMaxLineBytes = 4096;

  // Fills buf with up to n bytes; returns how many, 0 at the end of the input, or
  // -errno on a read error.
  using Source = std::function<long(char* buf, std::size_t n)>;
  explicit LineReader(Source source);
  // Reads with read(2) (EINTR retried).
  static LineReader from_fd(int fd);
  // Reads from an istream; it never fails, it ends.
  static LineReader from_stream(std::istream& in);

  enum class Result { kLine, kEnd, kError };
  // The next line, without its '\n' (a last line without one counts). A line longer
  // than kMaxLineBytes comes back cut to that length with *too_long set; the rest
  // of it is read and dropped. kError: *error is the errno.
  Result next(std::string* line, bool* too_long, int* error);

 private:
  Source source_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, len_ = 0;
  bool ended_ = false;
};

}  // namespace swlab
