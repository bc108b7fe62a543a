// Golden scenarios: hand-checked scripts (tests/golden/*.in) with their expected
// output (*.out), run through every engine and through the reference model. A
// failure names the scenario and its first differing line, and stops there.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine_factories.h"
#include "protocol/protocol.h"
#include "reference_model.h"
#include "reply_checks.h"
#include "script_runner.h"

namespace swlab::test {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> golden_inputs() {
  std::vector<fs::path> v;
  for (const auto& e : fs::directory_iterator(SWLAB_GOLDEN_DIR))
    if (e.path().extension() == ".in") v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}

std::string expected_output(fs::path in) { return read_file(in.replace_extension(".out")); }

TEST(Golden, DirectoryHasScenarios) { EXPECT_GE(golden_inputs().size(), 10u); }

TEST(Golden, ReferenceModelMatchesEveryScenario) {
  for (const fs::path& in : golden_inputs()) {
    ReferenceExchange ref(default_symbols());
    ASSERT_TRUE(same_output(in.filename().string() + " (reference model)", expected_output(in),
                            ref.run_script(read_file(in))));
  }
}

class GoldenEngine : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenEngine, EveryScenarioMatchesByteForByte) {
  constexpr uint32_t kMarkets = 8;  // make_engine's default: the protocol's symbols
  for (const fs::path& in : golden_inputs()) {
    auto engine = make_engine(GetParam(), kMarkets);
    ASSERT_TRUE(engine);
    const std::string got = run_script(*engine, read_file(in));
    ASSERT_TRUE(same_output(in.filename().string() + " on " + GetParam(), expected_output(in), got));
    EXPECT_TRUE(invariants_hold(*engine, kMarkets)) << in.filename();
  }
}

INSTANTIATE_TEST_SUITE_P(AllEngines, GoldenEngine, ::testing::ValuesIn(all_engines()),
                         engine_param_name);

}  // namespace
}  // namespace swlab::test
