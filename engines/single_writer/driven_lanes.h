// How the single-writer engine reaches a driving channel (policy_concepts.h,
// DrivingChannel; channel=tokio): the channel runs the engine's loop itself, so
// run() hands it the engine's steps as plain function pointers (EngineSteps, which a
// loop written in another language can call) instead of polling. The same face as
// polled_lanes.h, so that the engine names neither kind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/overload_policy.h"
#include "engine/request.h"
#include "single_writer/engine_steps.h"
#include "single_writer/handoff.h"
#include "single_writer/policy_concepts.h"
#include "single_writer/request_payload.h"

namespace swlab {

template <class Queue, class ReplyT>
class DrivenLanes {
  using Payloads = RequestPayloads<Queue, ReplyT>;

 public:
  // The channel keeps its priority lane inside (its loop drains both).
  DrivenLanes(uint32_t capacity, uint32_t batch, OverloadPolicy overload)
      : channel_(capacity, overload), batch_limit_(batch), batch_(batch) {}

  // The request's payload was made ours at submit (RequestPayloads::prepare).
  void push(const Handoff& h, bool priority) { channel_.push(h, priority, part(h.request())); }

  // The caller's side, before the reply path's own wait: a channel that carries the
  // reply itself (tokio's oneshot) is waited on first when the reply path may sleep,
  // so that the caller sleeps where the seed's does (blocking_recv), then finds the
  // reply word already published. A reply path that only polls polls the word, and
  // the channel's handle is released at the request's next submit.
  static void wait(Request& r) {
    if constexpr (requires(payload_of<Queue>& p) { Queue::wait(p); }) {
      if constexpr (reply_path_sleeps<ReplyT>()) {
        if (r.payload != nullptr) Queue::wait(part(r));
      }
    }
  }

  // After the stop bit is set: the loop sleeps in the channel, not on the doorbell.
  void wake() { channel_.wake(); }

  // The loop hands back request addresses (the steps are a C interface, for a loop in
  // another language): each becomes a hand-off here, on the engine thread, which reads
  // the request's first line as every request was read before the polled channels
  // carried the command by value (handoff.h).
  template <class Loop>
  void run(Loop& loop) {
    struct Serving {
      DrivenLanes& lanes;
      Loop& loop;
    } serving{*this, loop};
    EngineSteps steps;
    steps.engine = &serving;
    steps.batch = batch_limit_;
    steps.serve = [](void* s, Request* const* requests, std::size_t n) {
      auto& self = *static_cast<Serving*>(s);
      for (std::size_t i = 0; i < n; ++i) self.lanes.batch_[i] = Handoff(*requests[i]);
      self.loop.serve(self.lanes.batch_.data(), n);
    };
    steps.idle = [](void* s, uint32_t polls) { return static_cast<Serving*>(s)->loop.idle(polls); };
    steps.stopped = [](void* s) { return static_cast<Serving*>(s)->loop.stopped(); };
    channel_.drive(steps);
  }

 private:
  static payload_of<Queue>& part(Request& r) {
    if constexpr (Payloads::kEveryRequest) {
      return Payloads::of(r)->channel;
    } else {
      static NoPayload none;
      return none;
    }
  }

  Queue channel_;
  const uint32_t batch_limit_;
  std::vector<Handoff> batch_;  // the engine thread's: steps.batch is its size
};

}  // namespace swlab
