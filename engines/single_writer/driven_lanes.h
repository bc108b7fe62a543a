// How the single-writer engine reaches a driving channel (policy_concepts.h,
// DrivingChannel; channel=tokio): the channel runs the engine's loop itself, so
// run() hands it the engine's steps as plain function pointers (EngineSteps, which a
// loop written in another language can call) instead of polling. The same face as
// polled_lanes.h, so that the engine names neither kind.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/overload_policy.h"
#include "engine/request.h"
#include "single_writer/engine_steps.h"
#include "single_writer/policy_concepts.h"
#include "single_writer/request_payload.h"

namespace swlab {

template <class Queue, class ReplyT>
class DrivenLanes {
  using Payloads = RequestPayloads<Queue, ReplyT>;

 public:
  // The channel keeps its priority lane inside (its loop drains both).
  DrivenLanes(uint32_t capacity, uint32_t batch, OverloadPolicy overload)
      : channel_(capacity, overload), batch_limit_(batch) {}

  // The request's payload was made ours at submit (RequestPayloads::prepare).
  void push(Request* r, bool priority) { channel_.push(r, priority, part(*r)); }

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

  template <class Loop>
  void run(Loop& loop) {
    EngineSteps steps;
    steps.engine = &loop;
    steps.batch = batch_limit_;
    steps.serve = [](void* l, Request* const* requests, std::size_t n) { static_cast<Loop*>(l)->serve(requests, n); };
    steps.idle = [](void* l, uint32_t polls) { return static_cast<Loop*>(l)->idle(polls); };
    steps.stopped = [](void* l) { return static_cast<Loop*>(l)->stopped(); };
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
};

}  // namespace swlab
