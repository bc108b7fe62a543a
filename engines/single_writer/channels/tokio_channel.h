// Channel `tokio`: the seed's own stack. Clients send each command with a fresh
// oneshot into a bounded tokio mpsc (blocking_send under overload=block, try_send
// under reject and priority); one task on a current-thread runtime, on the engine
// thread, runs `while let Some(cmd) = rx.recv().await`, hands what it received to
// the engine's serve step (the same apply, sequence numbers, journal and reply
// publication as every channel) and answers through each command's oneshot; the
// caller waits in the oneshot's blocking_recv (with a reply path that only polls,
// reply=spin, it polls the reply word instead and the oneshot goes unread). The
// Rust side is engines/tokio/.
//
// It is a driving channel (policy_concepts.h; driven_lanes.h is the engine's adapter
// to it): the runtime owns the engine loop, so the engine hands it its steps instead
// of polling. What it costs over the other
// channels, measured in docs/single-writer.md: a oneshot allocated per command, a
// runtime wake-up (the scheduler's queue and the thread's unpark) when the engine
// task sleeps, and a park/unpark of the caller in blocking_recv.
//
// Not built under ThreadSanitizer (cmake/SwlabTokio.cmake): tokio's synchronisation
// is in uninstrumented Rust, so the race detector sees memory tokio allocates on
// one thread freed on another (the oneshot's shared state, for one) without the
// atomics that order them, and reports races it cannot check. We leave the channel out of that
// build, as moodycamel's and boost-queue's concurrent tests are left out, rather
// than suppress the reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "engine/request.h"
#include "engine/overload_policy.h"
#include "single_writer/engine_steps.h"
#include "single_writer/handoff.h"
#include "single_writer/named_policy.h"
#include "tokio/swlab_tokio.h"

namespace swlab {

template <class T>
class TokioChannel
    : public Named<"tokio",
                   "the seed's stack: a tokio mpsc into a task on a current-thread runtime, a oneshot per reply"> {
  static_assert(std::is_same_v<T, Handoff>,
                "the tokio channel carries the engine's requests: it publishes them and keeps their reply handles");

 public:
  // With one client and nobody parking: the bounded mpsc's permit count, taken by the
  // client's send and given back by the task's receive, moves each way (2); the
  // message's slot in the mpsc's block and the block's ready bits, both written by the
  // send and read by the task, move to the engine (2); the command's oneshot, which
  // the client allocates, the task's send writes and the client then reads (waiting on
  // it, or dropping the unread receiver at its next submit), moves each way (2). The
  // request's first line, whose address the mpsc carries and from which the engine's
  // adapter reads the command (driven_lanes.h; the polled channels carry the command by
  // value instead, handoff.h), is counted once per configuration
  // (request_line_transfers, policy_concepts.h). The runtime's own state stays on the
  // engine's core; a park and its unpark are wake-ups, which a budget counts apart.
  static constexpr int kLineTransfers = 6;

  // Per request: the oneshot receiver push made, held until the caller waits on it,
  // submits the request again or destroys it (a caller that polls done.ready() never
  // waits). Opaque bytes to everything but the crate.
  class Payload {
   public:
    Payload() = default;
    Payload(const Payload&) = delete;
    Payload& operator=(const Payload&) = delete;
    ~Payload() { reset(); }

    bool held() const { return held_; }
    // Drops an unread receiver.
    void reset() {
      if (held_) {
        held_ = false;
        swlab_tokio_release(bytes_);
      }
    }

   private:
    friend class TokioChannel;
    alignas(8) unsigned char bytes_[SWLAB_TOKIO_REPLY_HANDLE_BYTES];
    bool held_ = false;
  };

  // The lanes are sized to the engine's admission bound (overload=priority admits
  // up to twice the capacity in all), plus the stop doorbell, so that an admitted
  // send never waits: the admission word stays the one source of backpressure.
  TokioChannel(std::size_t capacity, OverloadPolicy overload)
      : channel_(swlab_tokio_channel_new(
            (overload == OverloadPolicy::kPriority ? 2 * capacity : capacity) + 1,
            overload == OverloadPolicy::kPriority ? 2 * capacity : 0, overload == OverloadPolicy::kBlock)) {}
  TokioChannel(const TokioChannel&) = delete;
  TokioChannel& operator=(const TokioChannel&) = delete;
  ~TokioChannel() { swlab_tokio_channel_free(channel_); }

  // The mpsc carries the request's address (the crate's C interface); the engine's
  // adapter reads the command from the request when the task hands it back
  // (driven_lanes.h).
  void push(const T& h, bool priority, Payload& p) {
    p.reset();
    swlab_tokio_push(channel_, &h.request(), priority, p.bytes_);
    p.held_ = true;
  }

  // The caller's side: blocking_recv on the command's oneshot (nothing to wait on
  // for a request the engine refused at admission: it never entered the channel).
  // Called by the engine's wait() when the reply path may sleep (policy_concepts.h).
  static void wait(Payload& p) {
    if (!p.held_) return;
    p.held_ = false;
    swlab_tokio_wait(p.bytes_);
  }

  void drive(const EngineSteps& steps) {
    EngineSteps engine = steps;  // lives until the loop returns
    const swlab_tokio_steps hooks{&engine, engine.batch, &serve, &idle, &stopped};
    swlab_tokio_drive(channel_, &hooks);
  }

  void wake() { swlab_tokio_wake(channel_); }

 private:
  static void serve(void* ctx, void* const* requests, std::size_t n) {
    auto* steps = static_cast<EngineSteps*>(ctx);
    auto* const* reqs = reinterpret_cast<Request* const*>(requests);
    // The mpsc's release (send) and acquire (recv) order the client's writes to
    // the request before the engine's reads.
    steps->serve(steps->engine, reqs, n);
  }
  static bool idle(void* ctx, uint32_t polls) {
    auto* steps = static_cast<EngineSteps*>(ctx);
    return steps->idle(steps->engine, polls);
  }
  static bool stopped(void* ctx) {
    auto* steps = static_cast<EngineSteps*>(ctx);
    return steps->stopped(steps->engine);
  }

  swlab_tokio_channel* const channel_;
};

}  // namespace swlab
