// `swlab run --live`: a view of a sweep as it runs, for a lecture hall. Per engine,
// throughput and p50/p99 per interval as sparklines; the current run's latency
// histogram, context switches and floor. Redrawn in place when stdout is a terminal;
// one plain line per interval otherwise (a log should not fill with escape codes).
// Built on the load generator's intervals (LoadConfig::live); it also serves as the
// sweep's progress, since a bar on stderr would tear the picture on a terminal.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "load/load_generator.h"
#include "cli/progress.h"

namespace swlab::cli {

struct LiveRunInfo {
  std::string engine;   // as the sweep names it (a row of the view)
  std::string id;       // the run's id
  uint32_t threads = 0;
  std::string preset;
  uint32_t repetition = 0;
  int64_t floor_p50_ns = -1;  // the probe before the run; -1: none
  uint32_t busy_threads = 0, logical_cpus = 0;
  int64_t interval_ns = 0;
};

class LiveView : public LiveSink, public Progress {
 public:
  virtual void begin_run(const LiveRunInfo& info) = 0;
  // The run's own figures once it is done (the exact ones, from the results).
  virtual void end_run(const RunResult& result) = 0;
};

// Engines: the rows, in the sweep's order. `terminal`: redraw in place (width from
// the terminal); otherwise plain lines. Writes to `out`.
std::unique_ptr<LiveView> make_live_view(std::FILE* out, bool terminal, const std::vector<std::string>& engines);

}  // namespace swlab::cli
