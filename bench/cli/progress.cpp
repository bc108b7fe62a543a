#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace swlab {

namespace {

class BarProgress final : public Progress {
 public:
  void start(std::size_t done, std::size_t total, const std::string& what) override {
    constexpr int kWidth = 30;
    int filled = total ? static_cast<int>(kWidth * done / total) : 0;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.append(static_cast<std::size_t>(kWidth - filled), '.');
    std::fprintf(stderr, "\r\033[K[%s] %zu/%zu %s", bar.c_str(), done + 1, total, what.c_str());
    std::fflush(stderr);
  }
  void finish() override {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
};

class LineProgress final : public Progress {
 public:
  void start(std::size_t done, std::size_t total, const std::string& what) override {
    std::fprintf(stderr, "run %zu/%zu: %s\n", done + 1, total, what.c_str());
  }
  void finish() override {}
};

class NoProgress final : public Progress {
 public:
  void start(std::size_t, std::size_t, const std::string&) override {}
  void finish() override {}
};

}  // namespace

std::unique_ptr<Progress> make_progress(bool quiet) {
  if (quiet) return std::make_unique<NoProgress>();
  if (isatty(STDERR_FILENO)) return std::make_unique<BarProgress>();
  return std::make_unique<LineProgress>();
}

}  // namespace swlab
