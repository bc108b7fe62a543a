// `swlab run` and `swlab sweep`: the flags (one per run setting, bench/run/run_setting.h),
// the checks across settings that no single flag can make, and the plan they give.
// Everything is checked before any work starts.
#pragma once

#include <string>
#include <vector>

#include "load/workload.h"
#include "run/run_plan.h"

namespace swlab::cli {

// The plan `swlab run` (or `sweep`) starts from before its flags: every engine,
// the balanced preset, 1, 2 and 4 clients, fixed work calibrated so that the slowest
// engine runs about `target_s`, `repetitions` of each.
RunPlan default_plan(const std::string& cmd);

// The workload of one preset with the plan's overrides applied.
WorkloadSpec workload_for(const RunPlan& plan, const std::string& preset);

// Parses args into *plan. On a problem prints one line naming the flag and returns
// kExitUsage; on --help prints the help and returns kExitOk; otherwise -1.
int parse_run_plan(const std::string& cmd, const std::vector<std::string>& args, RunPlan* plan);

// Runs the plan, prints the console table, writes the results files.
int execute_plan(const std::string& cmd, RunPlan& plan);

}  // namespace swlab::cli
