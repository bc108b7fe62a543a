#include "cli/run_table.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "cli/units.h"

namespace swlab::cli {

namespace {

template <class F>
double median_of(const std::vector<const RunRecord*>& runs, F f) {
  std::vector<double> v;
  for (const RunRecord* r : runs) v.push_back(static_cast<double>(f(*r)));
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Half the range over the median, in percent: how far apart the repetitions were.
template <class F>
double spread_pct(const std::vector<const RunRecord*>& runs, F f) {
  if (runs.size() < 2) return 0;
  double lo = 1e300, hi = -1e300;
  for (const RunRecord* r : runs) {
    lo = std::min(lo, static_cast<double>(f(*r)));
    hi = std::max(hi, static_cast<double>(f(*r)));
  }
  const double m = median_of(runs, f);
  return m > 0 ? 50.0 * (hi - lo) / m : 0;
}

uint64_t rejected_not_shed(const RunResult& x) {
  uint64_t n = 0;
  for (int i = 0; i < kRejectReasonCount; ++i)
    if (static_cast<RejectReason>(i) != RejectReason::kOverloaded) n += x.rejected[i];
  return n;
}

}  // namespace

namespace {

using Group = std::vector<const RunRecord*>;

// The runs grouped by configuration, in the order each configuration first appears.
std::vector<Group> configurations(const ResultsSet& set) {
  using Key = std::tuple<std::string, std::string, uint32_t, int, double>;
  std::vector<Key> keys;
  std::map<Key, Group> groups;
  for (const RunRecord& r : set.runs) {
    if (r.failed) continue;  // said on stderr when it failed, and marked in the files
    Key k{r.engine, r.preset, r.threads(), static_cast<int>(r.mode()), r.load.rate};
    if (!groups.count(k)) keys.push_back(k);
    groups[k].push_back(&r);
  }
  std::vector<Group> out;
  for (const Key& k : keys) out.push_back(groups[k]);
  return out;
}

// "near", "far", or "mixed" when the repetitions were measured in more than one.
std::string placement_of(const Group& g) {
  std::string p = g.front()->placement;
  for (const RunRecord* r : g)
    if (r->placement != p) return "mixed";
  return p;
}

struct RowMarks {
  bool unstable = false;  // the floor moved during one of the repetitions
  bool shared = false;    // the placement plan had to put two of the run's threads on one core
};

// One configuration's line: medians over its repetitions.
RowMarks print_row(const Group& g, bool reps) {
  const RunRecord& first = *g.front();
  const RunResult& x0 = first.result;
  RowMarks marks;
  for (const RunRecord* r : g) marks.unstable |= r->unstable_floor();
  marks.shared = first.cpu_plan.engine_shares_core || first.cpu_plan.clients_share_cores;
  const std::string threads =
      std::to_string(first.threads()) + (x0.oversubscribed() ? "*" : "") + (marks.shared ? "^" : "");
  const std::string offered = first.mode() == LoadMode::kOpen      ? human_rate(first.load.rate)
                              : first.mode() == LoadMode::kService ? "c=" + std::to_string(first.load.connections)
                                                                 : "closed";
  const double floor_p50 = median_of(g, [](const RunRecord& r) { return r.floor_before.p50_ns; });
  const std::string floor = first.floor_measured ? human_ns(static_cast<int64_t>(floor_p50)) + (marks.unstable ? "!" : "") : "-";
  const double stab = median_of(g, [](const RunRecord& r) { return std::max(0.0, r.result.tail_stability()); });
  char stab_s[16];
  std::snprintf(stab_s, sizeof stab_s, stab > 0 ? "%.2f" : "-", stab);
  const double rej = median_of(g, [](const RunRecord& r) {
    return r.result.completed
               ? 100.0 * static_cast<double>(rejected_not_shed(r.result)) / static_cast<double>(r.result.completed)
               : 0.0;
  });
  auto pct = [](const RunResult& x, int p) { return x.latency.value_at_percentile(p == 999 ? 99.9 : p); };
  auto ns = [&](auto get) { return human_ns(static_cast<int64_t>(median_of(g, get))); };
  char spread[16] = "-";
  if (reps) std::snprintf(spread, sizeof spread, "%.0f", spread_pct(g, [&](const RunRecord& r) { return pct(r.result, 99); }));
  std::printf("%-24s %-11s %4s %10s %3zu %10s %8s %9s %9s %5s %9s %9s %9s %-5s %5s %8s %5.1f %7.0f %7.0f %7.1f\n",
              first.engine.c_str(), first.preset.c_str(), threads.c_str(), offered.c_str(), g.size(),
              human_rate(median_of(g, [](const RunRecord& r) { return r.result.throughput(); })).c_str(),
              ns([](const RunRecord& r) { return 1e9 * r.result.duration_s; }).c_str(),
              ns([&](const RunRecord& r) { return pct(r.result, 50); }).c_str(),
              ns([&](const RunRecord& r) { return pct(r.result, 99); }).c_str(), spread,
              ns([&](const RunRecord& r) { return pct(r.result, 999); }).c_str(),
              ns([](const RunRecord& r) { return r.result.latency.max(); }).c_str(), floor.c_str(),
              placement_of(g).c_str(), stab_s, ns([](const RunRecord& r) { return r.result.cpu_ns_per_command(); }).c_str(),
              rej, median_of(g, [](const RunRecord& r) { return r.result.shed; }),
              median_of(g, [](const RunRecord& r) { return r.result.unsent; }), median_of(g, [](const RunRecord& r) {
                return 1000.0 * static_cast<double>(r.result.ctx_voluntary + r.result.ctx_involuntary) /
                       static_cast<double>(r.result.completed ? r.result.completed : 1);
              }));
  return marks;
}

void print_notes(const ResultsSet& set, bool reps, bool any_over, bool any_unstable, bool any_shared) {
  if (reps) std::printf("figures are medians of the n repetitions; +-%% is half their p99 range over the median p99\n");
  if (set.calibration_target_s > 0)
    std::printf("fixed work: every engine at a point ran the same commands (calibrated: slowest ~%.2g s)\n",
                set.calibration_target_s);
  std::printf("floor: cross-core ping-pong p50 measured before the run; place: its placement (near/far/mixed,\n"
              "  docs/methodology.md); stab: tail stability (p99 of the per-%.0f ms p99s over their median,\n"
              "  with at least 30 intervals; 1.00 = stable); cpu/cmd: process CPU time per command\n",
              static_cast<double>(set.plan.base.interval_ns) * 1e-6);
  if (any_unstable)
    std::printf("! unstable machine: the floor moved by more than %.1fx between before and after the run\n",
                RunRecord::kUnstableFloorRatio);
  if (set.plan.base.mode == LoadMode::kService)
    std::printf("service: thr = worker threads; c = connections (logical clients) they serve\n");
  if (any_over)
    std::printf("* oversubscribed: client threads + engine threads > %d logical CPUs; latency then\n"
                "  includes waiting for a CPU (docs/methodology.md)\n",
                set.machine.logical_cpus);
  if (any_shared)
    std::printf("^ shared cores: the placement put the engine and a client, or two clients, on one core (SMT\n"
                "  siblings or one CPU): its results.json cpu_plan says which (docs/methodology.md, \"Placement\")\n");
  for (const RateSweep& s : set.sweeps) {
    if (s.max_rate_under_bound >= 0) {
      std::printf("knee: %-24s %-12s t=%-3u highest rate with median p99 <= %s: %s\n", s.engine.c_str(),
                  s.preset.c_str(), s.threads, human_ns(s.p99_bound_ns).c_str(), human_rate(s.max_rate_under_bound).c_str());
    } else {
      std::printf("knee: %-24s %-12s t=%-3u no rate tried kept median p99 <= %s\n", s.engine.c_str(), s.preset.c_str(),
                  s.threads, human_ns(s.p99_bound_ns).c_str());
    }
  }
}

}  // namespace

void print_table(const ResultsSet& set) {
  const bool reps = set.plan.repetitions > 1;
  std::printf("\n%-24s %-11s %4s %10s %3s %10s %8s %9s %9s %5s %9s %9s %9s %-5s %5s %8s %5s %7s %7s %7s\n", "engine",
              "preset", "thr", "offered", "n", "throughput", "wall", "p50", "p99", "+-%", "p99.9", "max", "floor", "place",
              "stab", "cpu/cmd", "rej%", "shed", "unsent", "ctx/1k");
  bool any_over = false, any_unstable = false, any_shared = false;
  for (const Group& g : configurations(set)) {
    const RowMarks marks = print_row(g, reps);
    any_unstable |= marks.unstable;
    any_shared |= marks.shared;
    any_over |= g.front()->result.oversubscribed();
  }
  print_notes(set, reps, any_over, any_unstable, any_shared);
}

}  // namespace swlab::cli
