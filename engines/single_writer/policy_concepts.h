// What a channel, a reply path and a wait strategy must provide (C++20 concepts).
// The engine (single_writer_engine.h) needs these and nothing else of the policies;
// the lists of the policies this build has are in policies.h.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "engine/overload_policy.h"
#include "engine/request.h"
#include "single_writer/engine_steps.h"
#include "single_writer/handoff.h"

namespace swlab {

// Every policy names and describes itself.
template <class P>
concept NamedPolicy = requires {
  { P::kName } -> std::convertible_to<std::string_view>;
  { P::kSummary } -> std::convertible_to<std::string_view>;
};

// --- what a policy adds to a round trip -----------------------------------------------
// Every policy declares, as `static constexpr int kLineTransfers`, how many cache-line
// transfers it adds to one single-writer round trip, so that a latency budget (issue
// 26's `swlab explain`) follows the code rather than prose. The round trip counted is
// the one of docs/single-writer.md, "The round trip, line by line": one client, one
// request in flight, the engine thread running (not asleep), steady state. A transfer
// is one line's data moving between the client's core and the engine's: a line one
// side writes and the other then reads moves once per round trip; a line both sides
// write moves twice; a line touched once per batch, once per `capacity` requests, or
// only when one side sleeps counts 0 (a sleep is a wake-up, which a budget counts
// apart). The cross-core ping-pong, the floor everything is measured against, is 2.
// Each declaration gives its reasoning in a comment beside it.
template <class P>
concept DeclaresLineTransfers = requires {
  { P::kLineTransfers } -> std::convertible_to<int>;
  typename std::integral_constant<int, P::kLineTransfers>;  // a constant, known at compile time
} && (P::kLineTransfers >= 0);

// What the engine itself moves whatever its policies: the request's second line
// (completion word and reply), which the client writes when it submits (done.reset(),
// or a fresh Request) and the engine then writes the reply into (1), and which comes
// back to the client that reads its reply (1). The request's first line (command,
// buffers, control, payload) stays on the client's core: the command and the buffers
// pointer travel by value in what the channel carries (handoff.h), so the channel's
// own count covers them; an inspection or a payload is read from the request only by
// the rare or slow paths that have one. The admission words add none: a client's
// `admitted` stays on its core (the engine reads it once in 64 empty polls),
// `completed` is read through a cached copy once per `capacity` requests, `sleeping`
// is written only when the engine sleeps.
inline constexpr int kEngineLineTransfers = 2;

// A policy's per-request state (a reply handle, a promise), if it keeps any: its
// Payload type, or NoPayload. The engine composes the parts of its channel and its reply
// path into the request's payload (single_writer/request_payload.h).
struct NoPayload {};
template <class P>
struct PayloadOf {
  using type = NoPayload;
};
template <class P>
  requires requires { typename P::Payload; }
struct PayloadOf<P> {
  using type = typename P::Payload;
};
template <class P>
using payload_of = typename PayloadOf<P>::type;

// --- channels -------------------------------------------------------------------------
// A bounded multi-producer, single-consumer channel of hand-offs (handoff.h: a request's
// address with its command by value). Built with
// the engine's capacity (the engine itself bounds what is in flight, so push never
// finds it full); push from any client thread, pop_bulk from the engine thread only.
// A channel with kBlocking also offers pop_bulk_wait(out, max, timeout_us), in
// which an idle engine sleeps. A channel with a hard size limit says so in
// kMaxCapacity; the engine refuses a larger capacity with that message.
template <class C>
concept PolledChannel = NamedPolicy<C> && DeclaresLineTransfers<C> && std::constructible_from<C, std::size_t> &&
                        requires(C c, const Handoff& h, Handoff* out, std::size_t n) {
                          { C::kBlocking } -> std::convertible_to<bool>;
                          c.push(h);
                          { c.pop_bulk(out, n) } -> std::same_as<std::size_t>;
                        } &&
                        (!C::kBlocking || requires(C c, Handoff* out, std::size_t n, int64_t us) {
                          { c.pop_bulk_wait(out, n, us) } -> std::same_as<std::size_t>;
                        });

// A channel whose consumer side is an event loop of its own (tokio's runtime: the
// loop is `while let Some(cmd) = rx.recv().await`, owned by the runtime). Instead of
// the engine thread polling pop_bulk, the engine thread calls drive(steps) once; the
// channel receives in its own way, hands each batch to steps.serve, sleeps when
// steps.idle says so, and returns when steps.stopped says so. shutdown() calls
// wake() after setting the stop bit, so that an idle loop wakes and re-checks. The
// engine reaches such a channel through its adapter, driven_lanes.h.
//
// Admission is the engine's, as for every channel: the channel is built with the
// capacity and the overload policy (it may send differently per policy, but never
// decides who gets in), push(h, priority, payload) says which lane (overload=priority
// keeps cancels and queries on a lane of their own, inside the channel), and the
// channel sizes its lanes so that an admitted push never finds them full.
//
// Such a channel may also carry the reply back itself (tokio's oneshot): it keeps a
// handle in its Payload (the request's, filled by push) and provides a static
// wait(Payload&) that waits on it; the engine's wait() calls it before the reply
// path's own wait, which then finds the reply word the engine published already set.
template <class C>
concept DrivingChannel =
    NamedPolicy<C> && DeclaresLineTransfers<C> && std::constructible_from<C, std::size_t, OverloadPolicy> &&
    requires(C c, const Handoff& h, bool priority, payload_of<C>& payload, const EngineSteps& steps) {
      c.push(h, priority, payload);
      c.drive(steps);
      c.wake();
    };

// Every channel is one of the two.
template <class C>
concept Channel = PolledChannel<C> || DrivingChannel<C>;

// --- reply paths ----------------------------------------------------------------------
// How a reply reaches its caller: complete() on the engine thread once the reply is
// written (the request must not be touched after it), wait() on the caller's.
//
// A reply path that keeps state per blocking call (future: the call's promise)
// declares a Payload and takes it: complete(req, payload) gets the request's part (null
// for a request that has none: one a client submitted), and call(req, payload, submit)
// is the engine's own blocking call (Engine::execute), which submits the request with
// submit(req) and returns once the reply is final.
template <class R>
concept ReplyPath =
    NamedPolicy<R> && DeclaresLineTransfers<R> &&
    (requires(Request& req) {
      R::complete(req);
      R::wait(req);
    } ||
     requires(Request& req, payload_of<R>* part, payload_of<R>& call_part, void (*submit)(Request&)) {
       R::complete(req, part);
       R::wait(req);
       R::call(req, call_part, submit);
     });

// Whether a reply path's waiter may sleep. One that only polls says kSleeps = false
// (spin); with a channel that carries the reply back itself (tokio), a caller whose
// reply path sleeps sleeps in the channel's own wait (blocking_recv on the oneshot,
// as the seed does), and one whose reply path only polls polls the reply word.
template <ReplyPath R>
constexpr bool reply_path_sleeps() {
  if constexpr (requires { R::kSleeps; }) {
    return R::kSleeps;
  } else {
    return true;
  }
}

// --- wait strategies ------------------------------------------------------------------
// What an idle engine thread does: idle(n) is called after the n-th consecutive
// empty poll; true means "sleep until a request arrives".
template <class W>
concept WaitStrategy = NamedPolicy<W> && DeclaresLineTransfers<W> && requires(uint32_t polls) {
  { W::idle(polls) } -> std::same_as<bool>;
};

// The request's first line, which a hand-off leaves on the client's core (handoff.h)
// unless the engine thread must read it: for a reply path that keeps per-request state
// (the future's promise: its address is there) and for a driving channel (tokio's
// adapter reads the command there, driven_lanes.h). One line however many of them read
// it, so it is the configuration's to count, not each policy's.
template <class P>
constexpr bool keeps_payload() {
  return !std::is_same_v<payload_of<P>, NoPayload>;
}
template <class ChannelT, class ReplyT>
constexpr int request_line_transfers() {
  return DrivingChannel<ChannelT> || keeps_payload<ReplyT>() ? 1 : 0;
}

// The lines one round trip of a configuration moves, from the declarations: the
// engine's own, the request's first line where it is read, and each policy's.
template <class ChannelT, class ReplyT, class WaitT>
constexpr int round_trip_line_transfers() {
  return kEngineLineTransfers + request_line_transfers<ChannelT, ReplyT>() + ChannelT::kLineTransfers +
         ReplyT::kLineTransfers + WaitT::kLineTransfers;
}

}  // namespace swlab
