// Where a results set goes, claimed for one invocation: an explicit --out (empty, or
// emptied by --force) or a new directory under results/local/ (git-ignored: a user's
// own runs never show in `git status`). The claim is an exclusive lock on a marker
// inside the directory, held until the invocation ends, so two runs can never write
// into one directory; a crashed run's claim ends with its process. A directory the
// invocation created and wrote nothing into is removed again.
#pragma once

#include <string>

#include "measure/machine_info.h"

namespace swlab::cli {

class OutputDir {
 public:
  OutputDir() = default;
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;
  ~OutputDir();

  // -1 on success, else the exit code (the message is printed).
  int claim(const std::string& cmd, const std::string& out, bool force, const MachineInfo& m);
  // Called when no results will be written: a directory created for them is removed.
  void abandon();
  const std::string& path() const { return dir_; }

  // The marker's name inside a claimed directory.
  static constexpr const char* kMarker = ".swlab-claim";

 private:
  int lock_marker(const std::string& cmd);
  std::string dir_;
  bool created_ = false;
  int marker_fd_ = -1;
};

}  // namespace swlab::cli
