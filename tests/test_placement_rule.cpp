// The placement rule (bench/run/placement.h): which runs of a set were measured near and
// which far, from the floor probes alone. scripts/swlab_stats.py applies the same rule;
// tests/python/test_stats.py holds the same cases.
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

#include "run/placement.h"

namespace swlab {
namespace {

RunRecord probed(int64_t before_ns, int64_t after_ns) {
  RunRecord r;
  r.floor_measured = true;
  r.floor_before.p50_ns = before_ns;
  r.floor_after.p50_ns = after_ns;
  return r;
}

// One probe per value (each run's before and after equal).
std::vector<RunRecord> runs_of(std::initializer_list<std::pair<int64_t, int>> counts) {
  std::vector<RunRecord> runs;
  for (auto [ns, n] : counts)
    for (int i = 0; i < n; i += 2) runs.push_back(probed(ns, ns));
  return runs;
}

TEST(PlacementRule, ProbesBetweenTheModesDoNotHideThem) {
  // The 2026-12-07 reference sweep's closed/ probes (value, count), halved to runs: probes
  // taken while the host moved the vCPUs fell between the modes (200-210, then 351 ns),
  // and the largest gap between neighbours (1.67x) read the whole set as one mode.
  const auto runs = runs_of({{100, 50}, {110, 2}, {121, 2}, {130, 4}, {140, 10}, {150, 66}, {160, 122},
                             {170, 58}, {180, 18}, {190, 4}, {200, 2}, {210, 2}, {351, 2}, {361, 2},
                             {371, 8}, {380, 28}, {390, 24}, {400, 26}, {410, 20}, {420, 34}, {430, 68},
                             {440, 38}, {450, 24}, {461, 8}, {470, 12}, {491, 2}, {501, 2}, {511, 2}});
  const PlacementRule rule = placement_rule(runs);
  EXPECT_EQ(rule.modes, 2);
  EXPECT_EQ(rule.near_max_ns, 210);
  EXPECT_EQ(rule.far_min_ns, 351);
  EXPECT_EQ(placement_of(probed(160, 170), rule), "near");
  EXPECT_EQ(placement_of(probed(431, 441), rule), "far");
  EXPECT_EQ(placement_of(probed(160, 421), rule), "unknown");
}

TEST(PlacementRule, ModesLessThanTwiceApartAreOne) {
  // 380-700 ns: 1.84x end to end, the medians of any split less than 2x apart.
  const PlacementRule rule = placement_rule({probed(400, 450), probed(520, 610), probed(380, 700)});
  EXPECT_EQ(rule.modes, 1);
  EXPECT_EQ(rule.near_max_ns, 700);
  EXPECT_EQ(placement_of(probed(400, 700), rule), "near");
  EXPECT_EQ(placement_rule({probed(100, 199)}).modes, 1);
  EXPECT_EQ(placement_rule({probed(100, 200)}).modes, 2);
}

TEST(PlacementRule, ARunWithoutAProbeIsUnknown) {
  const PlacementRule rule = placement_rule({probed(100, 120), probed(400, 420)});
  RunRecord unprobed;
  EXPECT_EQ(placement_of(unprobed, rule), "unknown");
  EXPECT_EQ(placement_rule({unprobed}).near_max_ns, -1);
}

}  // namespace
}  // namespace swlab
