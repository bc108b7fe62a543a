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
#include "single_writer/channels/boost_queue_channel.h"
#include "single_writer/channels/disruptor_channel.h"
#include "single_writer/channels/moodycamel_blocking_channel.h"
#include "single_writer/channels/moodycamel_channel.h"
#include "single_writer/channels/mutex_deque_channel.h"
#include "single_writer/channels/spsc_channel.h"
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
concept Channel = NamedPolicy<C> && std::constructible_from<C, std::size_t> &&
                  requires(C c, Request* r, Request** out, std::size_t n) {
                    { C::kBlocking } -> std::convertible_to<bool>;
                    c.push(r);
                    { c.pop_bulk(out, n) } -> std::same_as<std::size_t>;
                  } &&
                  (!C::kBlocking || requires(C c, Request** out, std::size_t n, int64_t us) {
                    { c.pop_bulk_wait(out, n, us) } -> std::same_as<std::size_t>;
                  });

// How a reply reaches its caller: complete() on the engine thread once the reply is
// written (the request must not be touched after it), wait() on the caller's.
template <class R>
concept ReplyPath = NamedPolicy<R> && requires(Request& req) {
  R::complete(req);
  R::wait(req);
};

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
using Channels = ChannelList<SpscChannel, MoodycamelChannel, MoodycamelBlockingChannel, BoostQueueChannel,
                             MutexDequeChannel, DisruptorChannel>;
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

inline std::vector<std::string> names_of(const std::vector<PolicyDescription>& v) {
  std::vector<std::string> out;
  for (const auto& d : v) out.push_back(d.name);
  return out;
}

}  // namespace swlab
