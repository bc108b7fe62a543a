#include "simulated_disk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <random>
#include <stdexcept>
#include <thread>

namespace swlab::test {

namespace {

std::string read_real(const std::string& path) {
  std::string out;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[65536];
  ssize_t r;
  while ((r = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(r));
  ::close(fd);
  return out;
}

void write_real(const std::string& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) throw std::runtime_error("SimulatedDisk: cannot rewrite " + path);
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t w = ::write(fd, content.data() + done, content.size() - done);
    if (w <= 0) throw std::runtime_error("SimulatedDisk: cannot rewrite " + path);
    done += static_cast<std::size_t>(w);
  }
  ::close(fd);
}

}  // namespace

SimulatedDisk::SimulatedDisk(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  DIR* d = ::opendir(root_.c_str());
  if (d == nullptr) return;
  while (dirent* e = ::readdir(d)) {
    const std::string path = root_ + "/" + e->d_name;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    const uint64_t ino = next_inode_++;
    std::string content = read_real(path);
    inodes_[ino] = Inode{content, content, {}};
    durable_names_[e->d_name] = ino;
  }
  ::closedir(d);
  current_names_ = durable_names_;
}

SimulatedDisk::~SimulatedDisk() {
  std::lock_guard guard(mutex_);
  for (auto& [fd, f] : fds_) ::close(fd);
}

void SimulatedDisk::fail_after(uint64_t n) {
  std::lock_guard guard(mutex_);
  fail_at_ = n == 0 ? 0 : operations_ + n;
}

bool SimulatedDisk::power_fails() {
  ++operations_;
  if (fail_at_ != 0 && operations_ >= fail_at_) powered_off_ = true;
  return powered_off_;
}

std::string SimulatedDisk::name_in_root(const std::string& path) const {
  if (path.size() <= root_.size() + 1 || path.compare(0, root_.size(), root_) != 0 || path[root_.size()] != '/')
    return "";
  std::string name = path.substr(root_.size() + 1);
  return name.find('/') == std::string::npos ? name : "";
}

void SimulatedDisk::apply(std::string* content, const Op& op, std::size_t limit) {
  if (op.truncate) {
    content->resize(op.offset);
    return;
  }
  const std::size_t n = std::min(limit, op.data.size());
  if (content->size() < op.offset + n) content->resize(op.offset + n);
  content->replace(op.offset, n, op.data, 0, n);
}

int SimulatedDisk::open(const std::string& path, int flags, mode_t mode, int* fd) {
  std::lock_guard guard(mutex_);
  if (power_fails()) return EIO;
  const std::string name = name_in_root(path);
  if (name.empty()) return EXDEV;
  auto it = current_names_.find(name);
  if (it != current_names_.end() && (flags & O_CREAT) && (flags & O_EXCL)) return EEXIST;
  if (it == current_names_.end() && !(flags & O_CREAT)) return ENOENT;
  const int real = ::open(path.c_str(), flags | O_CLOEXEC | O_NOFOLLOW, mode);  // as the real layer
  if (real < 0) return errno;
  uint64_t ino;
  if (it == current_names_.end()) {
    ino = next_inode_++;
    inodes_[ino] = Inode{};
    current_names_[name] = ino;
    pending_names_.push_back({NameOp::kLink, name, "", ino});
  } else {
    ino = it->second;
    if (flags & O_TRUNC) {
      Inode& node = inodes_[ino];
      Op op{true, 0, {}};
      apply(&node.current, op, 0);
      node.pending.push_back(std::move(op));
    }
  }
  fds_[real] = OpenFile{ino, 0, (flags & O_APPEND) != 0};
  *fd = real;
  return 0;
}

int SimulatedDisk::write(int fd, const void* data, std::size_t n, std::size_t* written) {
  std::lock_guard guard(mutex_);
  auto it = fds_.find(fd);
  if (it == fds_.end()) return EBADF;
  if (power_fails()) return EIO;
  OpenFile& f = it->second;
  Inode& node = inodes_[f.inode];
  const uint64_t off = f.append ? node.current.size() : f.offset;
  Op op{false, off, std::string(static_cast<const char*>(data), n)};
  if (::pwrite(fd, data, n, static_cast<off_t>(off)) != static_cast<ssize_t>(n)) return errno ? errno : EIO;
  apply(&node.current, op, n);
  node.pending.push_back(std::move(op));
  f.offset = off + n;
  *written = n;
  return 0;
}

int SimulatedDisk::fdatasync(int fd) {
  std::chrono::nanoseconds latency;
  {
    std::lock_guard guard(mutex_);
    auto it = fds_.find(fd);
    if (it == fds_.end()) return EBADF;
    if (power_fails()) return EIO;
    Inode& node = inodes_[it->second.inode];
    node.durable = node.current;
    node.pending.clear();
    ++file_syncs_;
    latency = sync_latency_;
  }
  // The flush takes time; the caller waits, the disk does not stop taking writes.
  if (latency.count() > 0) std::this_thread::sleep_for(latency);
  return 0;
}

int SimulatedDisk::ftruncate(int fd, uint64_t size) {
  std::lock_guard guard(mutex_);
  auto it = fds_.find(fd);
  if (it == fds_.end()) return EBADF;
  if (power_fails()) return EIO;
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) return errno;
  Inode& node = inodes_[it->second.inode];
  Op op{true, size, {}};
  apply(&node.current, op, 0);
  node.pending.push_back(std::move(op));
  return 0;
}

int SimulatedDisk::close(int fd) {
  std::lock_guard guard(mutex_);
  auto it = fds_.find(fd);
  if (it == fds_.end()) return EBADF;
  ::close(fd);
  fds_.erase(it);
  return powered_off_ ? EIO : 0;
}

int SimulatedDisk::rename(const std::string& from, const std::string& to) {
  std::lock_guard guard(mutex_);
  if (power_fails()) return EIO;
  const std::string a = name_in_root(from), b = name_in_root(to);
  if (a.empty() || b.empty()) return EXDEV;
  auto it = current_names_.find(a);
  if (it == current_names_.end()) return ENOENT;
  if (::rename(from.c_str(), to.c_str()) != 0) return errno;
  const uint64_t ino = it->second;
  current_names_.erase(it);
  current_names_[b] = ino;
  pending_names_.push_back({NameOp::kRename, a, b, ino});
  return 0;
}

int SimulatedDisk::unlink(const std::string& path) {
  std::lock_guard guard(mutex_);
  if (power_fails()) return EIO;
  const std::string name = name_in_root(path);
  if (name.empty()) return EXDEV;
  auto it = current_names_.find(name);
  if (it == current_names_.end()) return ENOENT;
  if (::unlink(path.c_str()) != 0) return errno;
  pending_names_.push_back({NameOp::kUnlink, name, "", it->second});
  current_names_.erase(it);
  return 0;
}

int SimulatedDisk::fsync_dir(const std::string& dir) {
  std::lock_guard guard(mutex_);
  if (power_fails()) return EIO;
  std::string d = dir;
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  if (d != root_) return 0;  // outside the simulated directory: nothing modelled
  durable_names_ = current_names_;
  pending_names_.clear();
  ++dir_syncs_;
  return 0;
}

int SimulatedDisk::mkdir(const std::string& dir, mode_t mode) {
  return ::mkdir(dir.c_str(), mode) == 0 ? 0 : errno;
}

void SimulatedDisk::power_cut(std::optional<uint64_t> seed) {
  std::lock_guard guard(mutex_);
  std::mt19937_64 rng(seed.value_or(0));
  auto prefix = [&](std::size_t n) -> std::size_t { return seed ? rng() % (n + 1) : 0; };

  // The names the disk holds: the durable ones, plus a prefix of the pending changes.
  std::map<std::string, uint64_t> names = durable_names_;
  const std::size_t kept_names = prefix(pending_names_.size());
  for (std::size_t i = 0; i < kept_names; ++i) {
    const NameOp& op = pending_names_[i];
    if (op.kind == NameOp::kLink) {
      names[op.from] = op.inode;
    } else if (op.kind == NameOp::kRename) {
      names.erase(op.from);
      names[op.to] = op.inode;
    } else {
      names.erase(op.from);
    }
  }
  // The contents the disk holds: the durable image, plus a prefix of the pending
  // operations, the next one possibly torn.
  std::map<uint64_t, std::string> contents;
  for (auto& [ino, node] : inodes_) {
    std::string c = node.durable;
    const std::size_t kept = prefix(node.pending.size());
    for (std::size_t i = 0; i < kept; ++i) apply(&c, node.pending[i], node.pending[i].data.size());
    if (seed && kept < node.pending.size() && !node.pending[kept].truncate && !node.pending[kept].data.empty())
      apply(&c, node.pending[kept], rng() % node.pending[kept].data.size());
    contents[ino] = std::move(c);
  }

  for (auto& [fd, f] : fds_) ::close(fd);
  fds_.clear();
  for (const auto& [name, ino] : current_names_)
    if (!names.count(name)) ::unlink((root_ + "/" + name).c_str());
  std::map<uint64_t, Inode> survivors;
  uint64_t next = 1;
  std::map<std::string, uint64_t> renumbered;
  for (const auto& [name, ino] : names) {
    const std::string& c = contents[ino];
    auto cur = current_names_.find(name);
    if (cur == current_names_.end() || cur->second != ino || inodes_[ino].current != c)
      write_real(root_ + "/" + name, c);
    survivors[next] = Inode{c, c, {}};
    renumbered[name] = next++;
  }
  inodes_ = std::move(survivors);
  next_inode_ = next;
  durable_names_ = current_names_ = renumbered;
  pending_names_.clear();
  powered_off_ = false;
  fail_at_ = 0;
}

}  // namespace swlab::test
