// Concurrency stress for every engine: several threads issue random commands at
// once; afterwards the invariants hold and every command got exactly one reply.
// Runs in the tsan build in CI: a data race anywhere here fails the build.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include "engine_factories.h"
#include "random_commands.h"

namespace swlab::test {
namespace {

constexpr int kThreads = 4;
constexpr uint32_t kMarkets = 4;

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr int kCommandsPerThread = 4000;
#else
constexpr int kCommandsPerThread = 20000;
#endif

class Concurrency : public ::testing::TestWithParam<std::string> {};

TEST_P(Concurrency, BlockingCallsKeepInvariants) {
  auto engine = make_engine(GetParam(), kMarkets);
  std::atomic<int64_t> replies{0}, ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(1000 + t);
      int64_t next_id = 0;
      ReplyBuffers buffers;
      for (int i = 0; i < kCommandsPerThread; ++i) {
        buffers.clear();
        Reply r = engine->execute(random_command(rng, t, &next_id, kMarkets), &buffers);
        replies.fetch_add(1, std::memory_order_relaxed);
        if (r.ok()) ok.fetch_add(1, std::memory_order_relaxed);
        ASSERT_NE(r.reason, RejectReason::kShutdown);
        ASSERT_EQ(buffers.trades.size(), r.trades);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(replies.load(), int64_t{kThreads} * kCommandsPerThread);
  EXPECT_GT(ok.load(), replies.load() / 4) << "the mix should mostly succeed, or it tests little";
  std::string why;
  EXPECT_TRUE(engine->check_invariants(&why)) << why;
}

TEST_P(Concurrency, PipelinedSubmitsEachCompleteOnce) {
  constexpr int kWindow = 8;
  auto engine = make_engine(GetParam(), kMarkets);
  std::vector<std::vector<std::pair<uint16_t, uint64_t>>> seqs(kThreads);  // (shard, seq)
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(2000 + t);
      int64_t next_id = 0;
      std::vector<Request> window(kWindow);
      std::vector<ReplyBuffers> buffers(kWindow);
      int submitted = 0, completed = 0;
      std::vector<bool> busy(kWindow, false);
      while (completed < kCommandsPerThread) {
        for (int w = 0; w < kWindow; ++w) {
          if (busy[w] && window[w].done.ready()) {
            busy[w] = false;
            ++completed;
            ASSERT_EQ(buffers[w].trades.size(), window[w].reply.trades);
            // Queries carry the number of the state they read; only state changes
            // take numbers of their own.
            if (!is_query(window[w].cmd.type)) seqs[t].emplace_back(window[w].reply.shard, window[w].reply.seq);
          }
          if (!busy[w] && submitted < kCommandsPerThread) {
            buffers[w].clear();
            window[w].cmd = random_command(rng, t, &next_id, kMarkets);
            window[w].out = &buffers[w];
            busy[w] = true;
            ++submitted;
            engine->submit(window[w]);
          }
        }
        if (completed < submitted && std::none_of(window.begin(), window.end(), [](Request& r) {
              return r.done.ready();
            })) {
          // Wait on the oldest busy slot rather than spin: keeps 2-core CI moving.
          for (int w = 0; w < kWindow; ++w)
            if (busy[w]) {
              engine->wait(window[w]);
              break;
            }
        }
      }
      EXPECT_EQ(submitted, kCommandsPerThread);
    });
  }
  for (auto& th : threads) th.join();
  std::string why;
  EXPECT_TRUE(engine->check_invariants(&why)) << why;
  if (engine->asynchronous()) {
    // The single-writer engines number what they apply (per shard): no number twice.
    std::vector<std::pair<uint16_t, uint64_t>> all;
    for (auto& v : seqs) all.insert(all.end(), v.begin(), v.end());
    std::sort(all.begin(), all.end());
    ASSERT_GT(all.size(), size_t{kThreads} * kCommandsPerThread / 2);
    EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "a sequence number repeats";
    // Every state change came from these clients, so per shard the numbers are
    // exactly 1..n: none skipped.
    for (std::size_t i = 0; i < all.size(); ++i) {
      const bool first_of_shard = i == 0 || all[i].first != all[i - 1].first;
      ASSERT_EQ(all[i].second, first_of_shard ? 1u : all[i - 1].second + 1)
          << "shard " << all[i].first << ": a gap in the sequence";
    }
    EXPECT_GE(all.front().second, 1u);
  }
}

TEST_P(Concurrency, ShutdownUnderLoadAnswersEveryRequest) {
  auto engine = make_engine(GetParam(), kMarkets);
  std::atomic<bool> go{false};
  std::atomic<int64_t> served{0}, refused{0}, submitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(3000 + t);
      int64_t next_id = 0;
      while (!go.load()) std::this_thread::yield();
      // Keep going until the engine refuses: the shutdown lands mid-stream.
      while (true) {
        Request req;
        req.cmd = random_command(rng, t, &next_id, kMarkets);
        submitted.fetch_add(1);
        engine->submit(req);
        engine->wait(req);
        if (req.reply.reason == RejectReason::kShutdown) {
          refused.fetch_add(1);
          break;
        }
        served.fetch_add(1);
      }
    });
  }
  go.store(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  engine->shutdown();
  for (auto& th : threads) th.join();  // a lost request would hang here (ctest timeout)
  EXPECT_EQ(served.load() + refused.load(), submitted.load());
  EXPECT_EQ(refused.load(), kThreads);
  EXPECT_GT(served.load(), 0);
  Reply late = engine->execute(Command{}, nullptr);
  EXPECT_EQ(late.reason, RejectReason::kShutdown);
  engine->shutdown();  // idempotent
}

INSTANTIATE_TEST_SUITE_P(AllEngines, Concurrency, ::testing::ValuesIn(all_engines()),
                         engine_param_name);

}  // namespace
}  // namespace swlab::test
