// Golden scenarios: hand-checked scripts (tests/golden/*.in) with their expected
// output (*.out), run through every engine and through the reference model.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine_factories.h"
#include "protocol/protocol.h"
#include "reference_model.h"

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

TEST(Golden, DirectoryHasScenarios) { EXPECT_GE(golden_inputs().size(), 10u); }

TEST(Golden, ReferenceModelMatchesEveryScenario) {
  for (const fs::path& in : golden_inputs()) {
    ReferenceExchange ref(default_symbols());
    fs::path out = in;
    out.replace_extension(".out");
    EXPECT_EQ(ref.run_script(read_file(in)), read_file(out)) << in.filename();
  }
}

class GoldenEngine : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenEngine, EveryScenarioMatchesByteForByte) {
  Protocol protocol(default_symbols());
  for (const fs::path& in : golden_inputs()) {
    auto engine = make_engine(GetParam());
    std::istringstream script(read_file(in));
    std::ostringstream got;
    protocol.run(*engine, script, got);
    fs::path out = in;
    out.replace_extension(".out");
    EXPECT_EQ(got.str(), read_file(out)) << in.filename() << " on " << GetParam();
    std::string why;
    EXPECT_TRUE(engine->check_invariants(&why)) << in.filename() << ": " << why;
  }
}

INSTANTIATE_TEST_SUITE_P(AllEngines, GoldenEngine, ::testing::ValuesIn(all_engines()),
                         engine_param_name);

}  // namespace
}  // namespace swlab::test
