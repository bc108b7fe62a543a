#include "persistence/file_window.h"

#include <unistd.h>

#include <algorithm>
#include <utility>

#include "persistence/file_io.h"

namespace swlab {

FileWindow::FileWindow(int fd, uint64_t size, std::string path)
    : fd_(fd),
      size_(size),
      path_(std::move(path)),
      capacity_(static_cast<std::size_t>(std::min<uint64_t>(kChunk, size))),
      buf_(new uint8_t[capacity_ == 0 ? 1 : capacity_]) {}

FileWindow::~FileWindow() { ::close(fd_); }

bool FileWindow::at(uint64_t off, std::size_t want, const uint8_t** p, std::string* error) {
  const uint64_t need = std::min<uint64_t>(want, size_ - off);
  if (off < start_ || off + need > start_ + len_) {
    const std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(capacity_, size_ - off));
    std::size_t got = 0;
    if (int e = read_at(fd_, off, buf_.get(), n, &got); e != 0) {
      if (error != nullptr) *error = sys_error("read", path_, e);
      return false;
    }
    start_ = off;
    len_ = got;
    if (got < n) size_ = off + got;
  }
  *p = buf_.get() + (off - start_);
  return true;
}

}  // namespace swlab
