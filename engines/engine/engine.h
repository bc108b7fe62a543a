// The engine interface: the one seam between clients (the CLI, the load generator,
// the tests) and the architectures being compared. It is virtual because it is
// the cold path that picks an engine by name; everything hot (locks, channels,
// wait strategies) is a template parameter inside each engine.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <pthread.h>

#include "core/types.h"
#include "engine/request.h"

namespace swlab {

class Market;  // core/market.h: what for_each_market shows

class Engine {
 public:
  virtual ~Engine() = default;

  virtual std::string_view name() const = 0;

  // Executes one command and returns its reply; blocks until it is done.
  virtual Reply execute(const Command& cmd, ReplyBuffers* out) = 0;

  // Starts one request; req.done completes when req.reply is final. Lock engines
  // complete inline, so one caller keeps several requests in flight only with an
  // engine that has its own thread (asynchronous() == true).
  virtual void submit(Request& req) = 0;
  virtual bool asynchronous() const { return false; }
  // Waits for a submitted request with the waiting side of this engine's reply
  // path (a caller may also poll req.done.ready()).
  virtual void wait(Request& req);

  // Serialised with commands: runs f on every market, in index order. Used for the
  // digest and the invariant check, and for nothing on the hot path.
  virtual void for_each_market(const std::function<void(uint32_t, const Market&)>& f) = 0;
  // The same for one market.
  virtual void for_market(uint32_t market, const std::function<void(const Market&)>& f) {
    for_each_market([&](uint32_t i, const Market& m) {
      if (i == market) f(m);
    });
  }

  // Stops accepting commands (later ones are rejected kShutdown), answers every
  // command already accepted, and joins the engine's threads. Idempotent.
  virtual void shutdown() = 0;

  // Threads the engine runs of its own (0 for the lock engines: they borrow the
  // callers'), and the CPU time those threads have used so far. Reported with
  // every run so the cost of a spinning engine thread is visible.
  virtual uint32_t worker_threads() const { return 0; }
  virtual double worker_cpu_seconds() const { return 0; }
  // The engine's own threads while it runs (to pin them: swlab run --engine-cpus).
  virtual std::vector<pthread_t> worker_handles() const { return {}; }

  // Persistence (engines that journal): the error that stopped the engine, if any,
  // and a snapshot on request.
  virtual std::string failure() const { return {}; }
  virtual bool snapshot(std::string* error) {
    if (error) *error = "this engine keeps no journal (use --journal DIR)";
    return false;
  }

  uint64_t digest();
  bool check_invariants(std::string* why);
};

}  // namespace swlab
