// The engine's end-to-end round trip as `swlab run` measures it: one client, closed
// loop, one request in flight, the preset's commands, the run's clock, its threads
// placed as a run places them by default, through the load generator
// (load/load_generator.h), so the figure is the one a run records.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "budget/latency_budget.h"
#include "engine/engine.h"
#include "engine/engine_config.h"
#include "load/load_config.h"

namespace swlab {

struct EndToEnd {
  Quantiles round_trip;
  uint64_t commands = 0;
  bool interrupted = false;
  std::string error;  // non-empty: no figure (a spec that does not resolve, a failed run)
};

// The engine of `spec` over `markets` markets, as a run makes it; null, with `error` set,
// when the spec does not resolve or the engine cannot be made.
std::unique_ptr<Engine> make_engine(const std::string& spec, uint32_t markets, std::string* error);

// `lc` with one client and `engine`'s threads placed as swlab run places them by default
// (--placement auto, this machine's topology); unchanged where the topology cannot be read.
LoadConfig placed_as_a_run(const LoadConfig& lc, const Engine& engine);

EndToEnd measure_end_to_end(const std::string& spec, const WorkloadSpec& workload, ClockKind clock, double seconds,
                            const std::atomic<bool>* stop);

}  // namespace swlab
