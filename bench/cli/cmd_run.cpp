#include "cli.h"
#include "run_options.h"

namespace swlab::cli {

namespace {

// The default comparison both commands start from: every engine, balanced preset,
// 1, 2 and 4 clients, the same fixed work for every engine at a point, calibrated so
// the slowest engine runs about `target_s`.
RunPlan default_plan(double target_s, uint32_t repetitions) {
  RunPlan plan;
  plan.engines = EngineRegistry::instance().names();
  plan.threads = {1, 2, 4};
  plan.presets = {"balanced"};
  plan.repetitions = repetitions;
  plan.commands_auto = true;
  plan.target_s = target_s;
  plan.base.duration_s = 1.0;
  plan.base.warmup_s = 0.25;
  return plan;
}

int run_command(const char* name, RunPlan plan, const std::vector<std::string>& args) {
  if (int rc = parse_run_plan(name, args, &plan); rc >= 0) return rc;
  return execute_plan(name, plan);
}

}  // namespace

// One run per point, about 0.65 s for the slowest of seven engines: 20-30 s on 2
// cores.
int cmd_run(const std::vector<std::string>& args) { return run_command("run", default_plan(0.65, 1), args); }

// Repetitions in random order, 0.43 s a run (seven engines: the same total as six
// at 0.5): about 40 s on 2 cores. The reference sweeps (scripts/reference.sh) ask for
// more: 5 repetitions and more clients.
int cmd_sweep(const std::vector<std::string>& args) { return run_command("sweep", default_plan(0.43, 3), args); }

}  // namespace swlab::cli
