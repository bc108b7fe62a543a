// Sharded engines: N independent engines, each the only owner of the markets that
// hash(market) % N assigns it, and a router in front. The hash of a market is its
// index (markets are dense small integers, so the identity spreads them evenly:
// market m goes to shard m % N: shard_of_market in persistence/shard_layout.h,
// which a journaling sharded engine records in its directory's swlab.shards).
//
// Why no command ever touches two shards: every command names exactly one market,
// and a market's book and ledger live in one shard. A cross-market command (a
// transfer between markets, an order on a spread) would need both shards to agree:
// a two-phase protocol, or one sequencer in front of both, which is exactly the
// coordination sharding exists to avoid. The digest and the invariant check are the
// only operations that visit every shard; they do so market by market, so each
// market is seen at a consistent point, but not all markets at the same instant.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "persistence/dir_lock.h"
#include "persistence/shard_layout.h"

namespace swlab {

class ShardedEngine final : public Engine {
 public:
  // layout_lock: the lock of the directory whose layout (persistence/shard_layout.h)
  // the shards were opened under, held while the engine lives; null without one.
  ShardedEngine(std::string name, uint32_t markets, std::vector<std::unique_ptr<Engine>> shards,
                std::unique_ptr<StateDirLock> layout_lock = nullptr);
  ~ShardedEngine() override { shutdown(); }

  std::string_view name() const override { return name_; }
  Reply execute(const Command& cmd, ReplyBuffers* out) override;
  void submit(Request& req) override;
  bool asynchronous() const override { return shards_.front()->asynchronous(); }
  // Every shard runs the same reply path, so any shard's waiting side fits.
  void wait(Request& req) override { shards_.front()->wait(req); }
  void for_each_market(const std::function<void(uint32_t, const Market&)>& f) override;
  void for_market(uint32_t market, const std::function<void(const Market&)>& f) override;
  void shutdown() override;
  uint32_t worker_threads() const override;
  double worker_cpu_seconds() const override;
  std::vector<pthread_t> worker_handles() const override;
  std::string failure() const override;            // the first shard's failure, named
  bool snapshot(std::string* error) override;      // every shard, each at its own seq

  std::size_t shards() const { return shards_.size(); }

 private:
  Engine& shard_of(uint32_t market) {
    return *shards_[shard_of_market(market, static_cast<uint32_t>(shards_.size()))];
  }

  // No lock here, and none needed: the router's state is fixed when it is built
  // (const: the compiler refuses a write after the constructor) and every call only
  // reads it. Each shard serialises its own commands; the thread-safety analysis
  // checks the locks of the sharded-mutex's shards (locked_engine.h).
  const std::string name_;
  const uint32_t markets_;
  // Declared before the shards: released after they have closed their journals.
  const std::unique_ptr<StateDirLock> layout_lock_;
  const std::vector<std::unique_ptr<Engine>> shards_;
};

}  // namespace swlab
