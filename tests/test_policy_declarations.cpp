// Every single-writer policy must declare the cache-line transfers it adds to a round
// trip (kLineTransfers, single_writer/policy_concepts.h): the latency budget of issue
// 26 adds them up, so a policy that says nothing must not build. These are
// compile-time checks (a policy lacking the count fails the concept, and an engine
// cannot even be named with it); the test cases below only report what the
// declarations add up to.
#include <gtest/gtest.h>

#include <string>

#include "engine/exchange_core.h"
#include "single_writer/policies.h"
#include "single_writer/single_writer_engine.h"

namespace swlab::test {
namespace {

// The same policies with and without a declared count.
template <class T>
class CountlessChannel : public Named<"countless", "a polled channel that declares no line transfers"> {
 public:
  static constexpr bool kBlocking = false;
  explicit CountlessChannel(std::size_t) {}
  void push(T) {}
  std::size_t pop_bulk(T*, std::size_t) { return 0; }
};
template <class T>
class CountedChannel : public CountlessChannel<T> {
 public:
  static constexpr int kLineTransfers = 1;
  using CountlessChannel<T>::CountlessChannel;
};

struct CountlessReply : Named<"countless", "a reply path that declares no line transfers"> {
  static void complete(Request&) {}
  static void wait(Request&) {}
};
struct CountedReply : CountlessReply {
  static constexpr int kLineTransfers = 0;
};

struct CountlessWait : Named<"countless", "a wait strategy that declares no line transfers"> {
  static bool idle(uint32_t) { return false; }
};
struct CountedWait : CountlessWait {
  static constexpr int kLineTransfers = 0;
};

// A count that is not a constant does not count either.
struct RuntimeCountWait : CountlessWait {
  static inline int kLineTransfers = 0;
};

static_assert(!Channel<CountlessChannel<Handoff>> && Channel<CountedChannel<Handoff>>);
static_assert(!ReplyPath<CountlessReply> && ReplyPath<CountedReply>);
static_assert(!WaitStrategy<CountlessWait> && WaitStrategy<CountedWait>);
static_assert(!WaitStrategy<RuntimeCountWait>);

// Naming the engine checks its constraints: with any countless policy it cannot be named.
template <template <class> class C, class R, class W>
concept Buildable = requires { typename SingleWriterEngine<C, R, W, ExchangeCore>; };
static_assert(Buildable<CountedChannel, CountedReply, CountedWait>);
static_assert(!Buildable<CountlessChannel, CountedReply, CountedWait>);
static_assert(!Buildable<CountedChannel, CountlessReply, CountedWait>);
static_assert(!Buildable<CountedChannel, CountedReply, CountlessWait>);

// What the counts are made of: the engine's own, plus each policy's.
static_assert(round_trip_line_transfers<CountedChannel<Handoff>, CountedReply, CountedWait>() ==
              kEngineLineTransfers + 1);

// The request's first line is the configuration's to count, once: read by the engine
// for a reply path with a payload (future) or a driving channel (tokio), by both in
// their combination, and by neither in the hand-off's default.
static_assert(request_line_transfers<SpscChannel<Handoff>, FutexReply>() == 0);
static_assert(request_line_transfers<SpscChannel<Handoff>, FutureReply>() == 1);
static_assert(round_trip_line_transfers<SpscChannel<Handoff>, FutureReply, BusySpinWait>() ==
              kEngineLineTransfers + 1 + SpscChannel<Handoff>::kLineTransfers + FutureReply::kLineTransfers);
#if SWLAB_HAVE_TOKIO
static_assert(request_line_transfers<TokioChannel<Handoff>, FutexReply>() == 1);
static_assert(request_line_transfers<TokioChannel<Handoff>, FutureReply>() == 1, "the line once, not twice");
#endif

TEST(PolicyDeclarations, EveryListedPolicyDeclaresItsTransfers) {
  // The lists compile only if every policy declares its count (describe_* read it);
  // here they are, as `swlab explain` will add them up.
  for (const auto& c : describe_channels(Channels{})) {
    EXPECT_GE(c.line_transfers, 0) << c.name;
    EXPECT_LE(c.line_transfers, 16) << c.name << ": more transfers than a round trip has lines";
  }
  for (const auto& r : describe_policies(ReplyPaths{})) EXPECT_GE(r.line_transfers, 0) << r.name;
  for (const auto& w : describe_policies(WaitStrategies{})) EXPECT_GE(w.line_transfers, 0) << w.name;
  // The default configuration, spsc + futex + blocking: the slot, with the command in
  // it (handoff.h), and the request's second line both ways (docs/single-writer.md,
  // "The round trip, line by line").
  EXPECT_EQ((round_trip_line_transfers<SpscChannel<Handoff>, FutexReply, BlockingWait>()), 3);
}

}  // namespace
}  // namespace swlab::test
