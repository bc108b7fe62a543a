#include "run/thread_placement.h"

#include <sched.h>

namespace swlab {

uint32_t engine_threads_of(const ResolvedSpec& spec) {
  ResolvedSpec quiet = spec;
  quiet.config.persistence.dir.clear();
  std::string why;
  auto engine = EngineRegistry::instance().create(quiet, &why);
  if (!engine) return 0;  // the run itself reports why
  const uint32_t n = engine->worker_threads();
  engine->shutdown();
  return n;
}

PlacementPlan plan_threads(const RunPlan& plan, const Topology& topology, uint32_t engine_threads, uint32_t clients) {
  PlacementRequest request;
  request.policy = plan.placement;
  request.engine_threads = engine_threads;
  request.clients = clients;
  request.engine_cpus = plan.base.engine_cpus;
  request.client_cpus = plan.base.client_cpus;  // --pin wrote every allowed CPU here
  return plan_placement(topology, request);
}

LoadConfig pinned_load(const LoadConfig& load, const PlacementPlan& plan) {
  LoadConfig pinned = load;
  pinned.engine_cpus = plan.engine_cpus();
  pinned.client_cpus = plan.client_cpus();
  return pinned;
}

std::string unusable_cpu(const Topology& topology) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return {};
  for (const TopologyCpu& c : topology.cpus)
    if (c.cpu < 0 || c.cpu >= CPU_SETSIZE || !CPU_ISSET(c.cpu, &allowed))
      return "it names CPU " + std::to_string(c.cpu) + ", which this process cannot run on";
  return {};
}

}  // namespace swlab
