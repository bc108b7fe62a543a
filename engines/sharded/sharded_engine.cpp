#include "sharded/sharded_engine.h"

#include <algorithm>
#include <mutex>

#include "engine/engine_registry.h"
#include "locks/locked_engine.h"
#include "platform/cpu_count.h"
#include "single_writer/single_writer_factory.h"

namespace swlab {

ShardedEngine::ShardedEngine(std::string name, uint32_t markets, std::vector<std::unique_ptr<Engine>> shards,
                             std::unique_ptr<StateDirLock> layout_lock)
    : name_(std::move(name)), markets_(markets), layout_lock_(std::move(layout_lock)), shards_(std::move(shards)) {}

Reply ShardedEngine::execute(const Command& cmd, ReplyBuffers* out) {
  if (cmd.type == CommandType::kDigest) {
    Reply r;
    r.status = Status::kOk;
    r.digest = digest();
    return r;
  }
  // Every shard stamps its own index in Reply::shard (core/types.h): per shard the
  // sequence numbers start at 1, so (shard, seq) is what names a mutation.
  return shard_of(cmd.market).execute(cmd, out);
}

void ShardedEngine::submit(Request& req) {
  if (req.cmd.type == CommandType::kDigest) {
    // Visits every shard: answered here, before submit returns.
    req.done.reset();
    req.reply = Reply{};
    req.reply.status = Status::kOk;
    req.reply.digest = digest();
    req.done.complete();
    return;
  }
  shard_of(req.cmd.market).submit(req);
}

void ShardedEngine::for_each_market(const std::function<void(uint32_t, const Market&)>& f) {
  for (uint32_t i = 0; i < markets_; ++i) shard_of(i).for_market(i, [&](const Market& m) { f(i, m); });
}

void ShardedEngine::for_market(uint32_t market, const std::function<void(const Market&)>& f) {
  shard_of(market).for_market(market, f);
}

void ShardedEngine::shutdown() {
  for (auto& s : shards_) s->shutdown();
}

uint32_t ShardedEngine::worker_threads() const {
  uint32_t n = 0;
  for (const auto& s : shards_) n += s->worker_threads();
  return n;
}

double ShardedEngine::worker_cpu_seconds() const {
  double t = 0;
  for (const auto& s : shards_) t += s->worker_cpu_seconds();
  return t;
}

std::vector<pthread_t> ShardedEngine::worker_handles() const {
  std::vector<pthread_t> v;
  for (const auto& s : shards_)
    for (pthread_t t : s->worker_handles()) v.push_back(t);
  return v;
}

std::string ShardedEngine::failure() const {
  for (std::size_t i = 0; i < shards_.size(); ++i)
    if (std::string f = shards_[i]->failure(); !f.empty()) return "shard " + std::to_string(i) + ": " + f;
  return {};
}

bool ShardedEngine::snapshot(std::string* error) {
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    std::string why;
    if (!shards_[i]->snapshot(&why)) {
      if (error) *error = "shard " + std::to_string(i) + ": " + why;
      return false;
    }
  }
  return true;
}

namespace {

// Without shards=N: half the usable CPUs (at least one, at most one per market).
// Each single-writer shard is a thread that wants a core of its own; with more
// shards than the clients leave free, every request pays a futex wake-up and a
// context switch (on 2 CPUs the old default of 4 shards ran 10-30x below one
// single-writer). sharded-mutex uses the same rule so both partition alike.
void resolve_shards(EngineConfig& c) {
  if (c.shards != 0) return;
  const uint32_t half = static_cast<uint32_t>(usable_cpus() / 2);
  c.shards = std::clamp<uint32_t>(half, 1, c.markets == 0 ? 1 : c.markets);
}

const EngineRegistrar single_writer_shards{EngineInfo{
    .name = "sharded-single-writer",
    .description = "one single-writer engine per shard of markets (market % shards); callers route by market",
    .rank = 50,
    .options =
        [] {
          std::vector<EngineOption> v{shards_option()};
          for (EngineOption& o : single_writer_options()) v.push_back(std::move(o));
          return v;
        }(),
    .journals = true,
    .command_work = true,
    .resolve = resolve_shards,
    .make = [](const EngineConfig& c, std::string* error) -> std::unique_ptr<Engine> {
      // The directory's layout first: a shard count or a market count other than the
      // one it was written with is refused before any shard recovers or writes.
      std::unique_ptr<StateDirLock> layout_lock;
      if (!c.persistence.dir.empty()) {
        layout_lock = claim_shard_layout(posix_file_system(), c.persistence.dir, ShardLayout{c.shards, c.markets}, error);
        if (!layout_lock) return nullptr;
      }
      std::vector<std::unique_ptr<Engine>> shards;
      for (uint32_t i = 0; i < c.shards; ++i) {
        // Each shard is its own sequencing point: its own journal directory.
        EngineConfig shard_config = c;
        if (!c.persistence.dir.empty()) shard_config.persistence.dir = shard_directory(c.persistence.dir, i);
        auto s = make_single_writer(shard_config, "single-writer", static_cast<uint16_t>(i), error);
        if (!s) return nullptr;
        shards.push_back(std::move(s));
      }
      return std::make_unique<ShardedEngine>("sharded-single-writer", c.markets, std::move(shards),
                                             std::move(layout_lock));
    },
}};

const EngineRegistrar mutex_shards{EngineInfo{
    .name = "sharded-mutex",
    .description = "one std::mutex per shard of markets (market % shards), the lock-based counterpart",
    .rank = 60,
    .options = {shards_option()},
    .command_work = true,
    .resolve = resolve_shards,
    .make = [](const EngineConfig& c, std::string*) -> std::unique_ptr<Engine> {
      std::vector<std::unique_ptr<Engine>> shards;
      for (uint32_t i = 0; i < c.shards; ++i)
        shards.push_back(
            std::make_unique<LockedEngine<std::mutex, false>>("mutex", c.markets, PersistenceConfig{},
                                                              static_cast<uint16_t>(i), c.work_iterations));
      return std::make_unique<ShardedEngine>("sharded-mutex", c.markets, std::move(shards));
    },
}};

}  // namespace

}  // namespace swlab
