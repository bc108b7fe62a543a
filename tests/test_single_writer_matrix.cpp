// Every single-writer variant, channel x reply path x wait strategy x overload
// policy, through a short differential run (replies identical to the reference
// model) and a short concurrent one (invariants, one reply per command). Small
// per variant, so the whole matrix fits CI's time under ThreadSanitizer.
#include <gtest/gtest.h>

#include <random>
#include <thread>
#include <tuple>

#include "engine/engine_registry.h"
#include "single_writer/single_writer_factory.h"
#include "protocol/protocol.h"
#include "random_script.h"
#include "reference_model.h"
#include "reply_checks.h"
#include "script_runner.h"
#include "tsan_unverifiable.h"

namespace swlab::test {
namespace {

using Variant = std::tuple<std::string, std::string, std::string, std::string>;

std::string spec_of(const Variant& v) {
  return "single-writer:channel=" + std::get<0>(v) + ":reply=" + std::get<1>(v) + ":wait=" + std::get<2>(v) +
         ":overload=" + std::get<3>(v);
}

std::string variant_name(const ::testing::TestParamInfo<Variant>& info) {
  std::string s = std::get<0>(info.param) + "_" + std::get<1>(info.param) + "_" + std::get<2>(info.param) + "_" +
                  std::get<3>(info.param);
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

class SingleWriterMatrix : public ::testing::TestWithParam<Variant> {
 protected:
  std::unique_ptr<Engine> make(uint32_t markets, uint32_t capacity = 1024) {
    EngineConfig c;
    c.markets = markets;
    c.capacity = capacity;
    std::string why;
    auto e = EngineRegistry::instance().create(spec_of(GetParam()), c, &why);
    EXPECT_TRUE(e) << why;
    return e;
  }
};

TEST_P(SingleWriterMatrix, MatchesTheReferenceModel) {
  const std::string script = random_script(99, 400);
  ReferenceExchange ref(default_symbols());
  const std::string expected = ref.run_script(script);
  auto engine = make(8);
  ASSERT_TRUE(engine);
  EXPECT_TRUE(same_output("random script, seed 99", expected, run_script(*engine, script)));
  EXPECT_EQ(engine->digest(), ref.digest());
}

TEST_P(SingleWriterMatrix, ConcurrentClientsGetOneReplyEach) {
#if defined(__SANITIZE_THREAD__)
  // Measured, tested under ASan, not run concurrently under tsan: tsan_unverifiable.h
  // and docs/single-writer.md say why. We do not suppress the reports.
  if (const std::string why = tsan_cannot_verify(std::get<0>(GetParam())); !why.empty()) GTEST_SKIP() << why;
#endif
  // A small capacity makes the overload policies act: with `reject` and `priority`
  // some commands come back `overloaded`, and each of those is still one reply.
  auto engine = make(4, 8);
  ASSERT_TRUE(engine);
  constexpr int kThreads = 3, kPerThread = 300, kWindow = 4;
  std::vector<ReplyTally> tallies(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(t);
      std::vector<Request> slots(kWindow);
      std::vector<bool> busy(kWindow, false);
      Command dep;
      dep.type = CommandType::kDeposit;
      dep.account = t;
      for (uint32_t m = 0; m < 4; ++m) {
        dep.market = m;
        dep.asset = Asset::kCash;
        dep.qty = 1'000'000;
        engine->execute(dep, nullptr);
        dep.asset = Asset::kQty;
        engine->execute(dep, nullptr);
      }
      int sent = 0;
      while (sent < kPerThread) {
        for (int w = 0; w < kWindow && sent < kPerThread; ++w) {
          if (busy[w]) {
            engine->wait(slots[w]);
            tallies[t].add(slots[w].cmd, slots[w].reply, nullptr);
          }
          Command& c = slots[w].cmd;
          c = Command{};
          c.market = static_cast<uint32_t>(rng() % 4);
          c.account = t;
          c.order_id = sent;
          switch (rng() % 4) {
            case 0: c.type = CommandType::kBuy; break;
            case 1: c.type = CommandType::kSell; break;
            case 2: c.type = CommandType::kCancel; c.order_id = sent > 0 ? sent - 1 : 0; break;
            default: c.type = CommandType::kTop; break;
          }
          c.qty = 1 + static_cast<int64_t>(rng() % 5);
          c.price = 100 + static_cast<int64_t>(rng() % 5);
          slots[w].out = nullptr;
          busy[w] = true;
          engine->submit(slots[w]);
          ++sent;
        }
      }
      for (int w = 0; w < kWindow; ++w)
        if (busy[w]) {
          engine->wait(slots[w]);
          tallies[t].add(slots[w].cmd, slots[w].reply, nullptr);
        }
    });
  }
  for (auto& th : threads) th.join();
  ReplyTally all;
  for (const ReplyTally& t : tallies) all.merge(t);
  EXPECT_EQ(all.replies, kThreads * kPerThread);
  EXPECT_TRUE(every_reply_answered(all)) << "`overloaded` is an answer; an unset reply is not";
  std::string why;
  EXPECT_TRUE(engine->check_invariants(&why)) << why;
  engine->shutdown();
}

INSTANTIATE_TEST_SUITE_P(AllVariants, SingleWriterMatrix,
                         ::testing::Combine(::testing::ValuesIn(single_writer_channels()),
                                            ::testing::ValuesIn(single_writer_replies()),
                                            ::testing::ValuesIn(single_writer_waits()),
                                            ::testing::Values("block", "reject", "priority")),
                         variant_name);

}  // namespace
}  // namespace swlab::test
