// What a channel, a reply path and a wait strategy must provide (C++20 concepts),
// and the lists of the ones this build has. The lists are the only place a policy
// is named: the engine names, the spec options' allowed values, the dispatch from
// a spec to a template instantiation and `swlab engines --verbose` are all derived
// from them. Adding a channel is one new header under channels/ and one entry in
// Channels below (docs/architecture.md, "Adding a channel").
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "engine/overload_policy.h"
#include "single_writer/engine_steps.h"
#include "single_writer/channels/boost_queue_channel.h"
#include "single_writer/channels/disruptor_channel.h"
#include "single_writer/channels/moodycamel_blocking_channel.h"
#include "single_writer/channels/moodycamel_channel.h"
#include "single_writer/channels/mutex_deque_channel.h"
#include "single_writer/channels/spsc_channel.h"
#if SWLAB_HAVE_TOKIO
#include "single_writer/channels/tokio_channel.h"
#endif
#include "single_writer/reply/reply_atomic_wait.h"
#include "single_writer/reply/reply_future.h"
#include "single_writer/reply/reply_futex.h"
#include "single_writer/reply/reply_spin.h"
#include "single_writer/wait/wait_blocking.h"
#include "single_writer/wait/wait_busy_spin.h"
#include "single_writer/wait/wait_spin_yield.h"

namespace swlab {

// Every policy names and describes itself.
template <class P>
concept NamedPolicy = requires {
  { P::kName } -> std::convertible_to<std::string_view>;
  { P::kSummary } -> std::convertible_to<std::string_view>;
};

// A bounded multi-producer, single-consumer hand-off of request pointers. Built with
// the engine's capacity (the engine itself bounds what is in flight, so push never
// finds it full); push from any client thread, pop_bulk from the engine thread only.
// A channel with kBlocking also offers pop_bulk_wait(out, max, timeout_us), in
// which an idle engine sleeps. A channel with a hard size limit says so in
// kMaxCapacity; the engine refuses a larger capacity with that message.
template <class C>
concept PolledChannel = NamedPolicy<C> && std::constructible_from<C, std::size_t> &&
                        requires(C c, Request* r, Request** out, std::size_t n) {
                          { C::kBlocking } -> std::convertible_to<bool>;
                          c.push(r);
                          { c.pop_bulk(out, n) } -> std::same_as<std::size_t>;
                        } &&
                        (!C::kBlocking || requires(C c, Request** out, std::size_t n, int64_t us) {
                          { c.pop_bulk_wait(out, n, us) } -> std::same_as<std::size_t>;
                        });

// A channel whose consumer side is an event loop of its own (tokio's runtime: the
// loop is `while let Some(cmd) = rx.recv().await`, owned by the runtime). Instead of
// the engine thread polling pop_bulk, the engine thread calls drive(steps) once; the
// channel receives in its own way, hands each batch to steps.serve, sleeps when
// steps.idle says so, and returns when steps.stopped says so. shutdown() calls
// wake() after setting the stop bit, so that an idle loop wakes and re-checks.
//
// Admission is the engine's, as for every channel: the channel is built with the
// capacity and the overload policy (it may send differently per policy, but never
// decides who gets in), push(r, priority) says which lane (overload=priority keeps
// cancels and queries on a lane of their own, inside the channel), and the channel
// sizes its lanes so that an admitted push never finds them full.
//
// Such a channel may also carry the reply back itself (tokio's oneshot): it writes a
// handle into the request's reply_handle on push and provides a static
// wait(Request&) that waits on it; the engine's wait() calls it before the reply
// path's own wait, which then finds the reply word the engine published already set.
template <class C>
concept DrivingChannel = NamedPolicy<C> && std::constructible_from<C, std::size_t, OverloadPolicy> &&
                         requires(C c, Request* r, bool priority, const EngineSteps& steps) {
                           c.push(r, priority);
                           c.drive(steps);
                           c.wake();
                         };

// Every channel is one of the two.
template <class C>
concept Channel = PolledChannel<C> || DrivingChannel<C>;

// How a reply reaches its caller: complete() on the engine thread once the reply is
// written (the request must not be touched after it), wait() on the caller's.
template <class R>
concept ReplyPath = NamedPolicy<R> && requires(Request& req) {
  R::complete(req);
  R::wait(req);
};

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

// What an idle engine thread does: idle(n) is called after the n-th consecutive
// empty poll; true means "sleep until a request arrives".
template <class W>
concept WaitStrategy = NamedPolicy<W> && requires(uint32_t polls) {
  { W::idle(polls) } -> std::same_as<bool>;
};

template <template <class> class... Cs>
struct ChannelList {
  static constexpr std::size_t size = sizeof...(Cs);
  template <template <class> class C>
  using append = ChannelList<Cs..., C>;
};
template <class... Ts>
struct PolicyList {
  static constexpr std::size_t size = sizeof...(Ts);
};

// The channel over the engine's request type, the form the concepts check.
template <template <class> class C>
using RequestChannel = C<Request*>;

// --- this build's policies ----------------------------------------------------------
using CppChannels = ChannelList<SpscChannel, MoodycamelChannel, MoodycamelBlockingChannel, BoostQueueChannel,
                                MutexDequeChannel, DisruptorChannel>;
// `tokio` is built when CMake finds Debian's cargo (cmake/SwlabTokio.cmake); without
// it the channel is listed as not built, with the reason, and a spec naming it is
// refused with that reason (unbuilt_channels() below).
#if SWLAB_HAVE_TOKIO
using Channels = CppChannels::append<TokioChannel>;
#else
using Channels = CppChannels;
#endif
using ReplyPaths = PolicyList<FutexReply, SpinReply, AtomicWaitReply, FutureReply>;
using WaitStrategies = PolicyList<BlockingWait, SpinYieldWait, BusySpinWait>;

// --- walking the lists --------------------------------------------------------------
// Calls f.template operator()<C>() for every channel C, in list order.
template <template <class> class... Cs, class F>
void for_each_channel(ChannelList<Cs...>, F&& f) {
  (f.template operator()<Cs>(), ...);
}
template <class... Ts, class F>
void for_each_policy(PolicyList<Ts...>, F&& f) {
  (f.template operator()<Ts>(), ...);
}

struct PolicyDescription {
  std::string name;
  std::string summary;
};

template <class L>
std::vector<PolicyDescription> describe_channels(L list = {}) {
  std::vector<PolicyDescription> v;
  for_each_channel(list, [&]<template <class> class C>() {
    static_assert(Channel<RequestChannel<C>>, "a channel must model the Channel concept (policies.h)");
    v.push_back({RequestChannel<C>::kName, RequestChannel<C>::kSummary});
  });
  return v;
}

template <class L>
std::vector<PolicyDescription> describe_policies(L list = {}) {
  std::vector<PolicyDescription> v;
  for_each_policy(list, [&]<class P>() { v.push_back({P::kName, P::kSummary}); });
  return v;
}

// Channels this build left out, each with why (the name, and "not built: ...").
inline std::vector<PolicyDescription> unbuilt_channels() {
#if SWLAB_HAVE_TOKIO
  return {};
#else
  return {{"tokio", "not built: " SWLAB_TOKIO_MISSING}};
#endif
}

inline std::vector<std::string> names_of(const std::vector<PolicyDescription>& v) {
  std::vector<std::string> out;
  for (const auto& d : v) out.push_back(d.name);
  return out;
}

}  // namespace swlab
