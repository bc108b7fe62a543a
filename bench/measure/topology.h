// Where the CPUs of a machine sit relative to each other, from hwloc: packages
// (sockets), NUMA nodes, L3 domains (the cores behind one last-level cache: a core
// complex on AMD, a whole socket on most Intel parts) and cores with their SMT
// siblings. A request/reply between two cores of one L3 domain moves its lines through
// that cache; across domains, or across packages, it crosses the fabric and costs
// 3-5x more (docs/methodology.md, "Placement"), so where the engine thread and the
// clients run decides what a run measures.
//
// The same description is loaded from the machine, from an XML export of another one
// (`lstopo machine.xml` there) or from hwloc's synthetic notation
// ("package:2 l3:4 core:8 pu:2"), so placement can be planned and tested for a machine
// that is not this one.
#pragma once

#include <string>
#include <vector>

namespace swlab {

// One logical CPU (an SMT hardware thread, hwloc's PU) and where it sits. `cpu` is the
// operating system's number (what taskset and sched_setaffinity take); the others are
// hwloc's logical indexes, dense from 0 in the machine's physical order.
struct TopologyCpu {
  int cpu = -1;
  int core = 0;
  int l3 = 0;  // the L3 domain; the package when the machine reports no L3 cache
  int node = 0;
  int package = 0;
};

struct Topology {
  // "this machine", "synthetic" or "xml"; spec is the description or the file.
  std::string source;
  std::string spec;
  std::string hwloc_version;
  // False when no L3 cache was reported (many VMs): each package is then one domain,
  // which is all that can be said.
  bool l3_from_caches = false;
  // In hwloc's logical order: the PUs of a core, the cores of a domain, the domains of
  // a package are adjacent. On this machine, only the CPUs this process may use.
  std::vector<TopologyCpu> cpus;
  int packages = 0, numa_nodes = 0, l3_domains = 0, cores = 0;

  int pus() const { return static_cast<int>(cpus.size()); }
  bool smt() const { return pus() > cores; }
  bool this_machine() const { return spec.empty(); }
  // The CPU with OS number `cpu`, or null.
  const TopologyCpu* find(int cpu) const;
  // "1 package, 1 NUMA node, 1 L3 domain, 2 cores, 2 CPUs (no SMT)".
  std::string summary() const;
  // "this machine (hwloc 2.9.0)", "synthetic 'package:2 ...'", "XML file m.xml".
  std::string origin() const;
};

// spec empty: this machine. A path to an existing file: an XML export. Anything else: a
// synthetic description. False with *error (one line, naming the spec) when hwloc
// cannot use it or it describes no CPU.
bool load_topology(const std::string& spec, Topology* out, std::string* error);

// "0-3,8,10-11": a CPU list as taskset and --client-cpus write it.
std::string cpu_ranges(std::vector<int> cpus);

}  // namespace swlab
