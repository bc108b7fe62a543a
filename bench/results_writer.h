// Writes a set of runs as results.json, summary.csv and one .hgrm per run
// (docs/results-format.md). Every file is written with durable_write_file
// (engines/persistence/file_io.h: a temporary name, synced, renamed), results.json
// last, so an interrupted run never leaves a file that looks complete.
#pragma once

#include <string>
#include <vector>

#include "engine/engine_registry.h"
#include "load_generator.h"
#include "machine_info.h"

namespace swlab {

struct RunRecord {
  std::string id;
  std::string engine;
  std::string preset;
  uint32_t threads = 1;
  LoadMode mode = LoadMode::kClosed;
  double rate = 0;
  uint32_t window = 1;
  uint32_t repetition = 0;
  RunResult result;
};

struct RateSweepStep {
  double rate;
  std::string run_id;
  int64_t p99_ns;
};

struct RateSweep {
  std::string engine;
  std::string preset;
  uint32_t threads = 1;
  int64_t p99_bound_ns = 0;
  double max_rate_under_bound = -1;  // < 0: no rate stayed under the bound
  std::vector<RateSweepStep> steps;
};

struct ResultsSet {
  MachineInfo machine;
  std::string created;
  std::string command;
  std::string clock_source;
  double clock_overhead_ns = 0;
  std::vector<std::string> engines;
  std::vector<std::string> presets;
  std::vector<uint32_t> threads;
  std::vector<double> rates;
  uint32_t repetitions = 1;
  LoadConfig base;  // mode, window, duration, warm-up, seed, pin, workload of the first preset
  EngineConfig engine_config;
  std::vector<RunRecord> runs;
  std::vector<RateSweep> sweeps;
};

std::string run_id(const RunRecord& r);

// Returns an empty string on success, else what failed (the directory is then left
// without results.json).
std::string write_results(const ResultsSet& set, const std::string& dir);

std::string to_json(const ResultsSet& set);

}  // namespace swlab
