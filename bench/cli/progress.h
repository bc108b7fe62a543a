// Progress of a sweep on stderr: a bar redrawn in place on a terminal, plain
// lines otherwise (a log file should not fill with carriage returns). Virtual:
// it is called once per run, far from any hot path.
#pragma once

#include <memory>
#include <string>

namespace swlab {

class Progress {
 public:
  virtual ~Progress() = default;
  virtual void start(std::size_t done, std::size_t total, const std::string& what) = 0;
  virtual void finish() = 0;
};

// A bar when stderr is a terminal, lines when it is not, nothing when quiet.
std::unique_ptr<Progress> make_progress(bool quiet);

}  // namespace swlab
