// What a results file records about where it was measured.
#pragma once

#include <cstdint>
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
  bool git_dirty = false;  // the tree had uncommitted changes when the binary was built or run
  std::string label;
  // Simultaneous multithreading: on (1), off (0), or not known (-1): two runs on one
  // machine with SMT on and off are different experiments (a client on the engine's
  // sibling shares its core).
  int smt = -1;
};

MachineInfo collect_machine_info(const std::string& label);

// What the machine was doing at one moment: recorded at the start and the end of
// every invocation, so a reader can tell a quiet machine from a busy one, and a
// virtual machine whose host took time away (steal) from one that kept its CPUs.
struct MachineState {
  std::string time;                      // UTC, ISO 8601
  double loadavg[3] = {0, 0, 0};         // /proc/loadavg: 1, 5, 15 minutes
  // /proc/stat "cpu" line, all CPUs, in clock ticks since boot.
  uint64_t total_ticks = 0;
  uint64_t steal_ticks = 0;
  bool ok = false;  // /proc could be read
};
MachineState sample_machine_state();
// The share of CPU time the host took from this machine between two samples (0..1);
// negative when it cannot be told.
double steal_fraction(const MachineState& from, const MachineState& to);

// "<date>.<cpu>.<cores>c.smt<0|1>.<compiler>.<commit>": the directory name of a
// results set, after atomic_queue's convention (its results carry the CPU, SMT and
// the compiler); the CPU model and compiler are shortened to safe tokens.
std::string results_dir_name(const MachineInfo& m);

// UTC now, ISO 8601.
std::string utc_timestamp();

}  // namespace swlab
