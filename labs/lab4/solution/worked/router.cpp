// Lab 4, worked solution in the starter's skeleton (instructors only: what a
// student's answer looks like; labs/make_handout.sh leaves solution/ out).
//
// Lab 4: shard it (docs/labs/lab4.md).
//
// N independent single-writer engines (the shards), each the only owner of the
// markets m with m % N == its index, and a router in front. No command ever needs
// two shards: every command names one market, and a market's book and ledger live
// in one shard. So the router holds no lock and shares nothing writable between
// callers: it only picks the shard. Every caller passes through the route gate
// (route_gate.h) on its way into a shard, so that shutdown can close it and know
// that no caller is still inside a shard when the shards stop.
//
// The functions marked TODO(lab4) in the starter. The shards are given (given/lab4.h:
// make_shard). Tests: ctest --preset debug -L lab4. Then measure: docs/labs/lab4.md.
#include <lab_reference_guard.h>  // the reference: a student build stops here (labs/common/rules/)
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "lab4.h"
#include "lab_support.h"
#include "platform/memory_model.h"
#include "route_gate.h"

namespace swlab::lab4 {

uint32_t shard_count(const EngineConfig& config) {
  // Config.shards if set, else min(config.markets, 4).
  if (config.shards > 0) return config.shards;
  return config.markets < 4 ? config.markets : 4;
}

// The router. (In a named namespace, so that the compiler does not warn about the
// starter's member functions that nothing calls yet.)
class Lab4ShardedEngine final : public Engine {
 public:
  Lab4ShardedEngine(std::string name, uint32_t markets, std::vector<std::unique_ptr<Engine>> shards)
      : name_(std::move(name)), markets_(markets), shards_(std::move(shards)) {}
  ~Lab4ShardedEngine() override { shutdown(); }

  std::string_view name() const override { return name_; }

  Reply execute(const Command& cmd, ReplyBuffers* out) override;
  void submit(Request& req) override;
  bool asynchronous() const override;
  void wait(Request& req) override;
  void for_each_market(const std::function<void(uint32_t, const Market&)>& f) override;
  void for_market(uint32_t market, const std::function<void(const Market&)>& f) override;
  uint32_t worker_threads() const override;
  double worker_cpu_seconds() const override;

  // Given: closes the gate (later callers are refused, and it waits for the callers
  // inside), then stops every shard (each answers what it accepted).
  void shutdown() override {
    gate_.close();
    for (auto& s : shards_) s->shutdown();
  }

 private:
  Engine& owner(uint32_t market) { return *shards_[market % shards_.size()]; }

  const std::string name_;
  const uint32_t markets_;
  std::vector<std::unique_ptr<Engine>> shards_;
  RouteGate<StdMemoryModel> gate_;
};

Reply Lab4ShardedEngine::execute(const Command& cmd, ReplyBuffers* out) {
  // Route to the owner of cmd.market, through the gate. A digest command visits every
  // market (digest(): Engine::digest runs for_each_market): answer it here, with
  // status kOk (a Reply starts kUnset, and the tests reject an unset reply).
  Reply r;
  const bool routed = gate_.route([&] {
    if (cmd.type == CommandType::kDigest) {
      r.status = Status::kOk;
      r.digest = digest();
    } else {
      r = owner(cmd.market).execute(cmd, out);
    }
  });
  return routed ? r : labs::rejected_reply(RejectReason::kShutdown);
}

void Lab4ShardedEngine::submit(Request& req) {
  // Route to the owner of req.cmd.market, through the gate. A digest command is
  // answered here, on the caller's thread: reset req.done, set req.reply (status kOk,
  // reply.digest = digest()), then complete it (req.done.complete()).
  const bool routed = gate_.route([&] {
    if (req.cmd.type == CommandType::kDigest) {
      req.done.reset();
      req.reply = Reply{};
      req.reply.status = Status::kOk;
      req.reply.digest = digest();
      req.done.complete();
    } else {
      owner(req.cmd.market).submit(req);
    }
  });
  if (!routed) labs::reject_now(req, RejectReason::kShutdown);
}

bool Lab4ShardedEngine::asynchronous() const {
  // The shards are all alike: ask one.
  return shards_.front()->asynchronous();
}

void Lab4ShardedEngine::wait(Request& req) {
  // Every shard runs the same reply path: any shard's wait() fits.
  shards_.front()->wait(req);
}

void Lab4ShardedEngine::for_each_market(const std::function<void(uint32_t, const Market&)>& f) {
  // Every market, in index order, each visited through its owner.
  for (uint32_t i = 0; i < markets_; ++i) owner(i).for_market(i, [&](const Market& m) { f(i, m); });
}

void Lab4ShardedEngine::for_market(uint32_t market, const std::function<void(const Market&)>& f) {
  // Through the owner.
  owner(market).for_market(market, f);
}

uint32_t Lab4ShardedEngine::worker_threads() const {
  // The shards' threads, all together.
  uint32_t n = 0;
  for (const auto& s : shards_) n += s->worker_threads();
  return n;
}

double Lab4ShardedEngine::worker_cpu_seconds() const {
  // The shards' CPU time, all together.
  double t = 0;
  for (const auto& s : shards_) t += s->worker_cpu_seconds();
  return t;
}

std::unique_ptr<Engine> make_lab4_engine(const EngineConfig& config, ShardFactory make, std::string* error) {
  // Given: shard_count(config) shards, shard i with index i, and the router.
  std::vector<std::unique_ptr<Engine>> shards;
  for (uint32_t i = 0; i < shard_count(config); ++i) {
    auto shard = make(config, static_cast<uint16_t>(i), error);
    if (!shard) return nullptr;
    shards.push_back(std::move(shard));
  }
  const char* name = make == make_mutex_shard ? "lab4-sharded-mutex" : "lab4-sharded";
  return std::make_unique<Lab4ShardedEngine>(name, config.markets, std::move(shards));
}

}  // namespace swlab::lab4
