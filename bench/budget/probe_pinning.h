// The probes' two threads on the floor's two CPUs (measure/ping_pong.h, first_two_cpus):
// the timing thread here, the echo thread where it calls pin_echo(). Unpinned, on a
// loaded 2-vCPU machine the scheduler may put both on one vCPU, where every hand-off
// waits for a yield and a time slice: a bare channel round trip measured 230-270 us
// that way against 0.4 us pinned, minutes apart. Pinned, every probe crosses the same
// pair of cores the floor does, so their costs compare. The timing thread's own mask is
// given back at the end, so the pinning does not leak into the end-to-end run.
#pragma once

#include <optional>
#include <utility>

#include "measure/ping_pong.h"

namespace swlab {

class ProbePinning {
 public:
  ProbePinning() : cpus_(first_two_cpus()), timing_(cpus_ ? std::optional<int>(cpus_->first) : std::nullopt) {}
  // Called by the echo thread first thing.
  void pin_echo() const {
    if (cpus_) pin_current_thread(cpus_->second);
  }

 private:
  const std::optional<std::pair<int, int>> cpus_;
  const ScopedPin timing_;  // the timing thread, on the first CPU until the probe ends
};

}  // namespace swlab
