#include "cli/output_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "cli/cli.h"

namespace swlab::cli {

namespace {

namespace fs = std::filesystem;

// The directory's entries other than the claim marker.
bool holds_files(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().filename() != OutputDir::kMarker) return true;
  return false;
}

}  // namespace

OutputDir::~OutputDir() {
  if (marker_fd_ >= 0) {
    std::error_code ec;
    fs::remove(fs::path(dir_) / kMarker, ec);
    ::close(marker_fd_);
  }
}

int OutputDir::lock_marker(const std::string& cmd) {
  const std::string marker = (fs::path(dir_) / kMarker).string();
  marker_fd_ = ::open(marker.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (marker_fd_ < 0)
    return usage_error(cmd, "--out: cannot write to '" + dir_ + "': " + std::strerror(errno));
  if (::flock(marker_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(marker_fd_);
    marker_fd_ = -1;
    return usage_error(cmd, "--out: another swlab invocation is writing results to '" + dir_ + "'");
  }
  return -1;
}

int OutputDir::claim(const std::string& cmd, const std::string& out, bool force, const MachineInfo& m) {
  std::error_code ec;
  if (out.empty()) {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char hms[16];
    std::strftime(hms, sizeof hms, "%H%M%S", &tm);
    fs::create_directories("results/local", ec);
    const std::string base = "results/local/" + results_dir_name(m) + "." + hms;
    // mkdir is the atomic step: of two invocations in the same second, one gets the
    // name and the other the next suffix.
    dir_ = base;
    for (int i = 2; ::mkdir(dir_.c_str(), 0755) != 0; ++i) {
      if (errno != EEXIST || i > 1000) return usage_error(cmd, "cannot create '" + dir_ + "': " + std::strerror(errno));
      dir_ = base + "-" + std::to_string(i);
    }
    created_ = true;
    return lock_marker(cmd);
  }
  dir_ = out;
  struct stat st{};
  if (::lstat(dir_.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode)) return usage_error(cmd, "--out: '" + dir_ + "' is a symbolic link (give the directory itself)");
    if (!S_ISDIR(st.st_mode)) return usage_error(cmd, "--out: '" + dir_ + "' exists and is not a directory");
  } else {
    fs::create_directories(fs::path(dir_).parent_path().empty() ? fs::path(".") : fs::path(dir_).parent_path(), ec);
    if (::mkdir(dir_.c_str(), 0755) == 0) {
      created_ = true;
    } else if (errno != EEXIST) {
      return usage_error(cmd, "--out: cannot write to '" + dir_ + "'");
    }
  }
  if (int rc = lock_marker(cmd); rc >= 0) return rc;
  if (holds_files(dir_)) {
    if (!force) {
      abandon();
      return usage_error(cmd, "--out: '" + dir_ + "' already holds files (--force replaces them)");
    }
    for (const auto& e : fs::directory_iterator(dir_, ec))
      if (e.path().filename() != kMarker) fs::remove_all(e.path(), ec);
  }
  return -1;
}

void OutputDir::abandon() {
  std::error_code ec;
  if (marker_fd_ >= 0) {
    fs::remove(fs::path(dir_) / kMarker, ec);
    ::close(marker_fd_);
    marker_fd_ = -1;
  }
  if (created_ && fs::is_empty(dir_, ec)) fs::remove(dir_, ec);
}

}  // namespace swlab::cli
