#include "persistence/file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace swlab {

std::string sys_error(const char* what, const std::string& path, int err) {
  return std::string(what) + " " + path + ": " + std::system_category().message(err);
}

bool write_all(int fd, const char* p, std::size_t n, int* err) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      *err = errno;
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool fsync_dir(const std::string& dir, std::string* error) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (error) *error = sys_error("open directory", dir, errno);
    return false;
  }
  if (::fsync(fd) != 0) {
    const int e = errno;
    ::close(fd);
    if (error) *error = sys_error("fsync directory", dir, e);
    return false;
  }
  ::close(fd);
  return true;
}

}  // namespace swlab
