// Every channel of the list through every engine suite, and what each channel owes
// the engine whatever its kind (polled, or driving its own loop as tokio does):
//
// - the engine suites (golden, differential, concurrency, load run) run
//   `single-writer:channel=<c>` for every channel besides the default, which plain
//   `single-writer` already is: a channel added to the list gets all of them;
// - an engine asleep for lack of work shuts down promptly (the stop reaches it
//   wherever it sleeps: the in-flight futex, the channel's own wait, the runtime);
// - a caller that polls done.ready() and never waits may reuse and destroy its
//   requests (a channel that keeps a reply handle per request releases it);
// - one client's commands are applied in the order it submitted them;
// - a channel this build left out is refused with the reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "engine/engine_registry.h"
#include "engine_factories.h"
#include "single_writer/single_writer_factory.h"

namespace swlab::test {
namespace {

using namespace std::chrono_literals;

const std::string& default_channel() {
  static const std::string c = EngineConfig{}.channel;
  return c;
}

const SuiteSpecRegistrar every_channel{[] {
  std::vector<std::string> specs;
  for (const std::string& c : single_writer_channels())
    if (c != default_channel()) specs.push_back("single-writer:channel=" + c);
  return specs;
}()};

class SingleWriterChannel : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<Engine> make(const std::string& options = "") {
    EngineConfig c;
    c.markets = 2;
    std::string why;
    auto e = EngineRegistry::instance().create("single-writer:channel=" + GetParam() + options, c, &why);
    EXPECT_TRUE(e) << why;
    return e;
  }
};

Command deposit(uint32_t market) {
  Command d;
  d.type = CommandType::kDeposit;
  d.market = market;
  d.account = 1;
  d.qty = 1;
  return d;
}

TEST_P(SingleWriterChannel, ASleepingEngineShutsDownPromptly) {
  auto e = make(":wait=blocking");
  ASSERT_TRUE(e);
  ASSERT_TRUE(e->execute(deposit(0), nullptr).ok());
  // Long enough for the blocking wait strategy (2,000 spins, 200 yields) to end in
  // a sleep, wherever this channel sleeps.
  std::this_thread::sleep_for(50ms);
  const auto t0 = std::chrono::steady_clock::now();
  e->shutdown();  // a stop that never reaches the sleeper hangs here (ctest's timeout)
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_EQ(e->execute(deposit(0), nullptr).reason, RejectReason::kShutdown);
}

TEST_P(SingleWriterChannel, RepliesPolledWithoutWaitingCanBeReusedAndDropped) {
  auto e = make();
  ASSERT_TRUE(e);
  constexpr uint64_t kRounds = 200;
  {
    Request req;
    for (uint64_t i = 1; i <= kRounds; ++i) {
      req.cmd = deposit(0);
      e->submit(req);
      while (!req.done.ready()) std::this_thread::yield();  // never e->wait(req)
      ASSERT_TRUE(req.reply.ok()) << "round " << i;
      ASSERT_EQ(req.reply.seq, i) << "round " << i;
    }
    // Destroyed here unwaited: a reply handle left in it is released (ASan's leak
    // check fails the asan build otherwise).
  }
  Request last;
  last.cmd = deposit(1);
  e->submit(last);
  e->wait(last);
  EXPECT_EQ(last.reply.seq, kRounds + 1);
  // Waiting consumed the channel's handle: the request serves again, and destroying
  // it releases nothing twice (ASan's double-free check, in the asan build).
  last.cmd = deposit(1);
  e->submit(last);
  e->wait(last);
  EXPECT_EQ(last.reply.seq, kRounds + 2);
}

TEST_P(SingleWriterChannel, OneClientsCommandsApplyInSubmissionOrder) {
  auto e = make(":batch=8");
  ASSERT_TRUE(e);
  constexpr int kWindow = 16, kCommands = 2000;
  std::vector<Request> slots(kWindow);
  std::vector<uint64_t> seq_of(kCommands, 0);
  std::vector<int> index_of(kWindow, -1);
  auto collect = [&](int w) {
    e->wait(slots[w]);
    ASSERT_TRUE(slots[w].reply.ok());
    seq_of[index_of[w]] = slots[w].reply.seq;
  };
  for (int i = 0; i < kCommands; ++i) {
    const int w = i % kWindow;
    if (index_of[w] >= 0) collect(w);
    slots[w].cmd = deposit(static_cast<uint32_t>(i % 2));
    index_of[w] = i;
    e->submit(slots[w]);
  }
  for (int w = 0; w < kWindow; ++w) collect(w);
  for (int i = 0; i < kCommands; ++i) ASSERT_EQ(seq_of[i], static_cast<uint64_t>(i + 1)) << "command " << i;
}

INSTANTIATE_TEST_SUITE_P(Channels, SingleWriterChannel, ::testing::ValuesIn(single_writer_channels()),
                         [](const auto& info) {
                           std::string s = info.param;
                           std::replace(s.begin(), s.end(), '-', '_');
                           return s;
                         });

TEST(UnbuiltChannel, IsRefusedWithTheReason) {
  // The mechanism, on an option of its own: a value this build left out is
  // refused with why, and is not among the values offered.
  EngineOption o = choice_option("channel", "how requests reach the engine thread", &EngineConfig::channel,
                                 {"spsc", "disruptor"});
  o.unbuilt.emplace_back("tokio", "not built: cargo not found");
  EXPECT_EQ(o.check("spsc"), "");
  EXPECT_EQ(o.check("tokio"), "channel tokio is not built: cargo not found; this build has spsc, disruptor");
  EXPECT_EQ(o.check("nope"), "channel must be one of spsc, disruptor");
  EXPECT_EQ(o.values().find("tokio"), std::string::npos);
}

TEST(UnbuiltChannel, TokioIsBuiltOrRefusedWithWhy) {
  const auto& names = single_writer_channels();
  const bool listed = std::find(names.begin(), names.end(), "tokio") != names.end();
  std::string why;
  auto e = EngineRegistry::instance().create("single-writer:channel=tokio", EngineConfig{}, &why);
#if SWLAB_HAVE_TOKIO
  EXPECT_TRUE(listed);
  ASSERT_TRUE(e) << why;
  EXPECT_TRUE(e->execute(deposit(0), nullptr).ok());
#else
  EXPECT_FALSE(listed);
  EXPECT_FALSE(e);
  EXPECT_NE(why.find("channel tokio is not built: "), std::string::npos) << why;
#endif
}

}  // namespace
}  // namespace swlab::test
