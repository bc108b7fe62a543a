// Pipelined and open loop: up to `window` requests in flight. Closed (window > 1):
// a slot sends again as soon as its reply is in. Open: every command has a due time
// on this client's schedule (the aggregate rate split over the clients, their
// schedules staggered), and its latency runs from that time, not from when it was
// sent, so a generator that falls behind shows up in the figures (coordinated
// omission corrected, docs/methodology.md).
#pragma once

#include <algorithm>
#include <cmath>
#include <thread>

#include "load/client.h"

namespace swlab::load_detail {

// Open loop, time-bounded: when the measured part begins with warm-up commands still
// due (the client fell behind its schedule), they are dropped, and the schedule goes
// on from the first command due in the measured part; otherwise a client far behind
// would spend the whole run on its warm-up backlog.
template <class Clock>
void Client<Clock>::skip_warmup_backlog(int64_t now) {
  if (cfg_.fixed_work() || now < measure_start_ || next_due() >= measure_start_) return;
  const double first = std::ceil((static_cast<double>(measure_start_ - start_) - stagger_) / interval_);
  schedule_index_ = std::max<uint64_t>(schedule_index_, static_cast<uint64_t>(std::max(0.0, first)));
}

// Open loop: how many of this client's measured commands were due before the end and
// never sent.
template <class Clock>
void Client<Clock>::count_unsent() {
  if (!open_ || measure_start_ == INT64_MAX) return;
  uint64_t due = 0;
  if (cfg_.fixed_work()) {
    due = warm_ ? quota_ : 0;
  } else {
    // Schedule indices i with measure_start <= start + stagger + i*interval < end.
    const double first = std::ceil((static_cast<double>(measure_start_ - start_) - stagger_) / interval_);
    const double last = std::ceil((static_cast<double>(end_ - start_) - stagger_) / interval_);
    due = static_cast<uint64_t>(std::max(0.0, last - std::max(0.0, first)));
  }
  out_.unsent = due > measured_sent_ ? due - measured_sent_ : 0;
}

template <class Clock>
void Client<Clock>::pipelined_loop() {
  schedule_base_ = start_;
  uint32_t in_flight = 0;
  while (true) {
    bool progressed = false;
    for (uint32_t s = 0; s < window_; ++s) {
      if (busy_[s] && slots_[s].done.ready()) {
        busy_[s] = 0;
        --in_flight;
        record(s, Clock::now_ns());
        progressed = true;
      }
    }
    int64_t now = Clock::now_ns();
    for (uint32_t s = 0; s < window_ && in_flight < window_; ++s) {
      if (busy_[s]) continue;
      if (!streams_[0].ready()) now = refill(streams_[0]);
      if (!may_send(now)) break;
      if (open_) {
        skip_warmup_backlog(now);
        const int64_t due = next_due();
        if (now < due) break;
        send(s, due, now);
        ++schedule_index_;
      } else {
        send(s, now, now);
      }
      ++in_flight;
      progressed = true;
      now = Clock::now_ns();
    }
    if (!sending_ && in_flight == 0) break;
    if (progressed) continue;
    if (in_flight == window_ || (!sending_ && in_flight > 0)) {
      // Every slot busy: sleep on the oldest rather than spin, so that on a small
      // machine the engine thread gets the core.
      for (uint32_t s = 0; s < window_; ++s)
        if (busy_[s]) {
          engine_.wait(slots_[s]);
          break;
        }
    } else if (open_ && in_flight == 0) {
      wait_until<Clock>(std::min(next_due(), end_));
    } else {
      std::this_thread::yield();
    }
  }
  count_unsent();
}

}  // namespace swlab::load_detail
