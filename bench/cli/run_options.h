// Flags shared by `swlab run` and `swlab sweep`, parsed and checked before any
// work starts.
#pragma once

#include <string>
#include <vector>

#include "engine/engine_registry.h"
#include "load_generator.h"
#include "workload.h"

namespace swlab::cli {

enum class RunOrder { kRandom, kInterleaved, kBlocked };
std::string_view to_string(RunOrder o);

struct RunPlan {
  std::vector<std::string> engines;
  std::vector<uint32_t> threads;
  std::vector<std::string> presets;
  std::vector<double> rates;      // open loop
  uint32_t repetitions = 1;
  RunOrder order = RunOrder::kRandom;
  uint64_t order_seed = 0;        // 0: the workload seed
  LoadConfig base;                // mode, window, work, seed, cpus, interval ...
  EngineConfig engine_config;
  // Fixed work chosen by a calibration pass (--commands auto): every engine at a
  // point (preset, threads, rate) runs the same N, the slowest for about target_s.
  bool commands_auto = false;
  double target_s = 1.0;
  bool warmup_commands_given = false;
  // Workload overrides applied on top of each preset (negative / empty: keep).
  int64_t markets = -1;
  double zipf = -1;
  int64_t accounts = -1;
  double probe_s = 0.2;           // the floor probe before and after each run; 0: off
  std::string out_dir;            // empty: results/<date>.<cpu>.<cores>c.<commit>.<time>
  bool force = false;             // --out may exist: it is cleared first
  std::string label;
  bool quiet = false;
  bool live = false;              // --live: the live view on stdout (bench/cli/live_view.h)
  // Rate sweep (open loop): step the rate from rate_start by rate_factor until p99
  // passes the bound.
  double knee_p99_us = 0;         // 0: no knee search
  double rate_start = 10'000;
  double rate_factor = 2.0;
  uint32_t max_steps = 12;
  std::string command_line;
  // Journal (engines that journal): each run journals into <journal>/<run id>/.
  std::string journal;
  std::string ack_log;  // crash test: acknowledged sequence numbers, per client
  // --from FILE --run ID: re-run exactly one recorded run.
  std::string from_file, from_run;
};

// The workload of one preset with the plan's overrides applied.
WorkloadSpec workload_for(const RunPlan& plan, const std::string& preset);

// Parses args into *plan. On a problem prints one line naming the flag and returns
// kExitUsage; on --help prints the help and returns kExitOk; otherwise -1.
int parse_run_plan(const std::string& cmd, const std::vector<std::string>& args, RunPlan* plan);

// Runs the plan, prints the console table, writes the results files.
int execute_plan(const std::string& cmd, RunPlan& plan);

}  // namespace swlab::cli
