// The engine interface: the one seam between clients (the CLI, the load generator,
// the tests) and the architectures being compared. It is virtual because it is
// the cold path that picks an engine by name; everything hot (locks, channels,
// wait strategies) is a template parameter inside each engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <string>
#include <string_view>
#include <vector>

#include <pthread.h>

#include "engine/completion.h"
#include "engine/reply_handle.h"
#include "core/market.h"
#include "core/types.h"
#include "platform/cache_line.h"

namespace swlab {

// One asynchronous request. The caller owns it: it fills cmd (and out), calls
// Engine::submit, and must neither touch nor destroy it until done is complete.
//
// Laid out for the hand-off between two cores, one 64-byte line each way: what the
// engine thread reads (cmd, out, control) fills the first line, and the word the
// caller polls shares the second with the reply, so a caller that sees `done` has its
// reply in the same transfer. Unaligned and in field order it spread over four lines,
// each a transfer of its own (docs/single-writer.md, "The round trip, line by line").
struct alignas(kCacheLine) Request {
  Command cmd;
  ReplyBuffers* out = nullptr;
  // Engine-internal: when set, the engine thread runs this instead of cmd
  // (inspection serialised with commands). Clients leave it null.
  const std::function<void()>* control = nullptr;
  alignas(kCacheLine / 2) Completion done;  // a 64-byte line of its own with the reply
  Reply reply;
  // Engine-internal: the `future` reply path's promise for a blocking call.
  std::promise<void>* promise = nullptr;
  // Engine-internal: the reply handle of a channel that carries the reply itself.
  ReplyHandle reply_handle;
};
static_assert(offsetof(Request, control) + sizeof(Request::control) <= 64,
              "the fields the engine reads must fit the first 64-byte line");
static_assert(offsetof(Request, done) == 64 && offsetof(Request, reply) + sizeof(Reply) <= 128,
              "the completion word and the reply must share the second 64-byte line");

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
  virtual void wait(Request& req) { req.done.wait(); }

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
