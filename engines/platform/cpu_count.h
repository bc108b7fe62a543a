// The CPUs this process may run on: its affinity mask (what taskset or a cgroup
// cpuset leaves it), not the machine's total, because that is what threads compete
// for. Used to pick defaults that fit the machine (the sharded engines' shard count).
#pragma once

#include <sched.h>
#include <unistd.h>

namespace swlab {

inline int usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? static_cast<int>(online) : 1;
}

}  // namespace swlab
