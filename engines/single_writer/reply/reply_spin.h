// Reply path `spin`: the caller polls the slot with PAUSE and never sleeps; the
// engine completes with a plain release store. The cheapest hand-off when caller
// and engine each have a core of their own (one cache-line transfer, no atomic
// read-modify-write); on an oversubscribed machine every spinning caller steals time
// from the engine that would answer it, so the caller yields every kYieldEvery polls
// to keep making progress.
//
// complete() and wait() take any request with a `done` slot (engine/completion.h):
// the engine's Request, on the machine's memory model, or the model checker's
// (tests/model/model_reply_spin.cpp), whose slot's Model is Relacy's.
#pragma once

#include <type_traits>

#include "engine/request.h"
#include "single_writer/named_policy.h"

namespace swlab {

struct SpinReply : Named<"spin", "the caller polls the slot with PAUSE and never sleeps"> {
  static constexpr uint32_t kYieldEvery = 1024;
  static constexpr bool kSleeps = false;  // policy_concepts.h, reply_path_sleeps
  // The completion word shares the reply's line, which the engine counts
  // (kEngineLineTransfers, policy_concepts.h): a release store into it and the
  // caller's polls of it move nothing more.
  static constexpr int kLineTransfers = 0;

  // The release pairs with the caller's acquire in ready(): the reply written before
  // it is visible to the caller that sees kDone. Nobody sleeps, so no
  // read-modify-write and no wake.
  template <class Req = Request>
  static void complete(Req& r) {
    r.done.word().store(Completion::kDone, std::memory_order_release);
  }

  template <class Req = Request>
  static void wait(Req& r) {
    using MM = typename std::remove_cvref_t<decltype(r.done)>::Model;
    for (uint32_t i = 1;; ++i) {
      if (r.done.ready()) return;
      if (i % kYieldEvery == 0) {
        MM::yield();
      } else {
        MM::pause();
      }
    }
  }
};

}  // namespace swlab
