// Reply path `futex` (the default): the caller spins briefly, then announces that it
// sleeps and waits on a futex; the engine completes with one exchange and makes the
// wake-up system call only if the caller announced a sleep. A reply to a caller who
// is still spinning costs one cache-line transfer and no system call.
#pragma once

#include "engine/request.h"
#include "single_writer/named_policy.h"

namespace swlab {

struct FutexReply
    : Named<"futex", "spin briefly, then sleep on a futex the engine wakes only if someone sleeps (the default)"> {
  // The exchange on the completion word writes the reply's own line, which the engine
  // counts (kEngineLineTransfers, policy_concepts.h); with the caller still spinning
  // no futex is touched, so nothing more moves.
  static constexpr int kLineTransfers = 0;

  static void complete(Request& r) { r.done.complete(); }
  static void wait(Request& r) { r.done.wait(); }
};

}  // namespace swlab
