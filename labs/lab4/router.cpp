// Lab 4: shard it (docs/labs/lab4.md).
//
// N independent single-writer engines (the shards), each the only owner of the
// markets m with m % N == its index, and a router in front. No command ever needs
// two shards: every command names one market, and a market's book and ledger live
// in one shard. So the router holds no lock and shares nothing writable between
// callers: it only picks the shard. Every caller passes through the route gate
// (route_gate.h, yours too) on its way into a shard, so that shutdown can close it
// and know that no caller is still inside a shard when the shards stop.
//
// Write the functions marked TODO(lab4). The shards are given (given/lab4.h:
// make_shard). Tests: ctest --preset debug -L lab4. Then measure: docs/labs/lab4.md.
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
  // TODO(lab4): config.shards if set, else min(config.markets, 4).
  (void)config;
  return 1;  // the starter: one shard
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
    stopped_.store(true, std::memory_order_relaxed);
    for (auto& s : shards_) s->shutdown();
  }

 private:
  Engine& owner(uint32_t market) { return *shards_[market % shards_.size()]; }

  const std::string name_;
  const uint32_t markets_;
  std::vector<std::unique_ptr<Engine>> shards_;
  RouteGate<StdMemoryModel> gate_;
  std::atomic<bool> stopped_{false};  // only the starter's stubs read it
};

Reply Lab4ShardedEngine::execute(const Command& cmd, ReplyBuffers* out) {
  // TODO(lab4): route to the owner of cmd.market, through the gate (gate_.route: the
  // request refused `shutdown` when it says no). A digest command visits every
  // market (digest(): Engine::digest runs for_each_market): answer it here, with
  // status kOk (a Reply starts kUnset, and the tests reject an unset reply).
  (void)cmd;
  (void)out;
  return labs::rejected_reply(stopped_.load(std::memory_order_relaxed) ? RejectReason::kShutdown
                                                                       : RejectReason::kNotImplemented);
}

void Lab4ShardedEngine::submit(Request& req) {
  // TODO(lab4): route to the owner of req.cmd.market, through the gate (refused
  // `shutdown` when it says no: labs::reject_now). A digest command is answered
  // here, on the caller's thread: reset req.done, set req.reply (status kOk,
  // reply.digest = digest()), then complete it (req.done.complete()).
  // The starter refuses everything at once (and honours shutdown, so that the tests
  // that wait for `shutdown` end). Replace this line.
  labs::reject_now(req, stopped_.load(std::memory_order_relaxed) ? RejectReason::kShutdown : RejectReason::kNotImplemented);
}

bool Lab4ShardedEngine::asynchronous() const {
  // TODO(lab4): the shards are all alike: ask one.
  return false;
}

void Lab4ShardedEngine::wait(Request& req) {
  // TODO(lab4): every shard runs the same reply path: any shard's wait() fits.
  req.done.wait();  // the starter: the project's completion, nothing of the shards'
}

void Lab4ShardedEngine::for_each_market(const std::function<void(uint32_t, const Market&)>& f) {
  // TODO(lab4): every market, in index order, each visited through its owner.
  (void)f;
}

void Lab4ShardedEngine::for_market(uint32_t market, const std::function<void(const Market&)>& f) {
  // TODO(lab4): through the owner.
  (void)market;
  (void)f;
}

uint32_t Lab4ShardedEngine::worker_threads() const {
  // TODO(lab4): the shards' threads, all together.
  return 0;
}

double Lab4ShardedEngine::worker_cpu_seconds() const {
  // TODO(lab4): the shards' CPU time, all together.
  return 0;
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
