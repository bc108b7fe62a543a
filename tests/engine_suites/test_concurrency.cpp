// Concurrency stress for every engine: several threads issue random commands at
// once; afterwards the invariants hold, every command got exactly one reply that is
// an answer, and the state changes are numbered 1..n per shard. Then shutdown under
// load. Runs in the tsan build in CI: a data race anywhere here fails the build.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "engine_factories.h"
#include "pipelined_window.h"
#include "random_commands.h"
#include "reply_checks.h"
#include "tsan_unverifiable.h"

namespace swlab::test {
namespace {

constexpr int kThreads = 4;
constexpr uint32_t kMarkets = 4;

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr int kCommandsPerThread = 4000;
#else
constexpr int kCommandsPerThread = 20000;
#endif

class Concurrency : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
#if defined(__SANITIZE_THREAD__)
    // Several client threads at once: skip, with the reason, a channel whose
    // synchronisation ThreadSanitizer cannot verify (tsan_unverifiable.h).
    if (const std::string why = tsan_cannot_verify_spec(GetParam()); !why.empty()) GTEST_SKIP() << why;
#endif
  }
};

TEST_P(Concurrency, BlockingCallsKeepInvariants) {
  auto engine = make_engine(GetParam(), kMarkets);
  ASSERT_TRUE(engine);
  std::vector<ReplyTally> tallies(kThreads);
  run_random_clients(*engine, kThreads, kCommandsPerThread, 1000, 0, kMarkets,
                     [&](int t, const Command& c, const Reply& r, const ReplyBuffers* buffers) {
                       tallies[t].add(c, r, buffers);
                       return true;
                     });
  ReplyTally all;
  for (const ReplyTally& t : tallies) all.merge(t);
  EXPECT_EQ(all.replies, int64_t{kThreads} * kCommandsPerThread);
  EXPECT_TRUE(every_reply_answered(all));
  EXPECT_EQ(all.refused(RejectReason::kShutdown), 0);
  EXPECT_GT(all.ok, all.replies / 4) << "the mix should mostly succeed, or it tests little";
  // Lock engines number under their lock, single-writer engines on their thread; an
  // engine with its own thread is a sequencing point and must number.
  EXPECT_TRUE(numbered_without_gaps(all, engine->asynchronous()));
  EXPECT_TRUE(invariants_hold(*engine, kMarkets));
}

TEST_P(Concurrency, PipelinedSubmitsEachCompleteOnce) {
  auto engine = make_engine(GetParam(), kMarkets);
  ASSERT_TRUE(engine);
  if (!engine->asynchronous())
    GTEST_SKIP() << GetParam() << " completes every submit inline (asynchronous() is false): nothing is "
                 << "ever in flight, so there is no pipelining to test (BlockingCallsKeepInvariants covers it)";
  PipelineConfig config;
  config.threads = kThreads;
  config.window = 8;
  config.commands_per_thread = kCommandsPerThread;
  config.markets = kMarkets;
  const PipelineRun run = run_pipelined(*engine, config);
  const int64_t n = int64_t{kThreads} * kCommandsPerThread;
  EXPECT_EQ(run.submitted, n);
  EXPECT_EQ(run.completed, n);
  EXPECT_TRUE(every_reply_answered(run.replies));
  EXPECT_GT(run.replies.ok, n / 4) << "the mix should mostly succeed, or it tests little";
  EXPECT_TRUE(invariants_hold(*engine, kMarkets));
  // Queries carry the number of the state they read; only state changes take numbers
  // of their own, and every state change came from these clients, so per shard the
  // numbers are exactly 1..n.
  EXPECT_GT(run.replies.numbered.size(), static_cast<std::size_t>(n / 2));
  EXPECT_TRUE(numbered_without_gaps(run.replies, true))
      << run.pending_after_submit << " of " << n << " submits returned with the request still in flight";
}

// Clients keep sending deposits (always valid) while the engine is shut down under
// them: before the stop every one is served `ok`, after it every one is refused
// `shutdown`, and no caller is left waiting (a lost request hangs the test). With an
// asynchronous engine each client keeps a window in flight, so the stop lands on
// requests admitted and not yet applied: each of those is answered too.
TEST_P(Concurrency, ShutdownUnderLoadServesThenRefuses) {
  auto engine = make_engine(GetParam(), kMarkets);
  ASSERT_TRUE(engine);
  const std::size_t window = engine->asynchronous() ? 4 : 1;
  std::atomic<bool> go{false}, stopped{false};
  std::atomic<int64_t> served{0}, refused{0}, other{0}, served_after_stop{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      std::vector<Request> slots(window);
      std::vector<bool> busy(window, false), late(window, false);
      bool done = false;  // stop sending: refused, or a reply that should not be
      int64_t i = 0;
      while (!go.load()) std::this_thread::yield();
      while (true) {
        bool any_busy = false;
        for (std::size_t w = 0; w < window; ++w) {
          if (busy[w]) {
            engine->wait(slots[w]);
            busy[w] = false;
            const Reply& r = slots[w].reply;
            if (r.status == Status::kRejected && r.reason == RejectReason::kShutdown) {
              refused.fetch_add(1);
              done = true;
            } else if (r.ok() && !late[w]) {
              served.fetch_add(1);
            } else if (r.ok()) {
              // shutdown() had returned before this was submitted: it must be refused.
              served_after_stop.fetch_add(1);
              done = true;
            } else {
              // Unset, not_implemented, or any other refusal of a valid deposit: the
              // test has its answer, and an engine that never refuses cannot hang it.
              other.fetch_add(1);
              done = true;
            }
          }
          if (!done) {
            Request& req = slots[w];
            req.cmd = Command{};
            req.cmd.type = CommandType::kDeposit;
            req.cmd.market = static_cast<uint32_t>(i++ % kMarkets);
            req.cmd.account = t;
            req.cmd.qty = 1;
            req.out = nullptr;
            late[w] = stopped.load(std::memory_order_acquire);
            busy[w] = true;
            engine->submit(req);
          }
          any_busy |= busy[w];
        }
        if (done && !any_busy) return;
      }
    });
  go.store(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  engine->shutdown();
  stopped.store(true, std::memory_order_release);
  for (auto& th : threads) th.join();  // a lost request would hang here (ctest timeout)
  EXPECT_GT(served.load(), 0) << "no deposit was served before the shutdown";
  EXPECT_EQ(other.load(), 0) << "a deposit got neither `ok` nor `shutdown`";
  EXPECT_EQ(served_after_stop.load(), 0) << "a deposit submitted after shutdown() returned was served";
  EXPECT_GE(refused.load(), kThreads) << "every client stops at its first `shutdown`";
  const Reply late = engine->execute(Command{}, nullptr);
  EXPECT_EQ(late.status, Status::kRejected);
  EXPECT_EQ(late.reason, RejectReason::kShutdown);
  engine->shutdown();  // idempotent
}

INSTANTIATE_TEST_SUITE_P(AllEngines, Concurrency, ::testing::ValuesIn(all_engines()),
                         engine_param_name);

}  // namespace
}  // namespace swlab::test
