#include "cli.h"
#include "run_options.h"

namespace swlab::cli {

int cmd_run(const std::vector<std::string>& args) {
  RunPlan plan;
  // The default comparison: every engine, balanced preset, a few thread counts, the
  // same fixed work for every engine at a point (calibrated so the slowest runs
  // about 0.65 s; seven engines): about 20-30 s on a 2-core machine.
  plan.engines = EngineRegistry::instance().names();
  plan.threads = {1, 2, 4};
  plan.presets = {"balanced"};
  plan.commands_auto = true;
  plan.target_s = 0.65;
  plan.base.duration_s = 1.0;
  plan.base.warmup_s = 0.25;
  if (int rc = parse_run_plan("run", args, &plan); rc >= 0) return rc;
  return execute_plan("run", plan);
}

int cmd_sweep(const std::vector<std::string>& args) {
  RunPlan plan;
  // Repetitions in random order; about 40 s on 2 cores by default. The reference
  // sweeps (scripts/reference.sh) ask for more: 5 repetitions, 1 s per run.
  plan.engines = EngineRegistry::instance().names();
  plan.threads = {1, 2, 4};
  plan.presets = {"balanced"};
  plan.repetitions = 3;
  plan.commands_auto = true;
  plan.target_s = 0.43;  // seven engines: the same total as six at 0.5
  plan.base.duration_s = 1.0;
  plan.base.warmup_s = 0.25;
  if (int rc = parse_run_plan("sweep", args, &plan); rc >= 0) return rc;
  return execute_plan("sweep", plan);
}

}  // namespace swlab::cli
