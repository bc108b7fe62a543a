// Service mode: one event loop over this worker's connections. Each connection is a
// closed-loop client: it sends its next request `think` after its last reply, at
// ready_at, and that request's latency runs from ready_at (the moment the connection
// sent it), so time spent waiting for the worker to get to it counts, as a real
// server's queue would. On an asynchronous engine the worker submits and moves on,
// completing each request when its reply arrives; on a lock engine submit completes
// inline, so the worker serves one connection at a time and the others wait.
#pragma once

#include <algorithm>
#include <thread>

#include "load/client.h"

namespace swlab::load_detail {

template <class Clock>
void Client<Clock>::make_connections() {
  streams_.reserve(window_);
  conns_.resize(window_);
  for (uint32_t k = 0; k < window_; ++k) {
    Connection& c = conns_[k];
    c.id = id_ + k * cfg_.threads;
    c.warm_quota = cfg_.fixed_work() ? share(cfg_.warmup_commands, c.id, cfg_.connections) : 0;
    c.quota = cfg_.fixed_work() ? share(cfg_.max_commands, c.id, cfg_.connections) : 0;
    streams_.emplace_back(cfg_.workload, cfg_.seed, c.id, chunk_for_connections(cfg_.connections));
  }
}

// Whether connection c may send its next request now.
template <class Clock>
bool Client<Clock>::connection_may_send(Connection& c) {
  if (c.finished) return false;
  if (stopped()) return !(c.finished = true);
  if (cfg_.fixed_work()) {
    if (!warm_) return c.sent < c.warm_quota;  // waits for the meeting after its warm-up
    if (c.sent - c.warm_quota >= c.quota) return !(c.finished = true);
    return true;
  }
  // A request the connection sent before the end is served, whenever the worker gets
  // to it: at most one per connection, so the overrun is bounded.
  if (c.ready_at >= end_) return !(c.finished = true);
  return true;
}

template <class Clock>
void Client<Clock>::complete_connection(uint32_t k, int64_t now) {
  busy_[k] = 0;
  if (record(k, now)) now = Clock::ticks();  // this connection's next request starts after the filing
  conns_[k].ready_at = now + think_;
}

template <class Clock>
bool Client<Clock>::all_connections_warm() const {
  for (const Connection& c : conns_)
    if (c.sent < c.warm_quota) return false;
  return true;
}

// Nothing to do this pass: sleep on what comes first.
template <class Clock>
void Client<Clock>::wait_for_connections(uint32_t in_flight, int64_t next_send) {
  const uint32_t n = window_;
  if (in_flight > 0 && next_send == INT64_MAX) {
    // Every connection is waiting for its reply: sleep on the oldest request rather
    // than spin, so that on a small machine the engine thread gets the core.
    uint32_t oldest = n;
    for (uint32_t k = 0; k < n; ++k)
      if (busy_[k] && (oldest == n || actual_[k] < actual_[oldest])) oldest = k;
    engine_.wait(slots_[oldest]);
  } else if (in_flight == 0 && next_send != INT64_MAX) {
    wait_until_ticks<Clock>(next_send, cfg_.stop);  // every connection is thinking: until the first sends
  } else {
    // Replies pending while connections think: poll both (an event loop would wait on
    // timers and replies at once; a futex waits on one word).
    std::this_thread::yield();
  }
}

template <class Clock>
void Client<Clock>::service_loop() {
  const uint32_t n = window_;
  for (Connection& c : conns_) c.ready_at = start_;
  uint32_t in_flight = 0, first = 0;
  while (true) {
    bool progressed = false;
    if (stopped())
      for (Connection& c : conns_) c.finished = true;
    for (uint32_t k = 0; in_flight > 0 && k < n; ++k)
      if (busy_[k] && slots_[k].done.ready()) {
        complete_connection(k, Clock::ticks());
        --in_flight;
        progressed = true;
      }
    // Fixed work: once every connection here has sent its warm-up, meet the other
    // workers; the measured part starts for every connection at one instant.
    if (cfg_.fixed_work() && !warm_ && !stopped() && all_connections_warm()) {
      meet_after_warmup();
      for (Connection& c : conns_) c.ready_at = std::max(c.ready_at, measure_start_);
    }
    int64_t now = Clock::ticks();
    // Round robin from a moving start: no connection is always served last.
    for (uint32_t j = 0; j < n; ++j) {
      const uint32_t k = (first + j) % n;
      Connection& c = conns_[k];
      if (busy_[k] || now < c.ready_at || !connection_may_send(c)) continue;
      if (!streams_[k].ready()) now = refill(streams_[k]);
      send(k, c.ready_at, now);
      ++c.sent;
      progressed = true;
      now = Clock::ticks();
      if (slots_[k].done.ready()) {
        complete_connection(k, now);  // a lock engine answered inline: record it now
      } else {
        ++in_flight;
      }
    }
    first = first + 1 == n ? 0 : first + 1;
    bool all_finished = true;
    int64_t next_send = INT64_MAX;  // the first thinking connection's next send
    for (uint32_t k = 0; k < n; ++k) {
      Connection& c = conns_[k];
      if (!c.finished && !busy_[k] && !cfg_.fixed_work() && c.ready_at >= end_) c.finished = true;
      all_finished &= c.finished;
      if (!c.finished && !busy_[k] && c.ready_at > now) next_send = std::min(next_send, c.ready_at);
    }
    if (all_finished && in_flight == 0) break;
    if (!progressed) wait_for_connections(in_flight, next_send);
  }
  for (const Connection& c : conns_) {
    out_.connection_min = std::min(out_.connection_min, c.replies);
    out_.connection_max = std::max(out_.connection_max, c.replies);
  }
}

}  // namespace swlab::load_detail
