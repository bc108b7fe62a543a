// Reply path `futex` (the default): the caller spins briefly, then announces that it
// sleeps and waits on a futex; the engine completes with one exchange and makes the
// wake-up system call only if the caller announced a sleep. A reply to a caller who
// is still spinning costs one cache-line transfer and no system call.
//
// The protocol is the slot's own (engine/completion.h, on its memory model: the
// model checker runs it in tests/model/model_reply_futex.cpp).
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

  template <class Req = Request>
  static void complete(Req& r) {
    r.done.complete();
  }
  template <class Req = Request>
  static void wait(Req& r) {
    r.done.wait();
  }
};

}  // namespace swlab
