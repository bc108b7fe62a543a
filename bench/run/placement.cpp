#include "run/placement.h"

#include <algorithm>

namespace swlab {

PlacementRule placement_rule(const std::vector<RunRecord>& runs) {
  std::vector<int64_t> probes;
  for (const RunRecord& r : runs) {
    if (r.failed || !r.floor_measured) continue;
    for (int64_t p : {r.floor_before.p50_ns, r.floor_after.p50_ns})
      if (p > 0) probes.push_back(p);
  }
  PlacementRule rule;
  if (probes.empty()) return rule;
  std::sort(probes.begin(), probes.end());
  double best = 1;
  std::size_t at = 0;
  for (std::size_t i = 0; i + 1 < probes.size(); ++i) {
    const double ratio = static_cast<double>(probes[i + 1]) / static_cast<double>(probes[i]);
    if (ratio > best) {
      best = ratio;
      at = i;
    }
  }
  if (best >= PlacementRule::kGap) {
    rule.modes = 2;
    rule.near_max_ns = probes[at];
    rule.far_min_ns = probes[at + 1];
  } else {
    rule.near_max_ns = probes.back();
  }
  return rule;
}

std::string placement_of(const RunRecord& r, const PlacementRule& rule) {
  if (r.failed || !r.floor_measured || r.floor_before.p50_ns <= 0 || r.floor_after.p50_ns <= 0) return "unknown";
  auto mode = [&](int64_t p) -> std::string {
    if (rule.modes == 1 || p <= rule.near_max_ns) return "near";
    return p >= rule.far_min_ns ? "far" : "unknown";
  };
  const std::string before = mode(r.floor_before.p50_ns), after = mode(r.floor_after.p50_ns);
  return before == after ? before : "unknown";
}

void classify_placements(ResultsSet& set) {
  set.placement = placement_rule(set.runs);
  for (RunRecord& r : set.runs) r.placement = placement_of(r, set.placement);
}

}  // namespace swlab
