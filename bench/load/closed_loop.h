// The plain closed loop: send, wait for the reply, (think), send again. The reply
// time is the next command's send time: one clock read per command.
#pragma once

#include "load/client.h"

namespace swlab::load_detail {

template <class Clock>
void Client<Clock>::closed_loop() {
  int64_t now = Clock::ticks();
  while (may_send(now)) {
    if (!streams_[0].ready()) now = refill(streams_[0]);  // the refill is not the next command's latency
    buffers_[0].clear();
    // The command is read where the stream holds it (a refill comes only before the next
    // take): copying it into a slot first would be one more copy inside the latency.
    const Command& cmd = streams_[0].take();
    stamp(0, now, now);
    parallel_work(cmd);
    // The reply stays where execute() returned it: copying it into the slot read it back
    // in 16-byte loads over the callee's 8-byte stores, which the CPU cannot forward (a
    // stall inside every latency: bm_load_generator, docs/methodology.md).
    const Reply reply = engine_.execute(cmd, &buffers_[0]);
    now = Clock::ticks();
    if (record(0, now, cmd, reply)) now = Clock::ticks();
    if (cfg_.think_ns > 0) {
      wait_until_ticks<Clock>(now + think_, cfg_.stop);
      now = Clock::ticks();
    }
  }
}

}  // namespace swlab::load_detail
