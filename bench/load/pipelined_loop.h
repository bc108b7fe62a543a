// Pipelined and open loop: up to `window` requests in flight. Closed (window > 1):
// a slot sends again as soon as its reply is in. Open: every command has a due time
// on this client's schedule (the aggregate rate split over the clients, their
// schedules staggered), and its latency runs from that time, not from when it was
// sent, so a generator that falls behind shows up in the figures (coordinated
// omission corrected, docs/methodology.md). How late each send was against its due
// time is recorded too: it tells a run the generator could not hold apart from one
// the engine could not (docs/methodology.md, "Open loop the generator can hold").
//
// The slots are used in ring order: [head, head + in_flight) are in flight, oldest
// first. Replies are looked for from the oldest, which a FIFO engine answers first,
// and a bounded stretch past it (a sharded engine answers out of order): the cost of
// a pass is O(1) in the window, where a scan of every slot made a window of 65,536
// quadratic (issue 25: a 1.25 s run took 13 s and measured nothing).
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

// Records the replies in flight that have arrived: the oldest first, then up to
// kLookAhead slots past it. Frees the slots the head has passed.
template <class Clock>
bool Client<Clock>::collect_replies(uint32_t& head, uint32_t& in_flight) {
  constexpr uint32_t kLookAhead = 64;
  bool any = false;
  const uint32_t look = std::min(in_flight, kLookAhead);
  for (uint32_t k = 0; k < look; ++k) {
    const uint32_t s = head + k < window_ ? head + k : head + k - window_;
    if (busy_[s] && slots_[s].done.ready()) {
      busy_[s] = 0;
      record(s, Clock::ticks());
      any = true;
    }
  }
  const bool was_full = in_flight == window_;
  while (in_flight > 0 && !busy_[head]) {
    head = head + 1 == window_ ? 0 : head + 1;
    --in_flight;
  }
  if (was_full && in_flight < window_) slot_free_at_ = Clock::ticks();
  return any;
}

// Sends into the free slots after the ones in flight, as long as it may (open loop:
// as long as a command is due). True when it sent any.
template <class Clock>
bool Client<Clock>::send_due(uint32_t head, uint32_t& in_flight) {
  bool any = false;
  int64_t now = Clock::ticks();
  while (in_flight < window_) {
    const uint32_t s = head + in_flight < window_ ? head + in_flight : head + in_flight - window_;
    if (!streams_[0].ready()) now = refill(streams_[0]);
    if (!may_send(now)) break;
    if (open_) {
      skip_warmup_backlog(now);
      const int64_t due = next_due();
      if (now < due) break;
      note_lateness(due, now);
      send(s, due, now);
      ++schedule_index_;
    } else {
      send(s, now, now);
    }
    ++in_flight;
    any = true;
    now = Clock::ticks();
  }
  return any;
}

template <class Clock>
void Client<Clock>::pipelined_loop() {
  schedule_base_ = start_;
  uint32_t head = 0, in_flight = 0;
  while (true) {
    bool progressed = collect_replies(head, in_flight);
    progressed |= send_due(head, in_flight);
    if (!sending_ && in_flight == 0) break;
    if (progressed) continue;
    if (in_flight == window_ || (!sending_ && in_flight > 0)) {
      // Every slot busy (or only replies left): sleep on the oldest rather than spin,
      // so that on a small machine the engine thread gets the core.
      engine_.wait(slots_[head]);
    } else if (open_ && in_flight == 0) {
      wait_until_ticks<Clock>(std::min(next_due(), end_), cfg_.stop);
    } else {
      std::this_thread::yield();
    }
  }
  count_unsent();
}

}  // namespace swlab::load_detail
