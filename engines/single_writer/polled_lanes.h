// How the single-writer engine reaches a polled channel (policy_concepts.h,
// PolledChannel): the channel, a priority lane of the same kind under
// overload=priority, and the engine's loop, which polls them.
//
// The engine's lanes are one of two adapters with the same face (driven_lanes.h is
// the other): built with the capacity, the batch size and the overload policy;
// push(r, priority); run(loop), the engine thread's whole life; wake() after a stop;
// and, for a channel that carries the reply itself, wait(r) on the caller's side.
// The engine hands run() its steps (serve a batch, idle, stopped, all answered,
// sleep), each an inline call into the engine: the loop below compiles to what it
// was when it lived inside the engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/overload_policy.h"
#include "single_writer/handoff.h"

namespace swlab {

template <class Queue>
class PolledLanes {
 public:
  PolledLanes(uint32_t capacity, uint32_t batch, OverloadPolicy overload)
      : channel_(capacity),
        priority_lane_(overload == OverloadPolicy::kPriority
                           ? std::make_unique<Queue>(2 * static_cast<std::size_t>(capacity))
                           : nullptr),
        batch_limit_(batch),
        batch_(batch) {}

  void push(const Handoff& h, bool priority) {
    if (priority) {
      priority_lane_->push(h);
    } else {
      channel_.push(h);
    }
  }

  // The polled channels carry no reply of their own, and an engine thread that polls
  // needs no extra wake-up: the doorbell reaches it.
  static void wait(Request&) {}
  void wake() {}

  // The engine thread's loop: drain, serve, and when there is nothing, the wait
  // strategy's idle step (loop.idle), then a sleep when it says so.
  template <class Loop>
  void run(Loop& loop) {
    uint32_t idle = 0;
    while (true) {
      std::size_t n = pop(batch_.data());
      if (n == 0) {
        const bool sleep = loop.idle(++idle);
        if (!sleep && idle % kStopCheckPolls != 0) continue;
        if (loop.stopped()) break;  // stopping, and every admitted request answered
        if (!sleep || !loop.all_answered()) continue;  // never sleep on a request on its way
        n = sleep_for_work(loop);
        idle = 0;
        if (n == 0) continue;
      }
      idle = 0;
      loop.serve(batch_.data(), n);
    }
  }

 private:
  // An idle engine polling its channel reads the clients' `admitted` line (to see
  // a stop) only once in this many empty polls, and before it sleeps: read on every
  // poll, it would be pulled away from the next client to admit.
  static constexpr uint32_t kStopCheckPolls = 64;
  // A blocking channel's sleep is bounded so a stop request is noticed (the stop
  // rings the doorbell, not the channel's own wait).
  static constexpr int64_t kChannelSleepUs = 5000;

  std::size_t pop(Handoff* out) {
    std::size_t n = priority_lane_ ? priority_lane_->pop_bulk(out, batch_limit_) : 0;
    if (n < batch_limit_) n += channel_.pop_bulk(out + n, batch_limit_ - n);
    return n;
  }

  // Sleeps until work may have arrived: in the channel's own wait if it has one (and
  // no priority lane needs watching), else on the engine's doorbell. Returns the
  // requests the channel's wait delivered, if any.
  template <class Loop>
  std::size_t sleep_for_work(Loop& loop) {
    if constexpr (Queue::kBlocking) {
      if (!priority_lane_) return channel_.pop_bulk_wait(batch_.data(), batch_limit_, kChannelSleepUs);
    }
    loop.sleep();
    return 0;
  }

  Queue channel_;
  const std::unique_ptr<Queue> priority_lane_;  // overload=priority only
  const uint32_t batch_limit_;
  std::vector<Handoff> batch_;  // the engine thread's
};

}  // namespace swlab
