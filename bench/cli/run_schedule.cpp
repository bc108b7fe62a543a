#include "cli/run_schedule.h"

#include <numeric>

#include "load/rng.h"

namespace swlab::cli {

std::vector<RunPoint> plan_runs(const RunPlan& plan) {
  std::vector<RunPoint> runs;
  const std::vector<double> rates = plan.base.mode == LoadMode::kOpen ? plan.rates : std::vector<double>{0};
  std::size_t config = 0;
  for (const auto& preset : plan.presets)
    for (const auto& engine : plan.engines)
      for (uint32_t threads : plan.threads)
        for (double rate : rates) {
          for (uint32_t rep = 0; rep < plan.repetitions; ++rep) {
            runs.push_back(RunPoint{
                .preset = preset, .engine = engine, .threads = threads, .rate = rate, .repetition = rep, .config = config});
          }
          ++config;
        }
  return runs;
}

std::vector<std::size_t> run_order(const std::vector<RunPoint>& runs, RunOrder order, uint64_t seed) {
  std::vector<std::size_t> idx(runs.size());
  std::iota(idx.begin(), idx.end(), 0);
  switch (order) {
    case RunOrder::kBlocked:
      break;
    case RunOrder::kInterleaved: {
      // Blocks: round r runs every configuration's repetition r once, back to back, in
      // a seeded random order of its own, so that a comparison is made within a block
      // and no configuration always runs first (or right after the same neighbour).
      std::stable_sort(idx.begin(), idx.end(),
                       [&](std::size_t a, std::size_t b) { return runs[a].repetition < runs[b].repetition; });
      Rng rng(seed);
      for (std::size_t begin = 0; begin < idx.size();) {
        std::size_t end = begin;
        while (end < idx.size() && runs[idx[end]].repetition == runs[idx[begin]].repetition) ++end;
        for (std::size_t i = end - begin; i > 1; --i) std::swap(idx[begin + i - 1], idx[begin + rng.below(i)]);
        begin = end;
      }
      break;
    }
    case RunOrder::kRandom: {
      // Fisher-Yates with the project's own generator: the same seed gives the same
      // order with any standard library.
      Rng rng(seed);
      for (std::size_t i = idx.size(); i > 1; --i) std::swap(idx[i - 1], idx[rng.below(i)]);
      break;
    }
  }
  return idx;
}

}  // namespace swlab::cli
