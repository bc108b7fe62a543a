// Which runs an invocation makes, and in which order.
//
// Repetitions of one configuration run back to back measure one moment of the
// machine several times; on a machine whose floor moves (a VM whose vCPUs the host
// places near or far) a change of placement then lands on one configuration's
// repetitions and reads as a difference between engines. Spreading the repetitions
// over the invocation turns that drift into spread that every configuration
// shares. So the default order is random (seeded, recorded); `interleaved` runs every
// configuration once per round; `blocked` keeps the repetitions together.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/run_options.h"

namespace swlab::cli {

struct RunPoint {
  std::string preset;
  std::string engine;
  uint32_t threads = 1;
  double rate = 0;          // open loop
  uint32_t repetition = 0;
  uint64_t commands = 0;    // fixed work: measured commands (0: duration)
  uint64_t warmup_commands = 0;
  std::size_t config = 0;   // index of the configuration (all but the repetition)
};

// Every run of a plan without a knee search, in canonical order (preset, engine,
// threads, rate, repetition), commands not yet set.
std::vector<RunPoint> plan_runs(const RunPlan& plan);
// The order to run them in: a permutation of [0, runs.size()).
std::vector<std::size_t> run_order(const std::vector<RunPoint>& runs, RunOrder order, uint64_t seed);

}  // namespace swlab::cli
