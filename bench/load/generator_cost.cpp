#include "load/generator_cost.h"

#include <algorithm>

#include "load/load_generator.h"
#include "load/null_engine.h"

namespace swlab {

GeneratorCost measure_generator_cost(ClockKind clock, double seconds) {
  // The cheapest of three short runs: a cost, measured on a machine whose other
  // threads (and the host's) come and go; single 50 ms runs read 19-43 ns on the same
  // VM within a minute.
  constexpr int kTries = 3;
  GeneratorCost best;
  for (int i = 0; i < kTries; ++i) {
    NullEngine engine;
    LoadConfig cfg;
    cfg.threads = 1;
    cfg.warmup_s = i == 0 ? 0.01 : 0;  // the first warms the caches and the branch predictors for all
    cfg.duration_s = seconds / kTries;
    cfg.clock = clock;
    cfg.workload.accounts = 10;
    const RunResult r = run_load(engine, cfg);
    if (r.served() == 0) continue;
    const double n = static_cast<double>(r.served());
    GeneratorCost c;
    c.ns_per_command = r.duration_s * 1e9 / n;
    c.in_latency_ns_per_command = std::max(0.0, r.duration_s * 1e9 - static_cast<double>(r.between_commands_ns)) / n;
    if (best.ns_per_command == 0 || c.in_latency_ns_per_command < best.in_latency_ns_per_command) best = c;
  }
  return best;
}

}  // namespace swlab
