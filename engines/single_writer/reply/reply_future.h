// Reply path `future`: std::promise / std::future, the baseline a newcomer would
// write. Each blocking call makes a promise (the shared state is a heap allocation),
// the engine sets its value, the caller blocks in future::wait() (a mutex and a
// condition variable, or a futex, inside the library). It exists to show what the
// hand-built slots save.
//
// The promise is this reply path's own per-request state (its Payload, held beside
// the request the engine makes for a blocking call: request_payload.h), so only this
// header includes <future>. Requests submitted asynchronously have no promise and
// complete through the futex protocol, so the load generator's pipelined mode still
// works with this engine.
#pragma once

#include <future>
#include <optional>

#include "engine/request.h"
#include "single_writer/named_policy.h"
#include "single_writer/reply/reply_futex.h"

namespace swlab {

struct FutureReply : Named<"future", "std::promise/std::future per blocking call: the baseline a newcomer writes"> {
  // Beyond the reply's own line (the engine's count, policy_concepts.h) and the request's
  // first line, which the engine reads for the payload's address (counted once per
  // configuration, request_line_transfers in policy_concepts.h): the promise,
  // which the caller makes beside its request and the engine moves out of (its line
  // to the engine, and back to the caller that destroys it: 2), and the shared state
  // the caller allocated, whose result and status the engine writes and the caller's
  // future then reads (2). The caller's future::wait() does not spin: it sleeps on
  // the status word at once, and set_value wakes it, a wake-up per call, which a
  // budget counts apart.
  static constexpr int kLineTransfers = 4;

  // Engaged for the engine's own blocking calls (call() below), empty otherwise.
  struct Payload {
    std::optional<std::promise<void>> promise;
  };

  // The engine's blocking call: a promise per call, waited on through its future.
  template <class Submit>
  static void call(Request& r, Payload& p, Submit&& submit) {
    std::future<void> done = p.promise.emplace().get_future();
    submit(r);
    done.wait();
  }

  static void complete(Request& r, Payload* p) {
    if (p == nullptr || !p->promise) return FutexReply::complete(r);
    // Move the promise out before setting it: once the value is set, the caller may
    // return and destroy the payload on its stack while set_value would still be
    // running inside it. The moved-to promise lives on the engine's stack; the
    // shared state stays alive through the caller's future.
    std::promise<void> promise(std::move(*p->promise));
    promise.set_value();
  }

  static void wait(Request& r) { FutexReply::wait(r); }
};

}  // namespace swlab
