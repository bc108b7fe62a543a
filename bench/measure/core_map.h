// The core-to-core map: the cross-core ping-pong round trip (ping_pong.h, the same
// probe as every run's floor) between every pair of cores, and between the SMT
// siblings of each core. It is the figure core-to-core latency tools draw: on a part
// with several L3 domains the matrix is a block diagonal of cheap squares (one domain)
// on a field of expensive ones (across domains, across packages), and it says what a
// placement (placement_plan.h) buys on this machine (docs/methodology.md, "The
// core-to-core map").
//
// Bounded in time: each pair gets budget / pairs seconds (at most max_pair_s); where
// even min_pair_s a pair would not fit, an evenly spaced sample of the cores is
// measured instead (every domain still represented) and the map says so.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "measure/topology.h"

namespace swlab {

struct CoreMapOptions {
  double budget_s = 60;
  double max_pair_s = 0.25;
  double min_pair_s = 0.002;
};

struct CoreMap {
  std::vector<TopologyCpu> cores;  // the first CPU of each core measured, in topology order
  int machine_cores = 0;           // cores in the topology (more than cores.size(): a sample)
  double pair_s = 0;               // timed seconds per pair
  // [i][j], i != j: round trip between cores i and j, CPU of i timing; [i][i]: between
  // the SMT siblings of core i. -1: not measured (a core without a sibling).
  std::vector<std::vector<int64_t>> p50_ns, p99_ns;
  std::vector<std::vector<double>> yields;  // per round trip: near 0 when both had a CPU
  bool all_pinned = true;
  double seconds = 0;  // the whole measurement

  bool sampled() const { return static_cast<int>(cores.size()) < machine_cores; }
};

// The cores to measure and the time per pair, without measuring: what the map will cost.
CoreMap plan_core_map(const Topology& topology, const CoreMapOptions& options);

// Measures every pair of plan_core_map()'s cores; `progress(done, total)` between pairs.
CoreMap measure_core_map(const Topology& topology, const CoreMapOptions& options,
                         const std::function<void(std::size_t, std::size_t)>& progress);

// The median p50 by how far apart the cores are: "SMT siblings", "one L3 domain",
// "one NUMA node", "one package", "across packages"; classes with no pair are left out.
struct CoreMapClass {
  std::string name;
  int64_t median_p50_ns = 0;
  std::size_t pairs = 0;
};
std::vector<CoreMapClass> core_map_classes(const CoreMap& map);

}  // namespace swlab
