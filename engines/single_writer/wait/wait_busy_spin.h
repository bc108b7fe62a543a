// Engine wait strategy `busy-spin` (after the LMAX Disruptor's BusySpinWaitStrategy):
// an idle engine thread polls its channel with PAUSE and never sleeps. The lowest
// wake-up latency there is (a request is seen one cache-line transfer after it is
// pushed) at the price of a core burnt at 100% even with no traffic; best when the
// engine thread has a core of its own. Here it yields every kYieldEveryNs, so
// that on a machine with fewer cores than busy threads the clients it is waiting
// for still get to run within a scheduler slice.
#pragma once

#include <cstdint>
#include <thread>

#include "platform/cpu_relax.h"
#include "platform/spin_budget.h"
#include "single_writer/named_policy.h"

namespace swlab {

struct BusySpinWait
    : Named<"busy-spin", "poll with PAUSE, never sleep (yields rarely so an oversubscribed machine progresses)"> {
  // Yield about this often (86 us was 4096 PAUSEs on the development machine);
  // on every poll while the engine threads fill every CPU.
  static constexpr int64_t kYieldEveryNs = 100'000;
  // PAUSE and a yield touch no shared line; the polls read the channel's lines, which
  // the channel counts (policy_concepts.h).
  static constexpr int kLineTransfers = 0;

  // Called with the number of consecutive empty polls; returns true when the
  // engine should sleep until work arrives.
  static bool idle(uint32_t polls) {
    static const uint32_t every = pauses_for(kYieldEveryNs);
    if (polls % every == 0 || !spin_allowed()) {
      std::this_thread::yield();
    } else {
      cpu_relax();
    }
    return false;
  }
};

}  // namespace swlab
