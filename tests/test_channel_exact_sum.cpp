// Every channel of the list (single_writer/policies.h, Channels) moves every value it
// is given exactly once: several producers push disjoint runs of values through a
// small channel (so that rings wrap and pools recycle many times), one consumer
// drains it, and the consumer must see each value once, none it was not given, and
// the exact sum (rigtorp's SPSCQueue test, with several producers). The channels are
// walked from the list, so a channel added to it is tested here without an edit.
//
// A polled channel is drained with pop_bulk; a driving one (tokio) runs its own loop
// and hands each batch to the serve step. As in the engine, the producers keep at
// most the channel's capacity in flight (an admission count the consumer gives
// back), which is the bound every channel is built for.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "single_writer/policies.h"
#include "tsan_unverifiable.h"

namespace swlab::test {
namespace {

constexpr int kProducers = 4;
#if defined(__SANITIZE_THREAD__)
constexpr uint64_t kPerProducer = 10'000;  // ThreadSanitizer runs each access ~10x slower
#else
constexpr uint64_t kPerProducer = 50'000;
#endif
constexpr uint64_t kTotal = kProducers * kPerProducer;
constexpr int64_t kCapacity = 64;

// Value v (1..kTotal) travels as the engine's commands do: as the order id of a
// request's command, which a polled channel carries by value in the hand-off
// (handoff.h) and a driving one by the request's address. Each producer cycles through
// more requests than may be in flight, so none is rewritten before it was taken.
uint64_t decode(const Handoff& h) { return static_cast<uint64_t>(h.cmd().order_id); }
uint64_t decode(const Request* r) { return static_cast<uint64_t>(r->cmd.order_id); }

// What the consumer saw.
struct Tally {
  std::vector<uint8_t> seen = std::vector<uint8_t>(kTotal + 1, 0);
  uint64_t received = 0, sum = 0, duplicates = 0, strangers = 0;

  template <class Item>
  void take(const Item& item) {
    const uint64_t v = decode(item);
    ++received;
    if (v == 0 || v > kTotal) {
      ++strangers;
      return;
    }
    if (seen[v]++ != 0) ++duplicates;
    sum += v;
  }

  void check(const std::string& channel) const {
    EXPECT_EQ(strangers, 0u) << channel << " delivered values nobody pushed";
    EXPECT_EQ(duplicates, 0u) << channel << " delivered values twice";
    EXPECT_EQ(received, kTotal) << channel;
    EXPECT_EQ(sum, kTotal * (kTotal + 1) / 2) << channel << ": the exact sum";
    const auto lost = std::count(seen.begin() + 1, seen.end(), 0);
    EXPECT_EQ(lost, 0) << channel << " lost values";
  }
};

// The engine's admission, reduced to a count: at most kCapacity pushed and not yet taken.
class Admission {
 public:
  void enter() {
    while (room_.fetch_sub(1, std::memory_order_acquire) <= 0) {
      room_.fetch_add(1, std::memory_order_relaxed);
      std::this_thread::yield();
    }
  }
  void leave(std::size_t n) { room_.fetch_add(static_cast<int64_t>(n), std::memory_order_release); }

 private:
  std::atomic<int64_t> room_{kCapacity};
};

// Each producer's requests, reused in turn: at most kCapacity are in flight, so the one
// reused was taken (the consumer's take happens before the admission that lets it be
// reused). Owned by the test, not the producer: a driving channel's consumer reads the
// last ones after their producer has returned.
struct RequestPools {
  std::vector<std::vector<Request>> pools;
  RequestPools() {
    pools.reserve(kProducers);
    for (int p = 0; p < kProducers; ++p) pools.emplace_back(kCapacity + 1);
  }
};

// Producer p pushes p * kPerProducer + 1 .. (p + 1) * kPerProducer, in order.
void produce(int p, std::vector<Request>& requests, Admission& admission,
             const std::function<void(Request&)>& push) {
  for (uint64_t i = 1; i <= kPerProducer; ++i) {
    admission.enter();
    Request& r = requests[i % requests.size()];
    r.cmd.order_id = static_cast<int64_t>(static_cast<uint64_t>(p) * kPerProducer + i);
    push(r);
  }
}

template <class C>
void run_polled(Tally* tally) {
  C channel(kCapacity);
  Admission admission;
  RequestPools requests;
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p)
    producers.emplace_back(
        [&, p] { produce(p, requests.pools[p], admission, [&](Request& r) { channel.push(Handoff(r)); }); });
  Handoff batch[16];
  uint32_t idle = 0;
  while (tally->received < kTotal) {
    const std::size_t n = channel.pop_bulk(batch, std::size(batch));
    for (std::size_t i = 0; i < n; ++i) tally->take(batch[i]);
    admission.leave(n);
    if (n == 0 && ++idle % 64 == 0) std::this_thread::yield();  // 2 cores: let producers run
  }
  for (auto& t : producers) t.join();
  EXPECT_EQ(channel.pop_bulk(batch, std::size(batch)), 0u) << "items left over after every value arrived";
}

template <class C>
void run_driving(Tally* tally) {
  C channel(kCapacity, OverloadPolicy::kBlock);
  Admission admission;
  RequestPools requests;  // outlives the loop, which reads requests after their producers end
  struct Consumer {
    Tally* tally;
    Admission* admission;
  } consumer{tally, &admission};
  EngineSteps steps;
  steps.engine = &consumer;
  steps.batch = 16;
  steps.serve = [](void* c, Request* const* requests, std::size_t n) {
    auto* self = static_cast<Consumer*>(c);
    for (std::size_t i = 0; i < n; ++i) self->tally->take(requests[i]);
    self->admission->leave(n);
  };
  steps.idle = [](void*, uint32_t polls) {
    if (polls % 64 == 0) std::this_thread::yield();
    return false;  // poll on: the loop checks stopped() on every pass
  };
  steps.stopped = [](void* c) { return static_cast<Consumer*>(c)->tally->received >= kTotal; };
  std::thread loop([&] { channel.drive(steps); });
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p)
    producers.emplace_back([&, p] {
      payload_of<C> payload;  // the channel's per-request state, reused push after push
      produce(p, requests.pools[p], admission, [&](Request& r) { channel.push(Handoff(r), false, payload); });
    });
  for (auto& t : producers) t.join();
  loop.join();
}

// channel name -> its stress run, from the list.
const std::map<std::string, std::function<void(Tally*)>>& runs() {
  static const auto m = [] {
    std::map<std::string, std::function<void(Tally*)>> v;
    for_each_channel(Channels{}, [&]<template <class> class C>() {
      using Ch = RequestChannel<C>;
      if constexpr (PolledChannel<Ch>) {
        v.emplace(Ch::kName, run_polled<Ch>);
      } else {
        v.emplace(Ch::kName, run_driving<Ch>);
      }
    });
    return v;
  }();
  return m;
}

std::vector<std::string> channel_names() {
  std::vector<std::string> names;
  for (const auto& [name, run] : runs()) names.push_back(name);
  return names;
}

class ChannelExactSum : public ::testing::TestWithParam<std::string> {};

TEST_P(ChannelExactSum, EveryValueOfEveryProducerArrivesExactlyOnce) {
#if defined(__SANITIZE_THREAD__)
  if (std::string why = tsan_cannot_verify(GetParam()); !why.empty()) GTEST_SKIP() << why;
#endif
  Tally tally;
  runs().at(GetParam())(&tally);
  tally.check(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Channels, ChannelExactSum, ::testing::ValuesIn(channel_names()), [](const auto& info) {
  std::string s = info.param;
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
});

TEST(ChannelExactSum, CoversEveryChannelOfTheList) {
  EXPECT_EQ(runs().size(), Channels::size);
}

}  // namespace
}  // namespace swlab::test
