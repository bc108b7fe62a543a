#include "persistence/file_io.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace swlab {

namespace {

bool set_error(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

}  // namespace

std::string sys_error(const char* what, const std::string& path, int err) {
  // O_NOFOLLOW reports a link in the last component as ELOOP, whose text ("Too
  // many levels of symbolic links") would send the user looking for a loop.
  if (err == ELOOP) return std::string(what) + " " + path + ": it is a symbolic link, which swlab does not follow";
  return std::string(what) + " " + path + ": " + std::system_category().message(err);
}

std::string symlink_refusal(const std::string& path) {
  return path + " is a symbolic link: swlab never follows one where it keeps state or results (refusing it)";
}

bool is_symlink(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

int write_all(FileSystem& fs, int fd, const char* p, std::size_t n) {
  while (n > 0) {
    std::size_t w = 0;
    if (int e = fs.write(fd, p, n, &w); e != 0) return e;
    if (w == 0) return EIO;  // write(2) never returns 0 for n > 0; do not spin if it did
    p += w;
    n -= w;
  }
  return 0;
}

bool fsync_dir(FileSystem& fs, const std::string& dir, std::string* error) {
  if (int e = fs.fsync_dir(dir); e != 0) return set_error(error, sys_error("fsync directory", dir, e));
  return true;
}

std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string parent_dir(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool make_dirs(FileSystem& fs, const std::string& dir, std::string* error) {
  for (std::size_t i = 1; i <= dir.size(); ++i) {
    if (i < dir.size() && dir[i] != '/') continue;
    if (dir[i - 1] == '/') continue;  // "a//b" or a trailing slash
    std::string prefix = dir.substr(0, i);
    int e = fs.mkdir(prefix, 0777);
    if (e == 0) {
      if (!fsync_dir(fs, parent_dir(prefix), error)) return false;
    } else if (e != EEXIST) {
      return set_error(error, sys_error("create directory", prefix, e));
    }
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return set_error(error, sys_error("stat directory", dir, errno));
  if (!S_ISDIR(st.st_mode)) return set_error(error, sys_error("create directory", dir, ENOTDIR));
  return true;
}

bool durable_write_file(FileSystem& fs, const std::string& path, const std::string& bytes,
                        std::string* error) {
  if (is_symlink(path)) return set_error(error, symlink_refusal(path));
  const std::string tmp = path + ".tmp";
  // A stale .tmp (a crash mid-write) or anything planted under its name goes first:
  // unlink removes a link, never its target. Checked with lstat so that the usual
  // case, no .tmp at all, costs the file layer no operation.
  struct stat st;
  if (::lstat(tmp.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return set_error(error, tmp + " is a directory: refusing to write " + path);
    if (int e = fs.unlink(tmp); e != 0 && e != ENOENT) return set_error(error, sys_error("remove stale", tmp, e));
  }
  int fd = -1;
  if (int e = fs.open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0666, &fd); e != 0)
    return set_error(error, e == EEXIST ? tmp + " appeared while it was being replaced: refusing to write through it"
                                        : sys_error("create", tmp, e));
  // Data before name: the rename must not reach the disk pointing at blocks that
  // did not, or a crash leaves a complete-looking file full of zeros.
  const char* what = nullptr;
  int e = write_all(fs, fd, bytes.data(), bytes.size());
  if (e != 0) what = "write";
  if (what == nullptr && (e = fs.fdatasync(fd)) != 0) what = "fdatasync";
  const int close_error = fs.close(fd);
  if (what == nullptr && (e = close_error) != 0) what = "close";
  if (what == nullptr && (e = fs.rename(tmp, path)) != 0) what = "rename";
  if (what != nullptr) {
    fs.unlink(tmp);
    return set_error(error, sys_error(what, tmp, e));
  }
  return fsync_dir(fs, parent_dir(path), error);
}

bool durable_write_file(const std::string& path, const std::string& bytes, std::string* error) {
  return durable_write_file(posix_file_system(), path, bytes, error);
}

bool check_writable_file(const std::string& path, std::string* error) {
  struct stat st;
  if (is_symlink(path)) return set_error(error, symlink_refusal(path));
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    return set_error(error, "'" + path + "' is a directory");
  const std::string dir = parent_dir(path);
  if (::stat(dir.c_str(), &st) != 0)
    return set_error(error, sys_error("cannot write", path, errno) + " (the directory " + dir +
                                " is missing)");
  if (!S_ISDIR(st.st_mode)) return set_error(error, sys_error("cannot write", path, ENOTDIR));
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd >= 0) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return true;
  }
  // A stale .tmp (a regular file or a link) is left alone: durable_write_file
  // removes it before it writes. Opening it here to prove the directory writable
  // would follow a link, or block on a fifo.
  const int e = errno;
  if (e != EEXIST) return set_error(error, sys_error("cannot write", path, e));
  if (::lstat(tmp.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    return set_error(error, tmp + " is a directory: it would block writing " + path);
  if (::access(dir.c_str(), W_OK | X_OK) != 0) return set_error(error, sys_error("cannot write", path, errno));
  return true;
}

const char* file_type_name(unsigned mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return "a regular file";
    case S_IFDIR: return "a directory";
    case S_IFIFO: return "a fifo";
    case S_IFSOCK: return "a socket";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFLNK: return "a symbolic link";
  }
  return "not a regular file";
}

bool open_regular_file(const std::string& path, int* fd, uint64_t* size, std::string* error) {
  // O_NONBLOCK: opening a fifo for reading would otherwise wait for a writer. It
  // has no effect on reads of a regular file.
  int f = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (f < 0) return set_error(error, errno == ELOOP ? symlink_refusal(path) : sys_error("open", path, errno));
  struct stat st;
  if (::fstat(f, &st) != 0) {
    int e = errno;
    ::close(f);
    return set_error(error, sys_error("stat", path, e));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(f);
    return set_error(error, path + " is " + file_type_name(st.st_mode) + ", not a regular file");
  }
  *fd = f;
  *size = static_cast<uint64_t>(st.st_size);
  return true;
}

int read_at(int fd, uint64_t offset, void* buf, std::size_t n, std::size_t* got) {
  auto* p = static_cast<char*>(buf);
  *got = 0;
  while (*got < n) {
    ssize_t r = ::pread(fd, p + *got, n - *got, static_cast<off_t>(offset + *got));
    if (r < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (r == 0) break;  // end of file (it may have shrunk since it was measured)
    *got += static_cast<std::size_t>(r);
  }
  return 0;
}

std::vector<std::string> list_numbered_files(const std::string& dir, bool (*parse)(const std::string& name, uint64_t* n),
                                             const char* what, std::string* error) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno != ENOENT && error != nullptr) *error = sys_error((std::string("open ") + what).c_str(), dir, errno);
    return {};
  }
  std::vector<std::pair<uint64_t, std::string>> found;
  errno = 0;
  while (dirent* e = ::readdir(d)) {
    uint64_t n = 0;
    if (parse(e->d_name, &n)) found.emplace_back(n, e->d_name);
    errno = 0;
  }
  const int err = errno;
  ::closedir(d);
  if (err != 0) {
    if (error != nullptr) *error = sys_error((std::string("read ") + what).c_str(), dir, err);
    return {};
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> paths;
  paths.reserve(found.size());
  for (auto& f : found) paths.push_back(join_path(dir, f.second));
  return paths;
}

}  // namespace swlab
