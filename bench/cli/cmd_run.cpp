#include "cli/cli.h"
#include "cli/run_options.h"

namespace swlab::cli {

namespace {

int run_command(const std::string& name, const std::vector<std::string>& args) {
  RunPlan plan = default_plan(name);
  if (int rc = parse_run_plan(name, args, &plan); rc >= 0) return rc;
  return execute_plan(name, plan);
}

}  // namespace

int cmd_run(const std::vector<std::string>& args) { return run_command("run", args); }
int cmd_sweep(const std::vector<std::string>& args) { return run_command("sweep", args); }

}  // namespace swlab::cli
