#include "budget/end_to_end.h"

#include <memory>

#include "engine/engine_registry.h"
#include "load/load_generator.h"
#include "run/run_plan.h"
#include "run/thread_placement.h"

namespace swlab {

std::unique_ptr<Engine> make_engine(const std::string& spec, uint32_t markets, std::string* error) {
  EngineConfig ec;
  ec.markets = markets;
  ResolvedSpec resolved;
  if (!EngineRegistry::instance().resolve(spec, ec, &resolved, error)) return nullptr;
  return EngineRegistry::instance().create(resolved, error);
}

LoadConfig placed_as_a_run(const LoadConfig& lc, const Engine& engine) {
  Topology topology;
  std::string why;
  if (!load_topology("", &topology, &why)) return lc;
  return pinned_load(lc, plan_threads(RunPlan{}, topology, engine.worker_threads(), 1));
}

EndToEnd measure_end_to_end(const std::string& spec, const WorkloadSpec& workload, ClockKind clock, double seconds,
                            const std::atomic<bool>* stop) {
  EndToEnd e;
  std::unique_ptr<Engine> engine = make_engine(spec, workload.markets, &e.error);
  if (!engine) return e;
  LoadConfig lc;
  lc.threads = 1;
  lc.mode = LoadMode::kClosed;
  lc.window = 1;
  lc.duration_s = seconds;
  lc.warmup_s = std::min(0.25, seconds / 4);
  lc.clock = clock;
  lc.workload = workload;
  lc.stop = stop;
  if (e.error = validate(lc, *engine); !e.error.empty()) return e;
  const RunResult r = run_load(*engine, placed_as_a_run(lc, *engine));
  engine->shutdown();
  if (!r.failure.empty()) {
    e.error = r.failure;
    return e;
  }
  e.commands = r.completed;
  e.interrupted = r.interrupted;
  e.round_trip.p50_ns = static_cast<double>(r.latency.value_at_percentile(50));
  e.round_trip.p999_ns = static_cast<double>(r.latency.value_at_percentile(99.9));
  return e;
}

}  // namespace swlab
