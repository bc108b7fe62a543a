#include <cstdio>

#include "cli/cli.h"
#include "cli/flags.h"
#include "measure/hardware_counters.h"
#include "measure/machine_info.h"

namespace swlab::cli {

int cmd_machine(const std::vector<std::string>& args) {
  Flags f("machine", "",
          "Prints what results files record about this machine and build, and the\n"
          "default results directory name (results/<date>.<cpu>.<cores>c.<commit>).");
  if (int rc = f.parse(args); rc >= 0) return rc;
  MachineInfo m = collect_machine_info("");
  std::printf("hostname     %s\ncpu_model    %s\nlogical_cpus %d\nkernel       %s\ncompiler     %s\n"
              "build_type   %s\nbuild_flags  %s\ngit_commit   %s%s\nresults_dir  results/%s\n",
              m.hostname.c_str(), m.cpu_model.c_str(), m.logical_cpus, m.kernel.c_str(), m.compiler.c_str(),
              m.build_type.c_str(), m.build_flags.c_str(), m.git_commit.c_str(), m.git_dirty ? " (dirty)" : "",
              results_dir_name(m).c_str());
  const HardwareCounts c = probe_hardware_counters();
  std::printf("hw_counters  %s\n", c.exposed ? (c.user_only ? "exposed (user space only)" : "exposed")
                                             : ("not exposed: " + c.why).c_str());
  return kExitOk;
}

}  // namespace swlab::cli
