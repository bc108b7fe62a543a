// The probes' two threads on the floor's two CPUs (measure/ping_pong.h, first_two_cpus):
// the timing thread here, the echo thread where it calls pin_echo(). Unpinned, on a
// loaded 2-vCPU machine the scheduler may put both on one vCPU, where every hand-off
// waits for a yield and a time slice: a bare channel round trip measured 230-270 us
// that way against 0.4 us pinned, minutes apart. Pinned, every probe crosses the same
// pair of cores the floor does, so their costs compare. The timing thread's own mask is
// given back at the end, so the pinning does not leak into the end-to-end run.
#pragma once

#include <pthread.h>
#include <sched.h>

#include <optional>
#include <utility>

#include "measure/ping_pong.h"

namespace swlab {

class ProbePinning {
 public:
  ProbePinning() : cpus_(first_two_cpus()) {
    CPU_ZERO(&saved_);
    saved_ok_ = pthread_getaffinity_np(pthread_self(), sizeof saved_, &saved_) == 0;
    if (cpus_ && saved_ok_) pin_current_thread(cpus_->first);
  }
  ProbePinning(const ProbePinning&) = delete;
  ProbePinning& operator=(const ProbePinning&) = delete;
  ~ProbePinning() {
    if (cpus_ && saved_ok_) pthread_setaffinity_np(pthread_self(), sizeof saved_, &saved_);
  }
  // Called by the echo thread first thing.
  void pin_echo() const {
    if (cpus_) pin_current_thread(cpus_->second);
  }

 private:
  std::optional<std::pair<int, int>> cpus_;
  cpu_set_t saved_;
  bool saved_ok_ = false;
};

}  // namespace swlab
