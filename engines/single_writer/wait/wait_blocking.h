// Engine wait strategy `blocking` (after the Disruptor's BlockingWaitStrategy, the
// default here): spin briefly, yield a few times, then sleep until a request
// arrives. Idle costs no CPU; the price is the wake-up: the first request after a
// sleep pays a futex wake (a system call by the client and a scheduler hand-off,
// microseconds). With a blocking channel (moodycamel-blocking, mutex-deque) the
// engine sleeps in the channel's own wait; otherwise on the engine's in-flight word.
#pragma once

#include <cstdint>
#include <thread>

#include "platform/cpu_relax.h"

namespace swlab {

struct BlockingWait {
  static constexpr const char* kName = "blocking";
  static constexpr const char* kSummary = "spin, yield, then sleep until a request arrives (the default)";
  static constexpr uint32_t kSpins = 2000;
  static constexpr uint32_t kYields = 200;

  static bool idle(uint32_t polls) {
    if (polls < kSpins) {
      cpu_relax();
      return false;
    }
    if (polls < kSpins + kYields) {
      std::this_thread::yield();
      return false;
    }
    return true;
  }
};

}  // namespace swlab
