// Lab 3, worked solution in the starter's skeleton (instructors only: labs/make_handout.sh
// leaves solution/ out).
//
// Lab 3: the engine loop (docs/labs/lab3.md, step 3). Written against a memory model
// MM (engines/platform/memory_model.h), so the model checker (given/model_lab3.cpp)
// runs this same loop over its own small requests.
#pragma once

#include <lab_reference_guard.h>  // the reference: a student build stops here (labs/common/rules/)
#include <cstddef>
#include <cstdint>

#include "admission.h"

namespace swlab::lab3 {

// Rounds the idle engine spins before it sleeps.
inline constexpr int kEngineSpins = 2000;

// The engine thread's loop. `source.pop_bulk(batch, limit)` takes up to `limit`
// requests from the rings; `handler.apply(r)` applies one request, and
// `handler.complete(r)` completes its reply. Returns when stopped with nothing
// admitted left.
template <class MM, class Item, class Source, class Handler>
void engine_loop(Admission<MM>& admission, Source& source, Handler& handler, Item* batch, std::size_t limit) {
  int idle_rounds = 0;
  while (true) {
    const std::size_t n = source.pop_bulk(batch, limit);
    if (n > 0) {
      idle_rounds = 0;
      for (std::size_t i = 0; i < n; ++i) handler.apply(batch[i]);
      // The replies only after the whole batch: the batch's mutations are done before
      // any caller hears of one (and the slots' lines are written once, together).
      for (std::size_t i = 0; i < n; ++i) handler.complete(batch[i]);
      // Only then the slots: a slot released earlier would admit a request beyond the
      // capacity while these replies are still unanswered.
      admission.release(static_cast<uint32_t>(n));
      continue;
    }
    switch (admission.idle()) {
      case Idle::kStop:
        return;
      case Idle::kPoll:
        MM::pause();
        break;
      case Idle::kSleep:
        if (idle_rounds++ < MM::spins(kEngineSpins)) {
          MM::pause();
        } else {
          admission.sleep();
          idle_rounds = 0;
        }
        break;
    }
  }
}

}  // namespace swlab::lab3
