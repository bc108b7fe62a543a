// What one `swlab run` or `swlab sweep` invocation was asked to do: the axes it sweeps
// (engines x threads x presets x rates), how the runs are ordered and repeated, and the
// load every run shares. Every field here is set through a run setting (run_setting.h),
// which is where each is named, limited, documented and recorded; nothing else writes
// a plan but the defaults a command starts from.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/enum_names.h"
#include "engine/engine_config.h"
#include "load/load_config.h"
#include "measure/placement_plan.h"
#include "run/setting_value.h"

namespace swlab {

enum class RunOrder { kRandom, kInterleaved, kBlocked };
inline constexpr EnumName<RunOrder> kRunOrderNames[] = {
    {RunOrder::kRandom, "random"},
    {RunOrder::kInterleaved, "interleaved"},
    {RunOrder::kBlocked, "blocked"},
};

struct RunPlan {
  // The axes: every combination is one configuration, run `repetitions` times.
  std::vector<std::string> engines;
  std::vector<uint32_t> threads;  // service mode: workers
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
  // Workload overrides applied on top of each preset (negative: the preset's).
  int64_t markets = -1;
  double zipf = -1;
  int64_t accounts = -1;
  double probe_s = 0.2;           // the floor probe before and after each run; 0: off
  std::string out_dir;            // empty: results/<date>.<cpu>.<cores>c.<commit>.<time>
  bool force = false;             // --out may exist: it is cleared first
  std::string label;
  bool quiet = false;
  bool live = false;              // --live: the live view on stdout (bench/cli/live_view.h)
  bool pin = false;               // --pin: client i on CPU i mod the CPUs allowed
  // Where each run's threads go (measure/placement_plan.h), planned against the
  // machine's topology or the one --topology names; --plan prints the plans and stops.
  PlacementPolicy placement = PlacementPolicy::kAuto;
  std::string topology;
  bool show_plan = false;
  // Rate sweep (open loop): step the rate from rate_start by rate_factor until p99
  // passes the bound.
  double knee_p99_us = 0;         // 0: no knee search
  double rate_start = 10'000;
  double rate_factor = 2.0;
  uint32_t max_steps = 12;
  // Journal (engines that journal): each run journals into <journal>/<run id>/.
  std::string journal;
  std::string ack_log;  // crash test: acknowledged sequence numbers, per client
  // --from FILE --run ID: re-run exactly one recorded run.
  std::string from_file, from_run;
  std::string command_line;
  // Settings that no code in the run path reads by name (a test's, a lab's): each
  // stores its value here under its name and is recorded like any other.
  std::map<std::string, SettingValue> extensions;

  bool fixed_work() const { return commands_auto || base.max_commands > 0; }
};

}  // namespace swlab
