#include "measure/topology.h"

#include <hwloc.h>
#include <sched.h>
#include <sys/stat.h>

#include <algorithm>
#include <memory>
#include <set>

namespace swlab {

namespace {

using TopologyHandle = std::unique_ptr<hwloc_topology, decltype(&hwloc_topology_destroy)>;

int logical_ancestor(hwloc_topology_t t, hwloc_obj_type_t type, hwloc_obj_t pu, int otherwise) {
  hwloc_obj_t a = hwloc_get_ancestor_obj_by_type(t, type, pu);
  return a ? static_cast<int>(a->logical_index) : otherwise;
}

// The NUMA node whose CPUs include this one (memory hangs off the tree in hwloc 2, so
// it is no ancestor). A CPU listed under several (a node of HBM beside DRAM): the first.
int numa_node_of(hwloc_topology_t t, hwloc_obj_t pu) {
  const int n = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE);
  for (int i = 0; i < n; ++i) {
    hwloc_obj_t node = hwloc_get_obj_by_type(t, HWLOC_OBJ_NUMANODE, static_cast<unsigned>(i));
    if (node->cpuset && hwloc_bitmap_isset(node->cpuset, pu->os_index)) return static_cast<int>(node->logical_index);
  }
  return 0;
}

// On this machine only the CPUs this process may run on (taskset, a container's
// cpuset): a plan must never name one it cannot pin to.
bool usable_here(const Topology& t, int cpu, const cpu_set_t& allowed) {
  return !t.this_machine() || (cpu >= 0 && cpu < CPU_SETSIZE && CPU_ISSET(cpu, &allowed));
}

void read_cpus(hwloc_topology_t t, Topology* out) {
  const bool have_cores = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE) > 0;
  out->l3_from_caches = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_L3CACHE) > 0;
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (out->this_machine() && sched_getaffinity(0, sizeof allowed, &allowed) != 0)
    for (int c = 0; c < CPU_SETSIZE; ++c) CPU_SET(c, &allowed);
  const int n = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
  for (int i = 0; i < n; ++i) {
    hwloc_obj_t pu = hwloc_get_obj_by_type(t, HWLOC_OBJ_PU, static_cast<unsigned>(i));
    TopologyCpu c;
    c.cpu = static_cast<int>(pu->os_index);
    if (!usable_here(*out, c.cpu, allowed)) continue;
    // Without core objects (a synthetic "package:1 pu:4") every PU is its own core.
    c.core = have_cores ? logical_ancestor(t, HWLOC_OBJ_CORE, pu, 0) : static_cast<int>(pu->logical_index);
    c.package = logical_ancestor(t, HWLOC_OBJ_PACKAGE, pu, 0);
    c.l3 = out->l3_from_caches ? logical_ancestor(t, HWLOC_OBJ_L3CACHE, pu, c.package) : c.package;
    c.node = numa_node_of(t, pu);
    out->cpus.push_back(c);
  }
  std::set<int> packages, nodes, l3s, cores;
  for (const TopologyCpu& c : out->cpus) {
    packages.insert(c.package);
    nodes.insert(c.node);
    l3s.insert(c.l3);
    cores.insert(c.core);
  }
  out->packages = static_cast<int>(packages.size());
  out->numa_nodes = static_cast<int>(nodes.size());
  out->l3_domains = static_cast<int>(l3s.size());
  out->cores = static_cast<int>(cores.size());
}

// This machine when hwloc cannot describe it: every CPU this process may use, each its
// own core, all in one domain. Plans still give each thread a CPU; nothing can be said
// about near and far.
void flat_topology(Topology* out, const std::string& why) {
  out->cpus.clear();
  out->hwloc_version += ", which failed (" + why + "): every CPU taken as its own core";
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) CPU_SET(0, &allowed);
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &allowed)) out->cpus.push_back({c, c, 0, 0, 0});
  out->packages = out->numa_nodes = out->l3_domains = 1;
  out->cores = out->pus();
}

std::string plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

const TopologyCpu* Topology::find(int cpu) const {
  for (const TopologyCpu& c : cpus)
    if (c.cpu == cpu) return &c;
  return nullptr;
}

std::string Topology::summary() const {
  std::string s = plural(packages, "package", "packages") + ", " + plural(numa_nodes, "NUMA node", "NUMA nodes") +
                  ", " + plural(l3_domains, "L3 domain", "L3 domains") + (l3_from_caches ? "" : " (no L3 reported: one per package)") +
                  ", " + plural(cores, "core", "cores") + ", " + plural(pus(), "CPU", "CPUs");
  if (cores > 0 && smt()) return s + " (SMT " + std::to_string(pus() / cores) + ")";
  return s + " (no SMT)";
}

std::string Topology::origin() const {
  if (source == "synthetic") return "synthetic '" + spec + "'";
  if (source == "xml") return "XML file " + spec;
  return "this machine (" + hwloc_version + ")";
}

bool load_topology(const std::string& spec, Topology* out, std::string* error) {
  *out = Topology{};
  out->spec = spec;
  out->source = "this machine";
  const unsigned api = hwloc_get_api_version();
  out->hwloc_version = "hwloc API " + std::to_string(api >> 16) + "." + std::to_string((api >> 8) & 0xff);
  hwloc_topology_t raw = nullptr;
  if (hwloc_topology_init(&raw) != 0) {
    if (spec.empty()) {
      flat_topology(out, "it could not start");
      return true;
    }
    *error = "hwloc could not start";
    return false;
  }
  TopologyHandle t(raw, hwloc_topology_destroy);
  struct stat st {};
  if (!spec.empty() && stat(spec.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    out->source = "xml";
    if (hwloc_topology_set_xml(raw, spec.c_str()) != 0) {
      *error = "'" + spec + "': hwloc cannot read it as an XML topology";
      return false;
    }
  } else if (!spec.empty()) {
    out->source = "synthetic";
    if (hwloc_topology_set_synthetic(raw, spec.c_str()) != 0) {
      *error = "'" + spec + "' is neither a file (an XML export: lstopo m.xml) nor a synthetic description "
               "hwloc accepts (e.g. 'package:2 l3:4 core:8 pu:2')";
      return false;
    }
  }
  if (hwloc_topology_load(raw) != 0) {
    if (spec.empty()) {
      flat_topology(out, "it could not load the topology");
      return true;
    }
    *error = "'" + spec + "': hwloc could not load the topology";
    return false;
  }
  read_cpus(raw, out);
  if (out->cpus.empty() && spec.empty()) flat_topology(out, "it found none of the CPUs this process may use");
  if (out->cpus.empty()) {
    *error = (spec.empty() ? std::string("this machine") : "'" + spec + "'") + ": no CPU in the topology";
    return false;
  }
  return true;
}

std::string cpu_ranges(std::vector<int> cpus) {
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  std::string s;
  for (std::size_t i = 0; i < cpus.size();) {
    std::size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!s.empty()) s += ",";
    s += std::to_string(cpus[i]);
    if (j > i) s += (j == i + 1 ? "," : "-") + std::to_string(cpus[j]);
    i = j + 1;
  }
  return s;
}

}  // namespace swlab
