// A run's placement plan from its settings: the policy and the explicit CPU lists of
// the plan (--placement, --engine-cpus, --client-cpus, --pin), the engine's own thread
// count and the run's clients, against the topology (measure/placement_plan.h).
#pragma once

#include <cstdint>
#include <string>

#include "engine/engine_registry.h"
#include "load/load_config.h"
#include "measure/placement_plan.h"
#include "measure/topology.h"
#include "run/run_plan.h"

namespace swlab {

// How many threads of its own the engine a spec describes runs: asked of the engine
// itself, built without its journal and shut down again (the sharded engines' count
// is decided when they are resolved; a lab's engine says its own).
uint32_t engine_threads_of(const ResolvedSpec& spec);

PlacementPlan plan_threads(const RunPlan& plan, const Topology& topology, uint32_t engine_threads, uint32_t clients);

// The load with the plan's CPUs: what the load generator pins.
LoadConfig pinned_load(const LoadConfig& load, const PlacementPlan& plan);

// Empty, or the first CPU of the plan this process cannot run on (a topology that is
// not this machine's), named.
std::string unusable_cpu(const Topology& topology);

}  // namespace swlab
