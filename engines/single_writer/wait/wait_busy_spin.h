// Engine wait strategy `busy-spin` (after the LMAX Disruptor's BusySpinWaitStrategy):
// an idle engine thread polls its channel with PAUSE and never sleeps. The lowest
// wake-up latency there is (a request is seen one cache-line transfer after it is
// pushed) at the price of a core burnt at 100% even with no traffic; best when the
// engine thread has a core of its own. Here it yields every kYieldEvery polls, so
// that on a machine with fewer cores than busy threads the clients it is waiting
// for still get to run within a scheduler slice.
#pragma once

#include <cstdint>
#include <thread>

#include "platform/cpu_relax.h"

namespace swlab {

struct BusySpinWait {
  static constexpr const char* kName = "busy-spin";
  static constexpr const char* kSummary =
      "poll with PAUSE, never sleep (yields rarely so an oversubscribed machine progresses)";
  static constexpr uint32_t kYieldEvery = 4096;

  // Called with the number of consecutive empty polls; returns true when the
  // engine should sleep until work arrives.
  static bool idle(uint32_t polls) {
    if (polls % kYieldEvery == 0) {
      std::this_thread::yield();
    } else {
      cpu_relax();
    }
    return false;
  }
};

}  // namespace swlab
