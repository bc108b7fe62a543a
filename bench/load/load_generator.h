// The load generator: N client threads drive one engine with their deterministic
// command streams, closed or open loop, and record latency in per-thread HDR
// histograms that are merged after the run (no shared writes while measuring).
//
// Service mode: M logical connections, each a closed-loop client with its own
// stream, served by N worker threads, each running one event loop over its share of
// the connections (docs/methodology.md, "The service shape").
//
// Work: either a duration (the measured part lasts duration_s after a warm-up of
// warmup_s) or a fixed amount (`max_commands`, split evenly over the clients, after
// `warmup_commands` split the same way). With fixed work every engine processes
// exactly the same commands: each client runs the same prefix of its own stream.
//
// Every run also records its latency over time: per `interval_ns` of the measured
// part, the commands completed, their p50, p99 and max, and the process's context
// switches (docs/methodology.md, "Latency over time").
#pragma once

#include <vector>

#include "engine/engine.h"
#include "load/generator_cost.h"
#include "load/load_config.h"
#include "load/run_result.h"

namespace swlab {

// Funds the accounts (outside any measurement), runs the clients, then checks the
// invariants and counts replies against commands sent.
RunResult run_load(Engine& engine, const LoadConfig& config);

// Pins the engine's own threads, thread j to cpus[j % size] (none: leaves them); run_load
// does it with config.engine_cpus.
void pin_engine_threads(Engine& engine, const std::vector<int>& cpus);

}  // namespace swlab
