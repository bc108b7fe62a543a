// The lists of the channels, reply paths and wait strategies this build has (what
// each must provide is in policy_concepts.h). The lists are the only place a policy
// is named: the engine names, the spec options' allowed values, the dispatch from
// a spec to a template instantiation and `swlab engines --verbose` are all derived
// from them. Adding a channel is one new header under channels/ and one entry in
// Channels below (docs/architecture.md, "Adding a channel").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "single_writer/policy_concepts.h"
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

// The channel over what the engine's channels carry (handoff.h), the form the
// concepts check.
template <template <class> class C>
using RequestChannel = C<Handoff>;

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
  int line_transfers = 0;  // what it adds to a round trip (policy_concepts.h)
  // Has the engine read the request's first line (request_line_transfers,
  // policy_concepts.h): a driving channel, a reply path with a payload.
  bool reads_request = false;
};

template <class L>
std::vector<PolicyDescription> describe_channels(L list = {}) {
  std::vector<PolicyDescription> v;
  for_each_channel(list, [&]<template <class> class C>() {
    static_assert(Channel<RequestChannel<C>>, "a channel must model the Channel concept (policy_concepts.h)");
    v.push_back({RequestChannel<C>::kName, RequestChannel<C>::kSummary, RequestChannel<C>::kLineTransfers,
                 DrivingChannel<RequestChannel<C>>});
  });
  return v;
}

template <class L>
std::vector<PolicyDescription> describe_policies(L list = {}) {
  std::vector<PolicyDescription> v;
  for_each_policy(list,
                  [&]<class P>() { v.push_back({P::kName, P::kSummary, P::kLineTransfers, keeps_payload<P>()}); });
  return v;
}

// Channels this build left out, each with why (the name, and "not built: ...").
inline std::vector<PolicyDescription> unbuilt_channels() {
#if SWLAB_HAVE_TOKIO
  return {};
#else
  return {{"tokio", "not built: " SWLAB_TOKIO_MISSING, 0, true}};
#endif
}

inline std::vector<std::string> names_of(const std::vector<PolicyDescription>& v) {
  std::vector<std::string> out;
  for (const auto& d : v) out.push_back(d.name);
  return out;
}

}  // namespace swlab
