// Reply path `future`: std::promise / std::future, the baseline a newcomer would
// write. Each blocking call makes a promise (the shared state is a heap allocation),
// the engine sets its value, the caller blocks in future::wait() (a mutex and a
// condition variable, or a futex, inside the library). It exists to show what the
// hand-built slots save.
//
// Requests submitted asynchronously without a promise complete through the futex
// protocol, so the load generator's pipelined mode still works with this engine.
#pragma once

#include <future>

#include "engine/engine.h"
#include "single_writer/named_policy.h"
#include "single_writer/reply/reply_futex.h"

namespace swlab {

struct FutureReply : Named<"future", "std::promise/std::future per blocking call: the baseline a newcomer writes"> {

  static void complete(Request& r) {
    if (r.promise == nullptr) return FutexReply::complete(r);
    // Move the promise out before setting it: once the value is set, the caller may
    // return and destroy the promise object on its stack while set_value would still
    // be running inside it. The moved-to promise lives on the engine's stack; the
    // shared state stays alive through the caller's future.
    std::promise<void> p(std::move(*r.promise));
    p.set_value();
  }

  static void wait(Request& r) { FutexReply::wait(r); }
};

}  // namespace swlab
