// The results reader behind `swlab run --from` (bench/json_reader.h): what it keeps
// exactly, and the one message it gives for each kind of malformed input.
#include <gtest/gtest.h>

#include <string>

#include "run/json_reader.h"

namespace swlab {
namespace {

std::string error_of(const std::string& text) {
  std::string error;
  EXPECT_EQ(Json::parse(text, &error), nullptr) << text;
  return error;
}

TEST(JsonReader, NestedValuesKeepTheirOrderAndExactIntegers) {
  std::string error;
  auto j = Json::parse(R"( {"a": [1, {"b": "x\"y"}, [], {}], "seed": 18446744073709551615, "t": true, "n": null} )",
                       &error);
  ASSERT_NE(j, nullptr) << error;
  ASSERT_TRUE(j->is_object());
  const Json* a = j->get("a");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->items().size(), 4u);
  EXPECT_EQ(a->items()[0]->number(), 1);
  EXPECT_EQ(a->items()[1]->get("b")->str(), "x\"y");
  EXPECT_TRUE(a->items()[2]->is_array());
  EXPECT_TRUE(a->items()[2]->items().empty());
  EXPECT_TRUE(a->items()[3]->is_object());
  uint64_t seed = 0;
  ASSERT_TRUE(j->get("seed")->as_u64(&seed));
  EXPECT_EQ(seed, 18446744073709551615ull);  // a double would round it
  EXPECT_TRUE(j->get("t")->boolean());
  EXPECT_TRUE(j->get("n")->is_null());
  EXPECT_EQ(j->get("missing"), nullptr);
}

TEST(JsonReader, MalformedInputNamesTheOffsetAndWhatWasExpected) {
  EXPECT_EQ(error_of(R"({"a":1,})"), "offset 7: expected a string key");
  EXPECT_EQ(error_of("[1,2"), "offset 4: expected ',' or ']'");
  EXPECT_EQ(error_of(R"({"a" 1})"), "offset 5: expected ':'");
  EXPECT_EQ(error_of("[1 2]"), "offset 3: expected ',' or ']'");
  EXPECT_EQ(error_of(R"({"a":1)"), "offset 6: expected ',' or '}'");
  EXPECT_NE(error_of(std::string(100, '[') + std::string(100, ']')).find("deep"), std::string::npos);
}

}  // namespace
}  // namespace swlab
