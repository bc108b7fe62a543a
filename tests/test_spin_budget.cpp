// Spin budgets in time and their adaptation to the machine
// (engines/platform/spin_budget.h).
#include <gtest/gtest.h>
#include <sched.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine_registry.h"
#include "platform/cpu_count.h"
#include "platform/spin_budget.h"

namespace swlab {
namespace {

TEST(SpinBudget, BudgetsInNsBecomeCountsInProportion) {
  ASSERT_GT(pause_ns(), 0.0);
  EXPECT_EQ(pauses_for(0), 0u);
  EXPECT_GE(pauses_for(1), 1u);  // a non-zero budget spins at least once
  const uint32_t a = pauses_for(10'000), b = pauses_for(40'000);
  EXPECT_GE(a, 1u);
  // Four times the budget is about four times the count (rounding aside).
  EXPECT_NEAR(static_cast<double>(b) / a, 4.0, 0.01 * 4 + 4.0 / a);
}

// The process's CPUs, not the calling thread's: a thread pinned to one CPU (a run's
// client, a probe, a benchmark) must not make the process look like a 1-CPU machine,
// which would turn every spin off.
TEST(SpinBudget, UsableCpusIsTheProcesssNotThePinnedThreads) {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  ASSERT_EQ(sched_getaffinity(0, sizeof mask, &mask), 0);
  const int allowed = CPU_COUNT(&mask);
  int first = 0;
  while (!CPU_ISSET(first, &mask)) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
  const int seen = usable_cpus();
  ASSERT_EQ(sched_setaffinity(0, sizeof mask, &mask), 0);
  EXPECT_EQ(seen, allowed) << "usable_cpus() read the pinned thread's mask";
}

TEST(SpinBudget, NoSpinningOnceEngineThreadsFillEveryCpu) {
  const int before = running_engine_threads();
  const int cpus = usable_cpus();
  std::vector<std::unique_ptr<EngineThreadScope>> scopes;
  while (running_engine_threads() < cpus - 1) scopes.push_back(std::make_unique<EngineThreadScope>());
  EXPECT_TRUE(spin_allowed()) << running_engine_threads() << " engine threads on " << cpus << " CPUs";
  scopes.push_back(std::make_unique<EngineThreadScope>());
  EXPECT_FALSE(spin_allowed()) << running_engine_threads() << " engine threads on " << cpus << " CPUs";
  scopes.clear();
  EXPECT_EQ(running_engine_threads(), before);
}

TEST(SpinBudget, EveryEngineThreadIsCountedWhileItRuns) {
  const int before = running_engine_threads();
  EngineConfig c;
  c.markets = 8;
  std::string why;
  auto engine = EngineRegistry::instance().create("sharded-single-writer:shards=3", c, &why);
  ASSERT_NE(engine, nullptr) << why;
  // The threads count themselves as they start; give them a moment.
  for (int i = 0; i < 2000 && running_engine_threads() < before + 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(running_engine_threads(), before + 3);
  engine->shutdown();
  EXPECT_EQ(running_engine_threads(), before);
}

}  // namespace
}  // namespace swlab
