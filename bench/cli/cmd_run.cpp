#include "cli.h"
#include "run_options.h"

namespace swlab::cli {

int cmd_run(const std::vector<std::string>& args) {
  RunPlan plan;
  // The default comparison: every engine, balanced preset, a few thread counts,
  // about 20 s on a 2-core machine.
  plan.engines = EngineRegistry::instance().names();
  plan.threads = {1, 2, 4};
  plan.presets = {"balanced"};
  plan.base.duration_s = 1.0;
  plan.base.warmup_s = 0.25;
  if (int rc = parse_run_plan("run", args, &plan); rc >= 0) return rc;
  return execute_plan("run", plan);
}

int cmd_sweep(const std::vector<std::string>& args) {
  RunPlan plan;
  plan.engines = EngineRegistry::instance().names();
  plan.threads = {1, 2, 4, 8};
  plan.presets = {"balanced"};
  plan.repetitions = 3;
  plan.base.duration_s = 1.0;
  plan.base.warmup_s = 0.25;
  if (int rc = parse_run_plan("sweep", args, &plan); rc >= 0) return rc;
  return execute_plan("sweep", plan);
}

}  // namespace swlab::cli
