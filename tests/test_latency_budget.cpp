// The latency budget of `swlab explain` (bench/budget/): its arithmetic (the parts and
// the residual add up to the total exactly; the residual keeps its sign), and the
// transfer count it uses for a spec, which must be the compile-time sum the policies
// declare (round_trip_line_transfers, single_writer/policy_concepts.h).
#include <gtest/gtest.h>

#include <string>

#include "budget/floor_round_trip.h"
#include "budget/latency_budget.h"
#include "budget/line_transfers.h"
#include "engine/engine_registry.h"
#include "single_writer/policies.h"

namespace swlab::test {
namespace {

// A polled channel without a declared count is not a channel: the budget could not
// count it (the concept refuses it; test_policy_declarations.cpp checks the engine).
template <class T>
struct CountlessPolled : Named<"countless-polled", "no kLineTransfers"> {
  static constexpr bool kBlocking = false;
  explicit CountlessPolled(std::size_t) {}
  void push(T) {}
  std::size_t pop_bulk(T*, std::size_t) { return 0; }
};
template <class T>
struct CountedPolled : CountlessPolled<T> {
  static constexpr int kLineTransfers = 2;
  using CountlessPolled<T>::CountlessPolled;
};
static_assert(!PolledChannel<CountlessPolled<Handoff>>);
static_assert(PolledChannel<CountedPolled<Handoff>>);

// Figures that are not exact in binary (0.1, 1/3), so that exactness is not luck.
BudgetInputs awkward_inputs() {
  BudgetInputs in;
  in.single_writer = true;
  in.transfers = 4;
  in.channel_transfers = 1;
  in.floor = {130.1, 401.7};
  in.bare_channel = Quantiles{171.3, 623.9};
  in.reply_transfers = 1;
  in.bare_reply = Quantiles{0.3 * 700, 0.9 * 1001};
  in.book = {1.0 / 3 * 100, 0.7 * 301};
  in.generator_ns = 12.7;
  in.busy_spin_total = Quantiles{301.1, 1203.3};
  in.total = {389.9, 4211.1};
  return in;
}

double sum_p50(const LatencyBudget& b) {
  double s = 0;
  for (const BudgetPart& p : b.parts) s += p.ns.p50_ns;
  return s;
}

TEST(LatencyBudget, PartsAndResidualSumToTheTotalExactly) {
  const LatencyBudget b = compose_budget(awkward_inputs());
  EXPECT_EQ(sum_p50(b) + b.residual.p50_ns, b.total.p50_ns);
  // In the other order too.
  double s = b.residual.p50_ns;
  for (auto it = b.parts.rbegin(); it != b.parts.rend(); ++it) s += it->ns.p50_ns;
  EXPECT_EQ(s, b.total.p50_ns);
  ASSERT_TRUE(b.total.p999_ns && b.residual.p999_ns);
  double s999 = *b.residual.p999_ns;
  for (const BudgetPart& p : b.parts) s999 += p.ns.p999_ns.value_or(0);
  EXPECT_EQ(s999, *b.total.p999_ns);
}

TEST(LatencyBudget, NamesEveryPartOfASingleWriter) {
  const LatencyBudget b = compose_budget(awkward_inputs());
  std::vector<std::string> names;
  for (const BudgetPart& p : b.parts) names.push_back(p.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"line transfers", "queue operations", "reply operations", "book work",
                                      "generator", "wake-ups"}));
  EXPECT_EQ(b.parts[0].transfers, 4);
  EXPECT_NEAR(b.per_transfer_ns, 65.05, 1e-9);
  EXPECT_NEAR(b.parts[0].ns.p50_ns, 4 * 65.05, 1e-3);
  // The bare round trip makes two hand-offs, each with the channel's one transfer.
  EXPECT_NEAR(b.parts[1].ns.p50_ns, (171.3 - 2 * 65.05) / 2, 1e-3);
  // The reply probe crosses like the floor (2) plus the path's own line (1), once each.
  EXPECT_NEAR(b.parts[2].ns.p50_ns, 0.3 * 700 - 3 * 65.05, 1e-3);
  EXPECT_NEAR(*b.parts[2].ns.p999_ns, 0.9 * 1001 - 3 * 401.7 / 2, 1e-3);
  EXPECT_NEAR(b.parts[5].ns.p50_ns, 389.9 - 301.1, 1e-3);
  // The generator's cost is a mean: no tail.
  EXPECT_TRUE(b.parts[3].ns.p999_ns);
  EXPECT_FALSE(b.parts[4].ns.p999_ns);
}

TEST(LatencyBudget, ResidualKeepsItsSign) {
  BudgetInputs in = awkward_inputs();
  in.total.p50_ns = 250;  // less than the parts: a negative residual, reported as such
  const LatencyBudget under = compose_budget(in);
  EXPECT_LT(under.residual.p50_ns, 0);
  EXPECT_EQ(sum_p50(under) + under.residual.p50_ns, under.total.p50_ns);
  in.total.p50_ns = 900;
  in.busy_spin_total->p50_ns = 890;  // wake-ups of 10 ns: most of the 900 is unexplained
  const LatencyBudget over = compose_budget(in);
  EXPECT_GT(over.residual.p50_ns, 0);
  EXPECT_GT(over.residual_share(), kResidualTarget);
}

TEST(LatencyBudget, LockEngineIsFloorBookGeneratorAndResidual) {
  BudgetInputs in = awkward_inputs();
  in.single_writer = false;
  in.bare_channel.reset();
  in.bare_reply.reset();
  in.busy_spin_total.reset();
  const LatencyBudget b = compose_budget(in);
  ASSERT_EQ(b.parts.size(), 3u);
  EXPECT_EQ(b.parts[0].transfers, 2);
  EXPECT_NEAR(b.parts[0].ns.p50_ns, 130.1, 1e-3);  // the floor, quantised to 1/1024 ns
  EXPECT_EQ(sum_p50(b) + b.residual.p50_ns, b.total.p50_ns);
}

// The count the budget looks up by name is the one the policies declare, for every
// combination this build has.
TEST(LatencyBudget, RuntimeTransferCountIsTheDeclaredOne) {
  int combinations = 0;
  for_each_channel(Channels{}, [&]<template <class> class C>() {
    for_each_policy(ReplyPaths{}, [&]<class R>() {
      for_each_policy(WaitStrategies{}, [&]<class W>() {
        const SingleWriterPolicies p{RequestChannel<C>::kName, R::kName, W::kName};
        const auto n = line_transfers(p);
        ASSERT_TRUE(n) << p.channel << " " << p.reply << " " << p.wait;
        EXPECT_EQ(*n, (round_trip_line_transfers<RequestChannel<C>, R, W>())) << p.channel << " " << p.reply;
        ++combinations;
      });
    });
  });
  EXPECT_EQ(combinations, static_cast<int>(Channels::size * ReplyPaths::size * WaitStrategies::size));
  EXPECT_FALSE(line_transfers({"no-such-channel", "futex", "blocking"}));
}

TEST(LatencyBudget, SpecResolvesToItsPoliciesCount) {
  ResolvedSpec spec;
  std::string why;
  ASSERT_TRUE(EngineRegistry::instance().resolve("single-writer:channel=spsc:reply=atomic-wait:wait=busy-spin",
                                                 EngineConfig{}, &spec, &why))
      << why;
  const auto p = single_writer_policies(spec);
  ASSERT_TRUE(p);
  EXPECT_EQ(line_transfers(*p), (round_trip_line_transfers<SpscChannel<Handoff>, AtomicWaitReply, BusySpinWait>()));
  ASSERT_TRUE(EngineRegistry::instance().resolve("single-writer", EngineConfig{}, &spec, &why)) << why;
  EXPECT_EQ(line_transfers(*single_writer_policies(spec)),
            (round_trip_line_transfers<SpscChannel<Handoff>, FutexReply, BlockingWait>()));
  ASSERT_TRUE(EngineRegistry::instance().resolve("mutex", EngineConfig{}, &spec, &why)) << why;
  EXPECT_FALSE(single_writer_policies(spec));
}

TEST(LatencyBudget, FloorPlacementAndMovement) {
  EXPECT_EQ(placement_of_floor(130), "near");
  EXPECT_EQ(placement_of_floor(450), "far");
  EXPECT_FALSE(floor_moved(130, 150));
  EXPECT_TRUE(floor_moved(130, 450));
  EXPECT_TRUE(floor_moved(450, 130));
  EXPECT_TRUE(floor_moved(0, 130));
  EXPECT_TRUE(floor_moved(200, 260)) << "under the ratio, but across the near/far boundary";
  EXPECT_TRUE(floor_moved(56, 120)) << "both near, but twice apart: a third placement";
}

}  // namespace
}  // namespace swlab::test
