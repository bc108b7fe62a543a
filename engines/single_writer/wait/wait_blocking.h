// Engine wait strategy `blocking` (after the Disruptor's BlockingWaitStrategy, the
// default here): spin briefly, yield a few times, then sleep until a request
// arrives. Idle costs no CPU; the price is the wake-up: the first request after a
// sleep pays a futex wake (a system call by the client and a scheduler hand-off,
// microseconds). With a blocking channel (moodycamel-blocking, mutex-deque) the
// engine sleeps in the channel's own wait; otherwise on the engine's doorbell futex.
#pragma once

#include <cstdint>
#include <thread>

#include "platform/cpu_relax.h"
#include "platform/spin_budget.h"
#include "single_writer/named_policy.h"

namespace swlab {

struct BlockingWait : Named<"blocking", "spin, yield, then sleep until a request arrives (the default)"> {
  // Spin this long before yielding (42 us was 2000 PAUSEs on the development
  // machine's Zen, 21 ns a PAUSE); none while the engine threads fill every CPU.
  static constexpr int64_t kSpinNs = 40'000;
  static constexpr uint32_t kYields = 200;
  // While requests keep coming the engine is spinning or yielding when one arrives
  // and polls it like any other strategy: no line of its own moves (policy_concepts.h).
  // When it does sleep, the wake-up (the client reads `sleeping` set, rings the
  // doorbell; a futex wake) is a wake-up, which a budget counts apart.
  static constexpr int kLineTransfers = 0;

  static bool idle(uint32_t polls) {
    static const uint32_t spins = pauses_for(kSpinNs);
    const uint32_t budget = spin_allowed() ? spins : 0;
    if (polls < budget) {
      cpu_relax();
      return false;
    }
    if (polls < budget + kYields) {
      std::this_thread::yield();
      return false;
    }
    return true;
  }
};

}  // namespace swlab
