#include "persistence/file_system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace swlab {

namespace {

// EINTR is retried here, once, for every caller: none of these calls has a
// partial effect when interrupted before it starts.
class PosixFileSystem final : public FileSystem {
 public:
  int open(const std::string& path, int flags, mode_t mode, int* fd) override {
    int r;
    do r = ::open(path.c_str(), flags | O_CLOEXEC | O_NOFOLLOW, mode);
    while (r < 0 && errno == EINTR);
    if (r < 0) return errno;
    *fd = r;
    return 0;
  }
  int write(int fd, const void* data, std::size_t n, std::size_t* written) override {
    ssize_t w;
    do w = ::write(fd, data, n);
    while (w < 0 && errno == EINTR);
    if (w < 0) return errno;
    *written = static_cast<std::size_t>(w);
    return 0;
  }
  int fdatasync(int fd) override { return ::fdatasync(fd) == 0 ? 0 : errno; }
  int ftruncate(int fd, uint64_t size) override {
    return ::ftruncate(fd, static_cast<off_t>(size)) == 0 ? 0 : errno;
  }
  // close(2) is not retried on EINTR: on Linux the descriptor is gone either way.
  int close(int fd) override { return ::close(fd) == 0 ? 0 : errno; }
  int rename(const std::string& from, const std::string& to) override {
    return ::rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
  }
  int unlink(const std::string& path) override { return ::unlink(path.c_str()) == 0 ? 0 : errno; }
  int fsync_dir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno;
    int e = ::fsync(fd) == 0 ? 0 : errno;
    ::close(fd);
    return e;
  }
  int mkdir(const std::string& dir, mode_t mode) override {
    return ::mkdir(dir.c_str(), mode) == 0 ? 0 : errno;
  }
};

}  // namespace

FileSystem& posix_file_system() {
  static PosixFileSystem fs;
  return fs;
}

}  // namespace swlab
