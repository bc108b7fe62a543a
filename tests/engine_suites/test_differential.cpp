// Differential tests: long random command streams give identical replies from the
// reference model and from every engine, and identical digests across engines. A
// failure names the stream and its first differing line, and stops there.
#include <gtest/gtest.h>

#include "engine_factories.h"
#include "protocol/protocol.h"
#include "random_script.h"
#include "reference_model.h"
#include "reply_checks.h"
#include "script_runner.h"

namespace swlab::test {
namespace {

class Differential : public ::testing::TestWithParam<std::string> {};

TEST_P(Differential, RandomStreamsMatchTheReferenceModel) {
  constexpr uint32_t kMarkets = 8;
  // Several shapes: a tight book that crosses often, a wide one that builds depth,
  // and few ids so duplicate ids and unknown orders are common.
  const ScriptShape shapes[] = {
      {},
      {.markets = 2, .accounts = 10, .mid = 5000, .spread = 40, .max_qty = 100, .order_ids = 200},
      {.markets = 1, .accounts = 3, .mid = 100, .spread = 2, .max_qty = 10, .order_ids = 5},
  };
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    const ScriptShape& shape = shapes[seed % 3];
    std::string script = random_script(seed, 3000, shape);
    ReferenceExchange ref(default_symbols());
    std::string expected = ref.run_script(script);
    auto engine = make_engine(GetParam(), kMarkets);
    ASSERT_TRUE(engine);
    std::string got = run_script(*engine, script);
    ASSERT_TRUE(same_output("random script, seed " + std::to_string(seed), expected, got));
    EXPECT_EQ(engine->digest(), ref.digest()) << "seed " << seed;
    EXPECT_TRUE(invariants_hold(*engine, kMarkets)) << "seed " << seed;
    std::string why;
    EXPECT_TRUE(ref.check_invariants(&why)) << why;
  }
}

TEST(DifferentialAcrossEngines, SameStreamSameRepliesAndDigest) {
  std::string script = random_script(42, 5000);
  std::string first_name, first_output;
  uint64_t first_digest = 0;
  for (const std::string& name : all_engines()) {
    auto engine = make_engine(name);
    ASSERT_TRUE(engine) << name;
    std::string out = run_script(*engine, script);
    uint64_t d = engine->digest();
    if (first_name.empty()) {
      first_name = name;
      first_output = out;
      first_digest = d;
      continue;
    }
    EXPECT_TRUE(same_output("random script, seed 42, " + name + " against " + first_name, first_output, out));
    EXPECT_EQ(d, first_digest) << name;
  }
  EXPECT_FALSE(first_output.empty());
}

TEST(DifferentialAcrossEngines, DigestDistinguishesStates) {
  // A digest that ignored part of the state would pass the tests above vacuously.
  auto a = make_engine("mutex");
  auto b = make_engine("mutex");
  std::string base = "deposit S0 1 cash 1000\ndeposit S0 2 qty 10\n";
  run_script(*a, base + "buy S0 1 7 5 100\n");
  run_script(*b, base + "buy S0 1 8 5 100\n");  // only the order id differs
  EXPECT_NE(a->digest(), b->digest());
  auto c = make_engine("mutex");
  run_script(*c, base + "buy S0 1 7 5 100\nbuy S0 1 9 5 100\ncancel S0 1 9\n");
  EXPECT_EQ(a->digest(), c->digest()) << "an order that no longer rests must leave no trace";
}

INSTANTIATE_TEST_SUITE_P(AllEngines, Differential, ::testing::ValuesIn(all_engines()),
                         engine_param_name);

}  // namespace
}  // namespace swlab::test
