// Taking one item from a polled channel in a probe or a microbenchmark: the echo side of
// a bare channel round trip (swlab explain's probe, bm_channels). Not the engine's loop,
// which drains batches and waits by its wait strategy.
#pragma once

#include <cstdint>
#include <thread>

#include "platform/cpu_relax.h"

namespace swlab {

// Spins (PAUSE) until the channel yields an item, yielding after a while so that a
// 2-vCPU machine with other work still makes progress.
inline constexpr uint32_t kPollSpinsBeforeYield = 4096;

template <class T = uintptr_t, class Ch>
T poll_one(Ch& ch) {
  T item{};
  for (uint32_t polls = 0; ch.pop_bulk(&item, 1) == 0;) {
    if (++polls < kPollSpinsBeforeYield) {
      cpu_relax();
    } else {
      std::this_thread::yield();
    }
  }
  return item;
}

}  // namespace swlab
