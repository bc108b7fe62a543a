// Writes a set of runs as results.json, summary.csv and one .hgrm per run
// (docs/results-format.md). Every file is written with durable_write_file
// (engines/persistence/file_io.h: a temporary name, synced, renamed), results.json
// last, so an interrupted run never leaves a file that looks complete.
#pragma once

#include <string>
#include <vector>

#include "engine/engine_registry.h"
#include "floor_probe.h"
#include "hardware_counters.h"
#include "load_generator.h"
#include "machine_info.h"

namespace swlab {

inline constexpr int kResultsVersion = 2;

struct RunRecord {
  std::string id;
  std::string engine;   // the spec as given
  ResolvedSpec spec;    // every option with its value: recorded as engine_config
  std::string preset;
  WorkloadSpec workload;
  uint32_t threads = 1;
  LoadMode mode = LoadMode::kClosed;
  double rate = 0;
  uint32_t window = 1;
  uint32_t repetition = 0;
  std::size_t order = 0;  // position in the order the runs were made
  LoadConfig load;        // the load generator's configuration of this run
  bool floor_measured = false;
  FloorSample floor_before, floor_after;
  RunResult result;
  HardwareCounts counters;  // engine creation to shutdown, every thread of the run

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
  MachineState state_start, state_end;
  std::string created;
  std::string command;
  std::string clock_source;
  double clock_overhead_ns = 0;
  GeneratorCost generator;
  std::vector<std::string> engines;
  std::vector<std::string> presets;
  std::vector<uint32_t> threads;
  std::vector<double> rates;
  uint32_t repetitions = 1;
  std::string order;
  uint64_t order_seed = 0;
  LoadConfig base;  // mode, window, work, seed of the invocation
  EngineConfig engine_config;
  double calibration_target_s = 0;  // > 0: --commands auto
  std::vector<CalibrationPoint> calibration;
  std::vector<RunRecord> runs;      // canonical order (see RunRecord::order)
  std::vector<RateSweep> sweeps;
  bool interrupted = false;
};

std::string run_id(const RunRecord& r);

// Returns an empty string on success, else what failed (the directory is then left
// without results.json).
std::string write_results(const ResultsSet& set, const std::string& dir);

std::string to_json(const ResultsSet& set);

}  // namespace swlab
