// A fresh directory for one test, removed with everything in it when the test ends.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace swlab::test {

class TempDir {
 public:
  // prefix: where and under what name, e.g. "/tmp/swlab-persist" (a directory
  // "/tmp/swlab-persist-XXXXXX" is made); under /dev/shm no real disk is involved.
  explicit TempDir(const std::string& prefix) {
    std::string tmpl = prefix + "-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("cannot create a directory " + tmpl);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace swlab::test
