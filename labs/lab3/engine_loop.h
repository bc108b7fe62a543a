// Lab 3: the engine loop (docs/labs/lab3.md, step 3). Written against a memory model
// MM (engines/platform/memory_model.h), so the model checker (given/model_lab3.cpp)
// runs this same loop over its own small requests.
#pragma once

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
  // TODO(lab3): until admission.idle() says kStop: pop a batch; apply every request,
  // then complete every reply, then release the batch's slots (in that order: why?).
  // With nothing popped, do what admission.idle() says: kPoll, poll again (MM::pause);
  // kSleep, spin MM::spins(kEngineSpins) rounds, then admission.sleep().
  // The starter returns at once.
  (void)admission;
  (void)source;
  (void)handler;
  (void)batch;
  (void)limit;
}

}  // namespace swlab::lab3
