// The run schema (bench/run/run_setting.h, run_fields.h): one declaration of a run
// setting gives its flag, its help, where results record it and its line in
// `swlab schema`; the declared fields lay out a run object without reopening one.
#include <gtest/gtest.h>

#include <set>

#include "cli/run_options.h"
#include "run/json_reader.h"
#include "run/json_writer.h"
#include "run/run_fields.h"
#include "run/run_schema.h"
#include "run/run_setting.h"

namespace swlab {
namespace {

// A setting only this test brings: one declaration, nothing else.
const bool kTestKnob = [] {
  RunSettings::instance().add(count_setting("test-knob", "N", 0, 100)
                                  .in("test-only")
                                  .described("a setting only the schema test declares")
                                  .bound(extension_binding("test-knob", SettingValue(uint64_t{7}))));
  return true;
}();

TEST(RunSchema, ATestOnlySettingIsAFlagWithHelp) {
  ASSERT_TRUE(kTestKnob);
  RunPlan plan = cli::default_plan("run");
  testing::internal::CaptureStdout();
  EXPECT_EQ(cli::parse_run_plan("run", {"--help"}, &plan), 0);
  const std::string help = testing::internal::GetCapturedStdout();
  EXPECT_NE(help.find("--test-knob N"), std::string::npos) << help;
  EXPECT_NE(help.find("a setting only the schema test declares (0 to 100; default 7)"), std::string::npos);

  RunPlan given = cli::default_plan("run");
  EXPECT_EQ(cli::parse_run_plan("run", {"--engine", "mutex", "--test-knob", "42", "--duration", "0.1"}, &given), -1);
  ASSERT_TRUE(given.extensions.count("test-knob"));
  EXPECT_EQ(std::get<uint64_t>(given.extensions.at("test-knob")), 42u);

  RunPlan bad = cli::default_plan("run");
  testing::internal::CaptureStderr();
  EXPECT_EQ(cli::parse_run_plan("run", {"--test-knob", "101"}, &bad), 2);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("--test-knob: '101' is not a whole number from 0 to 100"),
            std::string::npos);
}

TEST(RunSchema, ATestOnlySettingIsRecordedWithEveryRunAndInTheSchema) {
  RunRecord r;
  r.engine = "mutex";
  r.preset = "balanced";
  r.id = "x";
  r.extensions["test-knob"] = uint64_t{42};
  std::string error;
  ASSERT_TRUE(EngineRegistry::instance().resolve("mutex", EngineConfig{}, &r.spec, &error)) << error;
  JsonWriter j;
  write_run_object(j, r);
  std::string why;
  const auto doc = Json::parse(j.str(), &why);
  ASSERT_TRUE(doc) << why;
  const Json* knob = doc->get("settings") ? doc->get("settings")->get("test_knob") : nullptr;
  ASSERT_NE(knob, nullptr) << j.str();
  EXPECT_EQ(knob->str(), "42");
  EXPECT_NE(csv_header().find(",test_knob"), std::string::npos);

  const auto schema = Json::parse(schema_json(cli::default_plan("run")), &why);
  ASSERT_TRUE(schema) << why;
  bool listed = false;
  for (const auto& s : schema->get("run_settings")->items())
    if (s->get("name")->str() == "test-knob") {
      listed = true;
      EXPECT_EQ(s->get("type")->str(), "count");
      EXPECT_EQ(s->get("scope")->str(), "run");
      EXPECT_EQ(s->get("default")->str(), "7");
      EXPECT_EQ(s->get("max")->str(), "100");
    }
  EXPECT_TRUE(listed);
}

// Fields under one parent are declared together: the writer opens each object once.
TEST(RunSchema, NoObjectOfARunIsOpenedTwice) {
  std::set<std::string> closed;
  std::vector<std::string> open;
  for (const RunField& f : run_fields()) {
    if (f.path.empty()) continue;
    std::vector<std::string> parents;
    std::string prefix;
    for (char c : f.path) {
      if (c == '.') parents.push_back(prefix);
      prefix += c;
    }
    while (!open.empty() && (parents.empty() || std::find(parents.begin(), parents.end(), open.back()) == parents.end())) {
      closed.insert(open.back());
      open.pop_back();
    }
    for (const auto& p : parents) {
      if (std::find(open.begin(), open.end(), p) != open.end()) continue;
      EXPECT_FALSE(closed.count(p)) << f.path << " reopens " << p;
      open.push_back(p);
    }
  }
}

// Every setting reads back what it writes: a value's flag text parses to the value.
TEST(RunSchema, EverySettingsDefaultParsesBackFromItsFlagText) {
  const RunPlan plan = cli::default_plan("run");
  std::set<std::string> keys;
  for (const RunSetting& s : RunSettings::instance().all()) {
    EXPECT_TRUE(keys.insert(s.key()).second) << s.name << " declared twice";
    EXPECT_FALSE(s.help.empty()) << s.name;
    EXPECT_TRUE(s.binding.store) << s.name;
    if (s.recorded_per_run()) {
      EXPECT_TRUE(s.binding.run_value) << s.name << " is recorded but has no run value";
    }
    if (s.type == SettingType::kSwitch || !s.binding.plan_value) continue;
    const SettingValue v = s.binding.plan_value(plan);
    const std::string text = to_flag_text(v);
    if (text.empty() || text == "auto") continue;
    SettingValue back;
    EXPECT_EQ(s.parse(text, &back), "") << s.name << " '" << text << "'";
    EXPECT_EQ(to_flag_text(back), text) << s.name;
  }
}

TEST(RunSchema, NumbersKeepEveryDigit) {
  EXPECT_EQ(shortest(1000.4), "1000.4");
  EXPECT_EQ(shortest(0.1), "0.1");
  EXPECT_EQ(shortest(1e6), "1000000");
  EXPECT_EQ(shortest(2.5e-7), "2.5e-07");
  EXPECT_EQ(to_json(SettingValue(std::vector<double>{1000.2, 1e9})), "[1000.2, 1000000000]");
  uint64_t n;
  double x;
  EXPECT_FALSE(parse_count("0x10", &n));
  EXPECT_FALSE(parse_decimal("0x10", &x));
  EXPECT_FALSE(parse_decimal("inf", &x));
  EXPECT_FALSE(parse_decimal("nan", &x));
  EXPECT_FALSE(parse_decimal("1e400", &x));
  EXPECT_TRUE(parse_decimal("-1.5e3", &x));
  EXPECT_EQ(x, -1500);
}

}  // namespace
}  // namespace swlab
