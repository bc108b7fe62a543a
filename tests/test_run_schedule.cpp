// The order of a sweep's runs (bench/cli/run_schedule.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "cli/run_schedule.h"

namespace swlab::cli {
namespace {

RunPlan plan3x2x5() {
  RunPlan p;
  p.engines = {"mutex", "single-writer", "spinlock"};
  p.threads = {1, 2};
  p.presets = {"balanced"};
  p.repetitions = 5;
  return p;
}

bool is_permutation_of_all(const std::vector<std::size_t>& order, std::size_t n) {
  std::vector<std::size_t> sorted = order, all(n);
  std::sort(sorted.begin(), sorted.end());
  std::iota(all.begin(), all.end(), 0);
  return sorted == all;
}

TEST(RunOrder, BlockedKeepsRepetitionsTogether) {
  const auto runs = plan_runs(plan3x2x5());
  ASSERT_EQ(runs.size(), 30u);
  const auto order = run_order(runs, RunOrder::kBlocked, 1);
  ASSERT_TRUE(is_permutation_of_all(order, runs.size()));
  for (std::size_t k = 1; k < 5; ++k) EXPECT_EQ(runs[order[k]].config, runs[order[0]].config);
}

TEST(RunOrder, InterleavedRunsEveryConfigurationOncePerRoundInAShuffledOrder) {
  const auto runs = plan_runs(plan3x2x5());
  const auto order = run_order(runs, RunOrder::kInterleaved, 1);
  ASSERT_TRUE(is_permutation_of_all(order, runs.size()));
  std::size_t canonical_rounds = 0;
  for (std::size_t round = 0; round < 5; ++round) {
    std::vector<std::size_t> configs;
    for (std::size_t k = round * 6; k < round * 6 + 6; ++k) {
      EXPECT_EQ(runs[order[k]].repetition, round);  // a block: each configuration once
      configs.push_back(runs[order[k]].config);
    }
    canonical_rounds += std::is_sorted(configs.begin(), configs.end());
    std::sort(configs.begin(), configs.end());
    EXPECT_EQ(configs, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5}));
  }
  EXPECT_LT(canonical_rounds, 5u);  // shuffled within the rounds, not run in canonical order
  EXPECT_EQ(order, run_order(runs, RunOrder::kInterleaved, 1));  // seeded
}

TEST(RunOrder, RandomIsASeededPermutationThatDiffersFromBlocked) {
  const auto runs = plan_runs(plan3x2x5());
  const auto blocked = run_order(runs, RunOrder::kBlocked, 1);
  const auto a = run_order(runs, RunOrder::kRandom, 7);
  ASSERT_TRUE(is_permutation_of_all(a, runs.size()));
  EXPECT_NE(a, blocked);
  EXPECT_EQ(a, run_order(runs, RunOrder::kRandom, 7));  // recorded seed, same order
  EXPECT_NE(a, run_order(runs, RunOrder::kRandom, 8));
  // Repetitions are spread out: not every configuration's runs are adjacent.
  std::size_t adjacent_pairs = 0;
  for (std::size_t k = 1; k < a.size(); ++k) adjacent_pairs += runs[a[k]].config == runs[a[k - 1]].config;
  EXPECT_LT(adjacent_pairs, 10u);
}

}  // namespace
}  // namespace swlab::cli
