#include "budget/channel_round_trip.h"

#include <cstdint>
#include <thread>
#include <type_traits>

#include "budget/probe_pinning.h"
#include "budget/round_trip_timer.h"
#include "measure/ping_pong.h"
#include "measure/poll_channel.h"
#include "single_writer/policies.h"

namespace swlab {

namespace {

constexpr std::size_t kCapacity = 1024;

// The channel carries what the engine's does, a hand-off (56 bytes: the slot's line, or
// two where a channel packs them so that they straddle), so that the channel's declared
// transfers, which count those lines, are the probe's too.
template <template <class> class C>
Quantiles channel_round_trip(ClockKind clock, double seconds, const std::atomic<bool>* stop) {
  const ProbePinning pinning;
  C<Handoff> to_b(kCapacity), to_a(kCapacity);
  std::thread b([&] {
    pinning.pin_echo();
    for (Handoff h; (h = poll_one<Handoff>(to_b)).cmd().order_id != 0;) to_a.push(h);  // order 0: stop
  });
  Request request;  // A's: each hand-off is a copy of it, with the next order id
  const Quantiles q = time_round_trips(clock, seconds, stop, [&] {
    ++request.cmd.order_id;
    to_b.push(Handoff(request));
    (void)poll_one<Handoff>(to_a);
  });
  request.cmd.order_id = 0;
  to_b.push(Handoff(request));
  b.join();
  return q;
}

// The echo thread B waits for A's ping on its own line (as the engine thread finds a
// request), then completes the request through the reply path; A waits through it. A
// reply path with per-call state (future: a promise a call) is timed as the engine's own
// blocking call uses it, through call(): completed with the call's part, not through the
// plain slot that a request without one falls back to.
template <class R>
Quantiles reply_round_trip(ClockKind clock, double seconds, const std::atomic<bool>* stop) {
  constexpr bool kPerCall = !std::is_same_v<payload_of<R>, NoPayload>;
  const ProbePinning pinning;
  SeparateLines flags;
  Request req;
  payload_of<R> part;  // written by A before its ping (release), read by B after it (acquire)
  std::thread b([&] {
    pinning.pin_echo();
    uint64_t yields = 0, last = 0;
    while (true) {
      last = wait_for_change(flags.ping(), last, &yields);
      if (last == kPingPongStop) return;
      if constexpr (kPerCall) {
        R::complete(req, &part);
      } else {
        R::complete(req);
      }
    }
  });
  uint64_t seq = 0;
  const auto ping = [&](Request&) { flags.ping().store(++seq, std::memory_order_release); };
  const Quantiles q = time_round_trips(clock, seconds, stop, [&] {
    req.done.reset();
    if constexpr (kPerCall) {
      R::call(req, part, ping);
    } else {
      ping(req);
      R::wait(req);
    }
  });
  flags.ping().store(kPingPongStop, std::memory_order_release);
  b.join();
  return q;
}

}  // namespace

std::optional<Quantiles> measure_channel_round_trip(const std::string& channel, ClockKind clock, double seconds,
                                                    const std::atomic<bool>* stop) {
  std::optional<Quantiles> q;
  for_each_channel(Channels{}, [&]<template <class> class C>() {
    if constexpr (PolledChannel<RequestChannel<C>>) {
      if (RequestChannel<C>::kName == channel) q = channel_round_trip<C>(clock, seconds, stop);
    }
  });
  return q;
}

std::optional<Quantiles> measure_reply_round_trip(const std::string& reply, ClockKind clock, double seconds,
                                                  const std::atomic<bool>* stop) {
  std::optional<Quantiles> q;
  for_each_policy(ReplyPaths{}, [&]<class R>() {
    if (std::string_view(R::kName) == reply) q = reply_round_trip<R>(clock, seconds, stop);
  });
  return q;
}

}  // namespace swlab
