// The test support's own checks: the comparison every script test relies on, and the
// reply checks every engine suite applies. A check here that passed everything would
// make every suite built on it vacuous.
#include <gtest/gtest.h>

#include <string>

#include "core/market.h"
#include "reply_checks.h"
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

Command command(CommandType type) {
  Command c;
  c.type = type;
  return c;
}

Reply answered(Status status, uint16_t shard = 0, uint64_t seq = 0) {
  Reply r;
  r.status = status;
  r.shard = shard;
  r.seq = seq;
  return r;
}

TEST(ReplyChecks, AnUnsetOrStubReplyIsNoAnswer) {
  ReplyTally t;
  t.add(command(CommandType::kTop), answered(Status::kOk), nullptr);
  EXPECT_TRUE(every_reply_answered(t));
  ReplyTally unset = t;
  unset.add(command(CommandType::kTop), Reply{}, nullptr);
  EXPECT_FALSE(every_reply_answered(unset));
  EXPECT_EQ(unset.unset, 1);
  ReplyTally stub = t;
  Reply r = answered(Status::kRejected);
  r.reason = RejectReason::kNotImplemented;
  stub.add(command(CommandType::kDeposit), r, nullptr);
  EXPECT_FALSE(every_reply_answered(stub));
  EXPECT_TRUE(stub.numbered.empty()) << "a stub's refusal is no state change";
}

TEST(ReplyChecks, ATradeCountUnlikeTheTradesReportedIsCaught) {
  ReplyTally t;
  ReplyBuffers out;
  out.trades.push_back(Trade{1, 100, 1, 1, 2, 2});
  Reply r = answered(Status::kOk, 0, 1);
  r.trades = 2;
  t.add(command(CommandType::kBuy), r, &out);
  EXPECT_FALSE(every_reply_answered(t));
}

ReplyTally numbered(std::initializer_list<std::pair<uint16_t, uint64_t>> seqs) {
  ReplyTally t;
  for (auto [shard, seq] : seqs) t.add(command(CommandType::kDeposit), answered(Status::kOk, shard, seq), nullptr);
  t.add(command(CommandType::kTop), answered(Status::kOk, 0, 99), nullptr);  // a query: not numbered
  return t;
}

TEST(ReplyChecks, SequenceNumbersArePerShardAndGapFree) {
  EXPECT_TRUE(numbered_without_gaps(numbered({{0, 2}, {1, 1}, {0, 1}, {1, 2}, {0, 3}}), true));
  EXPECT_FALSE(numbered_without_gaps(numbered({{0, 1}, {0, 3}}), true)) << "a gap";
  EXPECT_FALSE(numbered_without_gaps(numbered({{0, 1}, {0, 1}, {0, 2}}), false)) << "a repeat";
  // Two shards that number independently but report the same shard: the bug of a
  // sharded engine that leaves Reply::shard unset.
  EXPECT_FALSE(numbered_without_gaps(numbered({{0, 1}, {0, 2}, {0, 1}, {0, 2}}), false));
  EXPECT_FALSE(numbered_without_gaps(numbered({{0, 1}, {0, 0}}), false)) << "one left unnumbered";
  EXPECT_FALSE(numbered_without_gaps(numbered({{0, 2}, {0, 3}}), true)) << "not starting at 1";
}

TEST(ReplyChecks, AnEngineThatNumbersNothingPassesOnlyWhenNumberingIsOptional) {
  EXPECT_TRUE(numbered_without_gaps(numbered({{0, 0}, {0, 0}}), false));
  EXPECT_FALSE(numbered_without_gaps(numbered({{0, 0}, {0, 0}}), true));
  EXPECT_FALSE(numbered_without_gaps(ReplyTally{}, true));
}

class MarketsEngine final : public Engine {
 public:
  explicit MarketsEngine(uint32_t visits) : visits_(visits) {}
  std::string_view name() const override { return "markets"; }
  Reply execute(const Command&, ReplyBuffers*) override { return answered(Status::kOk); }
  void submit(Request& r) override {
    r.reply = execute(r.cmd, r.out);
    r.done.complete_inline();
  }
  void for_each_market(const std::function<void(uint32_t, const Market&)>& f) override {
    for (uint32_t i = 0; i < visits_; ++i) f(i, market_);
  }
  void shutdown() override {}

 private:
  const uint32_t visits_;
  Market market_;
};

TEST(ReplyChecks, InvariantsAreCheckedOnEveryMarket) {
  MarketsEngine all(4), none(0), some(2);
  EXPECT_TRUE(invariants_hold(all, 4));
  EXPECT_FALSE(invariants_hold(none, 4)) << "an inspection that visits nothing proves nothing";
  EXPECT_FALSE(invariants_hold(some, 4));
}

}  // namespace
}  // namespace swlab::test
