// Differential tests: long random command streams give identical replies from the
// reference model and from every engine, and identical digests across engines.
#include <gtest/gtest.h>

#include <sstream>

#include "engine_factories.h"
#include "protocol/protocol.h"
#include "random_script.h"
#include "reference_model.h"

namespace swlab::test {
namespace {

std::string run_engine(Engine& engine, const std::string& script) {
  Protocol protocol(default_symbols());
  std::istringstream in(script);
  std::ostringstream out;
  protocol.run(engine, in, out);
  return out.str();
}

// Points at the first differing line, so a failure is readable.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (int n = 1;; ++n) {
    bool ea = !std::getline(sa, la), eb = !std::getline(sb, lb);
    if (ea && eb) return "identical";
    if (ea != eb || la != lb)
      return "output line " + std::to_string(n) + ": reference '" + la + "' vs engine '" + lb + "'";
  }
}

class Differential : public ::testing::TestWithParam<std::string> {};

TEST_P(Differential, RandomStreamsMatchTheReferenceModel) {
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
    auto engine = make_engine(GetParam());
    std::string got = run_engine(*engine, script);
    ASSERT_EQ(expected, got) << "seed " << seed << ": " << first_difference(expected, got);
    EXPECT_EQ(engine->digest(), ref.digest()) << "seed " << seed;
    std::string why;
    EXPECT_TRUE(engine->check_invariants(&why)) << why;
    EXPECT_TRUE(ref.check_invariants(&why)) << why;
  }
}

TEST(DifferentialAcrossEngines, SameStreamSameRepliesAndDigest) {
  std::string script = random_script(42, 5000);
  std::string first_output;
  uint64_t first_digest = 0;
  for (const std::string& name : all_engines()) {
    auto engine = make_engine(name);
    std::string out = run_engine(*engine, script);
    uint64_t d = engine->digest();
    if (first_output.empty()) {
      first_output = out;
      first_digest = d;
      continue;
    }
    EXPECT_EQ(out, first_output) << name << ": " << first_difference(first_output, out);
    EXPECT_EQ(d, first_digest) << name;
  }
  EXPECT_FALSE(first_output.empty());
}

TEST(DifferentialAcrossEngines, DigestDistinguishesStates) {
  // A digest that ignored part of the state would pass the tests above vacuously.
  auto a = make_engine("mutex");
  auto b = make_engine("mutex");
  std::string base = "deposit S0 1 cash 1000\ndeposit S0 2 qty 10\n";
  run_engine(*a, base + "buy S0 1 7 5 100\n");
  run_engine(*b, base + "buy S0 1 8 5 100\n");  // only the order id differs
  EXPECT_NE(a->digest(), b->digest());
  auto c = make_engine("mutex");
  run_engine(*c, base + "buy S0 1 7 5 100\nbuy S0 1 9 5 100\ncancel S0 1 9\n");
  EXPECT_EQ(a->digest(), c->digest()) << "an order that no longer rests must leave no trace";
}

INSTANTIATE_TEST_SUITE_P(AllEngines, Differential, ::testing::ValuesIn(all_engines()),
                         engine_param_name);

}  // namespace
}  // namespace swlab::test
