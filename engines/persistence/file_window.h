// A window onto a file, read with pread(2) in chunks of at most kChunk: a reader
// that walks a file of any size (a journal segment, a snapshot's payload) holds one
// chunk, never the file, and a sequential walk costs one read(2) per MiB.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace swlab {

class FileWindow {
 public:
  static constexpr std::size_t kChunk = 1 << 20;

  // Takes ownership of fd (closed on destruction). size: the file's size as
  // measured; path: for messages. The buffer is no larger than the file, and not
  // zeroed: most files recovery reads are far smaller than a chunk.
  FileWindow(int fd, uint64_t size, std::string path);
  ~FileWindow();
  FileWindow(const FileWindow&) = delete;
  FileWindow& operator=(const FileWindow&) = delete;

  // The file's size; lowered if the file turns out shorter than it was measured
  // (it shrank under us): the walk reads what is there.
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  int fd() const { return fd_; }

  // Makes [off, off + min(want, size - off)) available at *p. want <= kChunk.
  // False with *error ("read <path>: <errno text>") if the read fails.
  bool at(uint64_t off, std::size_t want, const uint8_t** p, std::string* error);

  // Bytes available in the window from off (off must be inside it).
  std::size_t in_window(uint64_t off) const { return static_cast<std::size_t>(start_ + len_ - off); }

 private:
  int fd_;
  uint64_t size_;
  std::string path_;
  std::size_t capacity_;
  std::unique_ptr<uint8_t[]> buf_;
  uint64_t start_ = 0;
  std::size_t len_ = 0;
};

}  // namespace swlab
