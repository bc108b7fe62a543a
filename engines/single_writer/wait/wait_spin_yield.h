// Engine wait strategy `spin-yield` (after the Disruptor's YieldingWaitStrategy):
// poll with PAUSE for a short while, then call sched_yield() between polls. Still
// a core at 100% when idle, but one that any other runnable thread can take at
// once; wake-up latency stays near the spin's as long as the engine is not
// descheduled. The Disruptor recommends it when busy threads are fewer than logical
// cores.
#pragma once

#include <cstdint>
#include <thread>

#include "platform/cpu_relax.h"
#include "platform/spin_budget.h"
#include "single_writer/named_policy.h"

namespace swlab {

struct SpinYieldWait : Named<"spin-yield", "spin briefly, then sched_yield between polls; never sleeps"> {
  // Spin this long, then yield between polls (5 us was 256 PAUSEs on the
  // development machine); yield at once while the engine threads fill every CPU.
  static constexpr int64_t kSpinNs = 5'000;
  // Never sleeps, so never needs waking; PAUSE and sched_yield move no line
  // (policy_concepts.h).
  static constexpr int kLineTransfers = 0;

  static bool idle(uint32_t polls) {
    static const uint32_t spins = pauses_for(kSpinNs);
    if (polls < spins && spin_allowed()) {
      cpu_relax();
    } else {
      std::this_thread::yield();
    }
    return false;
  }
};

}  // namespace swlab
