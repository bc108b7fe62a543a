// Reply path `spin`: the caller polls the slot with PAUSE and never sleeps; the
// engine completes with a plain release store. The cheapest hand-off when caller
// and engine each have a core of their own (one cache-line transfer, no atomic
// read-modify-write); on an oversubscribed machine every spinning caller steals time
// from the engine that would answer it, so the caller yields every kYieldEvery polls
// to keep making progress.
#pragma once

#include <thread>

#include "engine/request.h"
#include "platform/cpu_relax.h"
#include "single_writer/named_policy.h"

namespace swlab {

struct SpinReply : Named<"spin", "the caller polls the slot with PAUSE and never sleeps"> {
  static constexpr uint32_t kYieldEvery = 1024;
  static constexpr bool kSleeps = false;  // policy_concepts.h, reply_path_sleeps
  // The completion word shares the reply's line, which the engine counts
  // (kEngineLineTransfers, policy_concepts.h): a release store into it and the
  // caller's polls of it move nothing more.
  static constexpr int kLineTransfers = 0;

  static void complete(Request& r) {
    r.done.word().store(Completion::kDone, std::memory_order_release);
  }

  static void wait(Request& r) {
    for (uint32_t i = 1;; ++i) {
      if (r.done.ready()) return;
      if (i % kYieldEvery == 0) {
        std::this_thread::yield();
      } else {
        cpu_relax();
      }
    }
  }
};

}  // namespace swlab
