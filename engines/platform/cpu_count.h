// The CPUs this process may run on: its affinity mask (what taskset or a cgroup
// cpuset leaves it), not the machine's total, because that is what threads compete
// for. Used to pick defaults that fit the machine (the sharded engines' shard count)
// and to decide whether spinning can pay (spin_budget.h).
#pragma once

#include <sched.h>
#include <unistd.h>

namespace swlab {

namespace cpu_count_detail {

// The calling thread's mask: sched_getaffinity(0) is per thread on Linux.
inline int affinity_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? static_cast<int>(online) : 1;
}

// Read once, while the process loads, on the thread that loads it: before main() has
// pinned anything. Read later, from a thread that a run, a probe or a benchmark had
// pinned to one CPU, the mask says 1, and the spin decision cached from it turned every
// spin in the process off (a spinning engine's round trip in bm_round_trip_shapes went
// from 0.2 to 1.3 us that way). A mask narrowed by taskset before the start still counts.
inline const int kAtLoad = affinity_cpus();

}  // namespace cpu_count_detail

inline int usable_cpus() {
  // 0 only for a caller in another file's static initialisation, before ours ran.
  const int n = cpu_count_detail::kAtLoad;
  return n > 0 ? n : cpu_count_detail::affinity_cpus();
}

}  // namespace swlab
