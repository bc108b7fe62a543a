// Lab 4 autograder, on top of the shared suites the registered `lab4-sharded` gets
// (golden scripts, reference model, concurrency and shutdown under load, load runs,
// per-shard gap-free numbering; labs/common/lab_suite.cpp). These check the
// routing: the owner of each market, independent shards, the shard count.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "core/exchange.h"
#include "engine/engine_registry.h"
#include "lab4.h"
#include "lab_support.h"

namespace swlab::lab4 {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<Engine> make(uint32_t markets, uint32_t shards = 0) {
  EngineConfig c;
  c.markets = markets;
  c.shards = shards;
  std::string why;
  auto e = EngineRegistry::instance().create("lab4-sharded", c, &why);
  EXPECT_TRUE(e) << why;
  return e;
}

Command deposit(uint32_t market, int64_t amount = 10) {
  Command c;
  c.type = CommandType::kDeposit;
  c.market = market;
  c.account = 1;
  c.asset = Asset::kCash;
  c.qty = amount;
  return c;
}

TEST(Lab4Routing, ShardCount) {
  EngineConfig c;
  c.markets = 8;
  EXPECT_EQ(shard_count(c), 4u);
  c.markets = 3;
  EXPECT_EQ(shard_count(c), 3u);
  c.shards = 5;
  EXPECT_EQ(shard_count(c), 5u);
  auto e = make(8, 2);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->worker_threads(), 2u) << "one engine thread per shard";
  EXPECT_TRUE(e->asynchronous());
}

TEST(Lab4Routing, EachMarketGoesToItsOwnerAndEachShardNumbersItsOwn) {
  auto e = make(8, 3);
  ASSERT_TRUE(e);
  std::vector<uint64_t> next(3, 0);
  for (int round = 0; round < 2; ++round)
    for (uint32_t m = 0; m < 8; ++m) {
      Reply r = e->execute(deposit(m), nullptr);
      ASSERT_TRUE(r.ok()) << "market " << m;
      EXPECT_EQ(r.shard, m % 3) << "market " << m << " belongs to shard " << m % 3;
      EXPECT_EQ(r.seq, ++next[m % 3]) << "market " << m << ": each shard numbers its own mutations";
    }
  Command unknown = deposit(99);
  EXPECT_EQ(e->execute(unknown, nullptr).reason, RejectReason::kUnknownMarket);
}

TEST(Lab4Routing, TheDigestCoversEveryShard) {
  auto e = make(8, 4);
  ASSERT_TRUE(e);
  Exchange alone(8);
  for (uint32_t m = 0; m < 8; ++m) {
    e->execute(deposit(m, 100 + m), nullptr);
    alone.apply(deposit(m, 100 + m), nullptr);
  }
  Command digest;
  digest.type = CommandType::kDigest;
  EXPECT_EQ(e->execute(digest, nullptr).digest, alone.digest()) << "execute";
  Request req;
  req.cmd = digest;
  e->submit(req);
  e->wait(req);
  EXPECT_EQ(req.reply.digest, alone.digest()) << "submit";
  std::vector<uint32_t> seen;
  e->for_each_market([&](uint32_t i, const Market&) { seen.push_back(i); });
  EXPECT_EQ(seen, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7})) << "every market, in index order";
}

// While shard 0 is held busy for a second, commands for shard 1's markets go
// through: the router must not serialise callers (no global lock, no shared queue).
TEST(Lab4Routing, ABusyShardDoesNotHoldUpTheOthers) {
  auto e = make(4, 2);
  ASSERT_TRUE(e);
  auto held = std::make_shared<std::atomic<bool>>(false);
  auto returned = std::make_shared<std::atomic<bool>>(false);
  std::thread holder([&e, held, returned] {
    e->for_market(0, [&](const Market&) {
      held->store(true);
      std::this_thread::sleep_for(1000ms);
    });
    returned->store(true);
  });
  while (!held->load() && !returned->load()) std::this_thread::yield();
  if (!held->load()) {
    holder.join();
    FAIL() << "for_market(0) did not run on market 0's shard";
  }
  int ok = 0;
  for (int i = 0; i < 20; ++i) ok += e->execute(deposit(1), nullptr).ok();
  const bool holder_done = returned->load();
  holder.join();
  EXPECT_EQ(ok, 20);
  EXPECT_FALSE(holder_done) << "market 1's commands waited until shard 0 was released";
}

TEST(Lab4Routing, ShutdownStopsEveryShard) {
  auto e = make(6, 3);
  ASSERT_TRUE(e);
  ASSERT_TRUE(e->execute(deposit(2), nullptr).ok());
  e->shutdown();
  for (uint32_t m = 0; m < 6; ++m) EXPECT_EQ(e->execute(deposit(m), nullptr).reason, RejectReason::kShutdown) << m;
  e->shutdown();  // idempotent
}

}  // namespace
}  // namespace swlab::lab4
