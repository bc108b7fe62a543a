// What a results file records about where it was measured.
#pragma once

#include <string>

namespace swlab {

struct MachineInfo {
  std::string hostname;
  std::string cpu_model;
  int logical_cpus = 0;
  std::string kernel;
  std::string compiler;
  std::string build_type;
  std::string build_flags;
  std::string git_commit;
  std::string label;
};

MachineInfo collect_machine_info(const std::string& label);

// "<date>.<cpu>.<cores>c.<commit>": the directory name of a results set, after
// atomic_queue's convention; the CPU model is shortened to a safe token.
std::string results_dir_name(const MachineInfo& m);

// UTC now, ISO 8601.
std::string utc_timestamp();

}  // namespace swlab
