#include "run/placement.h"

#include <algorithm>
#include <cmath>

namespace swlab {

namespace {

double median_of(const std::vector<double>& sorted, std::size_t begin, std::size_t end) {
  const std::size_t n = end - begin;
  return (sorted[begin + (n - 1) / 2] + sorted[begin + n / 2]) / 2;
}

}  // namespace

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
  const std::size_t n = probes.size();
  std::vector<double> logs(n), sum(n + 1, 0.0), squares(n + 1, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    logs[i] = std::log(static_cast<double>(probes[i]));
    sum[i + 1] = sum[i] + logs[i];
    squares[i + 1] = squares[i] + logs[i] * logs[i];
  }
  // The spread left within both sides when the lower side is probes[0, k): sum of squares
  // about each side's mean, from prefix sums (one pass, not one per split).
  auto spread = [&](std::size_t begin, std::size_t end) {
    const double s = sum[end] - sum[begin], q = squares[end] - squares[begin];
    return q - s * s / static_cast<double>(end - begin);
  };
  std::size_t best_k = 0;
  double best = 0;
  for (std::size_t k = 1; k < n; ++k) {
    if (probes[k] == probes[k - 1]) continue;  // a split between equal probes is no split
    const double within = spread(0, k) + spread(k, n);
    if (best_k == 0 || within < best) {
      best = within;
      best_k = k;
    }
  }
  // In logs, with a hair's tolerance: 200 over 100 is two modes, whatever log() rounds to.
  if (best_k > 0 && median_of(logs, best_k, n) - median_of(logs, 0, best_k) >= std::log(PlacementRule::kSeparation) - 1e-9) {
    rule.modes = 2;
    rule.near_max_ns = probes[best_k - 1];
    rule.far_min_ns = probes[best_k];
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
