#include "measure/core_map.h"

#include <algorithm>

#include "measure/clock.h"
#include "measure/floor_probe.h"

namespace swlab {

namespace {

// What one pair costs besides its timed part: starting and pinning the echo thread,
// the warm-up round trips, joining it (about 0.2 ms measured here; 1 ms leaves room for
// a machine whose thread creation is slower).
constexpr double kPairOverheadS = 0.001;

// The first CPU of each core, and the sibling (second CPU) of each, in topology order.
void cores_of(const Topology& t, std::vector<TopologyCpu>* firsts, std::vector<int>* siblings) {
  for (const TopologyCpu& c : t.cpus) {
    auto it = std::find_if(firsts->begin(), firsts->end(), [&](const TopologyCpu& f) { return f.core == c.core; });
    if (it == firsts->end()) {
      firsts->push_back(c);
      siblings->push_back(-1);
    } else if ((*siblings)[static_cast<std::size_t>(it - firsts->begin())] < 0) {
      (*siblings)[static_cast<std::size_t>(it - firsts->begin())] = c.cpu;
    }
  }
}

std::size_t measurements(std::size_t k, bool smt) { return k * (k - 1) / 2 + (smt ? k : 0); }

int64_t median(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[(v.size() - 1) / 2];
}

}  // namespace

CoreMap plan_core_map(const Topology& topology, const CoreMapOptions& options) {
  std::vector<TopologyCpu> firsts;
  std::vector<int> siblings;
  cores_of(topology, &firsts, &siblings);
  CoreMap map;
  map.machine_cores = static_cast<int>(firsts.size());
  const bool smt = topology.smt();
  std::size_t k = firsts.size();
  const double fits = options.budget_s / (options.min_pair_s + kPairOverheadS);
  while (k > 2 && static_cast<double>(measurements(k, smt)) > fits) --k;
  for (std::size_t i = 0; i < k; ++i) map.cores.push_back(firsts[i * firsts.size() / k]);  // evenly spaced
  const double each = options.budget_s / static_cast<double>(std::max<std::size_t>(1, measurements(k, smt))) -
                      kPairOverheadS;
  map.pair_s = std::clamp(each, options.min_pair_s, options.max_pair_s);
  const std::size_t n = map.cores.size();
  map.p50_ns.assign(n, std::vector<int64_t>(n, -1));
  map.p99_ns = map.p50_ns;
  map.yields.assign(n, std::vector<double>(n, 0));
  return map;
}

CoreMap measure_core_map(const Topology& topology, const CoreMapOptions& options,
                         const std::function<void(std::size_t, std::size_t)>& progress) {
  CoreMap map = plan_core_map(topology, options);
  std::vector<TopologyCpu> firsts;
  std::vector<int> siblings;
  cores_of(topology, &firsts, &siblings);
  auto sibling_of = [&](const TopologyCpu& c) {
    for (std::size_t i = 0; i < firsts.size(); ++i)
      if (firsts[i].core == c.core) return siblings[i];
    return -1;
  };
  const std::size_t n = map.cores.size(), total = measurements(n, topology.smt());
  std::size_t done = 0;
  const int64_t begin = SteadyClock::now_ns();
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i; j < n; ++j) {
      const int a = map.cores[i].cpu, b = i == j ? sibling_of(map.cores[i]) : map.cores[j].cpu;
      if (b < 0) continue;
      if (progress) progress(done, total);
      FloorOptions o;
      o.seconds = map.pair_s;
      o.cpus = std::pair{a, b};
      const FloorSample s = probe_floor(o);
      ++done;
      map.all_pinned &= s.pinned;
      // The round trip is two one-way transfers, one each way: the matrix is symmetric.
      map.p50_ns[i][j] = map.p50_ns[j][i] = s.p50_ns;
      map.p99_ns[i][j] = map.p99_ns[j][i] = s.p99_ns;
      map.yields[i][j] = map.yields[j][i] = s.yields_per_round_trip;
    }
  map.seconds = static_cast<double>(SteadyClock::now_ns() - begin) * 1e-9;
  return map;
}

std::vector<CoreMapClass> core_map_classes(const CoreMap& map) {
  const char* names[] = {"SMT siblings", "one L3 domain", "one NUMA node", "one package", "across packages"};
  std::vector<int64_t> by_class[5];
  for (std::size_t i = 0; i < map.cores.size(); ++i)
    for (std::size_t j = i; j < map.cores.size(); ++j) {
      if (map.p50_ns[i][j] < 0) continue;
      const TopologyCpu &a = map.cores[i], &b = map.cores[j];
      const int k = i == j ? 0 : a.l3 == b.l3 ? 1 : a.node == b.node ? 2 : a.package == b.package ? 3 : 4;
      by_class[k].push_back(map.p50_ns[i][j]);
    }
  std::vector<CoreMapClass> out;
  for (int k = 0; k < 5; ++k)
    if (!by_class[k].empty()) out.push_back({names[k], median(by_class[k]), by_class[k].size()});
  return out;
}

}  // namespace swlab
