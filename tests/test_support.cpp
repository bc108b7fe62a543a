// The test support's own checks: the comparison every script test relies on. A check
// here that passed everything would make every suite built on it vacuous.
#include <gtest/gtest.h>

#include <string>

#include "script_runner.h"

namespace swlab::test {
namespace {

std::string lines(int from, int to) {
  std::string s;
  for (int i = from; i <= to; ++i) s += "line " + std::to_string(i) + "\n";
  return s;
}

TEST(ScriptRunner, IdenticalOutputsHaveNoDifference) {
  EXPECT_FALSE(first_difference("", ""));
  EXPECT_FALSE(first_difference(lines(1, 50), lines(1, 50)));
  EXPECT_TRUE(same_output("s", lines(1, 3), lines(1, 3)));
}

TEST(ScriptRunner, FirstDifferenceNamesTheLineAndBothSides) {
  const std::string expected = lines(1, 10);
  const std::string actual = lines(1, 6) + "something else\n" + lines(8, 9) + "and more\n";
  auto d = first_difference(expected, actual);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->line, 7);
  EXPECT_EQ(d->expected, "line 7\n");
  EXPECT_EQ(d->actual, "something else\n");
  const ::testing::AssertionResult r = same_output("07_example.in", expected, actual);
  EXPECT_FALSE(r);
  const std::string message = r.message();
  EXPECT_NE(message.find("07_example.in"), std::string::npos) << message;
  EXPECT_NE(message.find("line 7"), std::string::npos) << message;
  EXPECT_NE(message.find("'line 7'"), std::string::npos) << message;
  EXPECT_NE(message.find("'something else'"), std::string::npos) << message;
  EXPECT_EQ(message.find("and more"), std::string::npos) << "it stops at the first difference: " << message;
}

TEST(ScriptRunner, AShorterOutputEndsWhereTheOtherGoesOn) {
  const std::string five = lines(1, 5), three = lines(1, 3);
  auto d = first_difference(five, three);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->line, 4);
  EXPECT_EQ(d->expected, "line 4\n");
  EXPECT_FALSE(d->actual);
  EXPECT_NE(std::string(same_output("s", five, three).message()).find("(end of output)"), std::string::npos);
  d = first_difference("", "extra\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->line, 1);
  EXPECT_FALSE(d->expected);
}

TEST(ScriptRunner, AMissingFinalNewlineIsADifference) {
  auto d = first_difference("a\nb\n", "a\nb");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->line, 2);
  EXPECT_NE(std::string(same_output("s", "a\nb\n", "a\nb").message()).find("no newline"), std::string::npos);
}

TEST(ScriptRunner, TheReportOfTwoLongOutputsStaysShort) {
  // GoogleTest's diff of two long strings prints thousands of lines; this prints one
  // pair, however long the outputs are.
  const std::string expected = lines(1, 100000);
  std::string actual = expected;
  actual.replace(actual.find("line 50000\n"), 10, "line 5000x");
  const ::testing::AssertionResult r = same_output("s", expected, actual);
  EXPECT_FALSE(r);
  EXPECT_LT(std::string(r.message()).size(), 300u) << r.message();
  EXPECT_NE(std::string(r.message()).find("line 50000"), std::string::npos) << r.message();
}

}  // namespace
}  // namespace swlab::test
