// What an invocation measured: one RunRecord per run, and the set they form with the
// machine, the plan and the knee searches. The results writer turns a ResultsSet into
// files (results_writer.h); the console table and the live view read it too.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine_registry.h"
#include "load/generator_cost.h"
#include "load/load_config.h"
#include "load/run_result.h"
#include "measure/floor_probe.h"
#include "measure/hardware_counters.h"
#include "measure/machine_info.h"
#include "measure/placement_plan.h"
#include "measure/topology.h"
#include "run/run_plan.h"
#include "run/setting_value.h"

namespace swlab {

// How a set's floor probes split into placements (run/placement.h says the rule).
struct PlacementRule {
  static constexpr const char* kMethod = "two-means-log";
  static constexpr double kSeparation = 2.0;  // the upper mode's median over the lower's
  int modes = 1;
  int64_t near_max_ns = -1;  // the highest probe of the lower mode (-1: no probe at all)
  int64_t far_min_ns = -1;   // the lowest probe of the upper mode (-1: one mode)
};

struct RunRecord {
  std::string id;
  std::string engine;   // the spec as given
  ResolvedSpec spec;    // every option with its value: recorded as engine_config
  std::string preset;
  uint32_t repetition = 0;
  std::size_t order = 0;  // position in the order the runs were made
  LoadConfig load;        // the load generator's configuration of this run (threads, mode, rate, workload ...)
  std::map<std::string, SettingValue> extensions;  // RunPlan::extensions when it ran
  // Where its threads ran (measure/placement_plan.h): what the load generator pinned.
  PlacementPlan cpu_plan;
  bool floor_measured = false;
  FloorSample floor_before, floor_after;
  RunResult result;
  HardwareCounts counters;  // engine creation to shutdown, every thread of the run
  // A run that could not finish (an engine that could not be built, a journal on a
  // full disk, a broken invariant): kept beside the completed ones, with why.
  bool failed = false;
  std::string error;
  // Its placement in the set (run/placement.h): set when the set is complete.
  std::string placement = "unknown";

  uint32_t threads() const { return load.threads; }
  LoadMode mode() const { return load.mode; }

  // The floor moved by more than kUnstableFloorRatio between before and after: the
  // machine changed placement during the run (docs/methodology.md).
  static constexpr double kUnstableFloorRatio = 1.5;
  bool unstable_floor() const;
};

struct RateSweepStep {
  double rate;
  std::vector<std::string> run_ids;
  int64_t p99_ns;  // median over the repetitions
};

struct RateSweep {
  std::string engine;
  std::string preset;
  uint32_t threads = 1;
  int64_t p99_bound_ns = 0;
  double max_rate_under_bound = -1;  // < 0: no rate stayed under the bound
  std::vector<RateSweepStep> steps;
};

// One calibration measurement (--commands auto): an engine's throughput at a point.
struct CalibrationPoint {
  std::string preset;
  uint32_t threads = 1;
  std::string engine;
  double throughput = 0;
  uint64_t commands = 0;  // the N every engine at this point then ran
};

struct ResultsSet {
  MachineInfo machine;
  Topology topology;  // what the runs were planned against (measure/topology.h)
  MachineState state_start, state_end;
  std::string created;
  RunPlan plan;  // what the invocation was asked (recorded as `config`)
  std::string clock_source;
  double clock_overhead_ns = 0;
  GeneratorCost generator;
  double calibration_target_s = 0;  // > 0: --commands auto
  std::vector<CalibrationPoint> calibration;
  std::vector<RunRecord> runs;      // canonical order (see RunRecord::order)
  std::vector<RateSweep> sweeps;
  bool interrupted = false;
  PlacementRule placement;  // how the set's floor probes split (run/placement.h)
};

// "<engine>.<preset>.<mode>.t<threads>.w<window>[.rate<r>][.c<connections>].r<rep>":
// unique for every configuration an invocation can hold (a rate keeps every digit).
std::string run_id(const RunRecord& r);

}  // namespace swlab
