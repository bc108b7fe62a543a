// What each of the single writer's line transfers costs, measured before anything was
// rebuilt (issue 26, item 4). Until the hand-off (single_writer/handoff.h) the engine's
// round trip moved 4 lines where the ping-pong moves 2 (docs/single-writer.md, "The
// round trip, line by line"):
//
//   the slot (lap and request pointer)      client -> engine    1
//   the request's first line (the command)  client -> engine    1   read through the pointer
//   the request's second line (completion   client -> engine    1   the client writes it at
//   word and reply)                                                 submit (done.reset())
//                                            engine -> client   1   the reply
//
// Two designs would each remove one: the command carried by value in the slot (no
// dependent fetch of the request's first line), and a completion word the client never
// writes (a sequence number the engine stores, instead of a reset to pending). Both are
// interface changes every channel and reply path carries, so before building either,
// each shape below is the ping-pong (ping_pong.h) with exactly those lines added, with
// the engine's real Command and Reply, so that the cost of each transfer is measured in
// one invocation and one placement:
//
//   shape/pointer+reset   4: the engine before the hand-off (single_writer/handoff.h)
//   shape/pointer         3: the completion as a sequence number instead
//   shape/value+reset     3: the command in the slot (the engine since the hand-off)
//   shape/value           2: both; the ping-pong plus the payloads
//   control/ping-pong     the ping-pong against itself: what the method resolves
//   engine/<spec>         a real engine's round trip (blocking `top` queries, as
//                         BM_EngineRoundTrip), the engine made and shut down per block
//                         so that no spinning engine thread shares the ping-pong's CPUs;
//                         this file builds against older commits too, so that an engine
//                         before a change and after it are read the same way
//
// The host moves the two vCPUs between placements, sometimes within a run, so no row is
// read against a floor measured at another moment: each row alternates blocks of its
// shape (or engine) with blocks of the plain ping-pong (20,000 round trips each, fresh threads
// each, the order swapped every pair), and its `ratio` is the median over pairs of
// shape / ping-pong. Each pair is classed near or far by its ping-pong block (the
// boundary of budget/floor_round_trip.h), and the two placements are reported apart:
// `ratio_near` over `pairs_near` pairs, `ratio_far` over `pairs_far` (0 where none).
// `row_ns` and `pingpong_ns` are medians of the blocks; `yields` is sched_yield calls
// per round trip (near 0: each thread had a core), counted in the ping-pong and shape
// blocks only (an engine's waits do not count theirs), and `pinned` that both threads
// got the CPUs asked for. A placement is told by the ping-pong block alone, at the
// 230 ns boundary, so a third, nearer placement (47-56 ns blocks have been seen) counts
// as near. GB's own time column is the whole row and is not a result.
//
// The experiment, its threshold and its verdict rule are in docs/single-writer.md ("What
// the remaining transfers cost"): precondition, every pair pinned with yields near 0 and
// the control's ratio within 1 +- 0.05; a design is worth its interface change when its
// shape's ratio is lower than pointer+reset's by at least 0.10 (a tenth of the floor)
// in each placement seen.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/types.h"
#include "measure/ping_pong.h"
#include "budget/floor_round_trip.h"
#include "budget/end_to_end.h"
#include "load/load_generator.h"
#include "platform/cache_line.h"

namespace {

using namespace swlab;

// The request as the engine lays it out (engine/request.h): the command on one line,
// the completion word and the reply on the next.
struct alignas(kCacheLine) RequestLines {
  Command cmd;
  alignas(kCacheLine / 2) std::atomic<uint64_t> done{0};
  Reply reply;
};
static_assert(offsetof(RequestLines, done) == 64 && offsetof(RequestLines, reply) + sizeof(Reply) <= 128,
              "the completion word and the reply share the request's second 64-byte line, as in Request");

// A channel's slot: the lap the engine polls, the request pointer and, in the by-value
// shapes, the command. One line (lap_ring.h publishes in the slot the same way).
struct alignas(kCacheLine) SlotLine {
  std::atomic<uint64_t> lap{0};
  RequestLines* req = nullptr;
  Command cmd;
};
static_assert(sizeof(SlotLine::lap) + sizeof(SlotLine::req) + sizeof(Command) <= 64,
              "the lap, the pointer and the command fit one 64-byte line");

// ping(): the slot's lap, written by the client (A) and polled by the engine (B).
// pong(): the completion word, a sequence number B stores and A waits for.
// on_ping() is the client's submit, on_pong() the engine's work before it completes.
template <bool kByValue, bool kReset>
struct Shape {
  SlotLine slot;
  RequestLines request;
  int64_t next = 0;    // A's: the command it sends next
  int64_t replies = 0; // A's: what it read of the replies, so that the reads are not dropped

  std::atomic<uint64_t>& ping() { return slot.lap; }
  std::atomic<uint64_t>& pong() { return request.done; }

  void on_ping() {
    // The previous reply, as a client reads it: its line is already here (A saw `done`).
    replies += request.reply.filled;
    benchmark::DoNotOptimize(replies);
    Command c;
    c.type = CommandType::kBuy;
    c.account = next & 63;
    c.order_id = ++next;
    c.qty = 1;
    c.price = 100;
    if constexpr (kByValue) {
      slot.cmd = c;  // on the slot's line, which the lap's store moves anyway
    } else {
      request.cmd = c;  // the request's first line: one more line for B to fetch
    }
    slot.req = &request;
    // The reset writes the request's second line on A's core: B's reply must fetch it
    // back. A plain field, not `done`: the wait is on done's sequence number either way.
    if constexpr (kReset) request.reply.status = Status::kUnset;
  }

  void on_pong() {
    RequestLines* r = slot.req;
    const Command& c = kByValue ? slot.cmd : r->cmd;  // by pointer: a dependent fetch
    r->reply.status = Status::kOk;
    r->reply.seq = static_cast<uint64_t>(c.order_id);
    r->reply.filled = c.qty;
    r->reply.resting = c.price;
  }
};
static_assert(alignof(SlotLine) == kCacheLine && alignof(RequestLines) == kCacheLine,
              "the slot and the request each start a line pair of their own, as in the engine");

using Today = Shape<false, true>;  // before the hand-off
using SequenceCompletion = Shape<false, false>;
using CommandInSlot = Shape<true, true>;
using Both = Shape<true, false>;

constexpr int kPairs = 40;
constexpr int kBlockRoundTrips = 20'000;

struct Block {
  double ns = 0;  // per round trip
  bool pinned = false;
  uint64_t yields = 0;
};

// A warm-up of 1,000 round trips, then warmed_up(), then kBlockRoundTrips on the clock:
// ns per round trip.
template <class RoundTrip, class WarmedUp = decltype([] {})>
double timed(RoundTrip round_trip, WarmedUp warmed_up = {}) {
  for (int i = 0; i < 1000; ++i) round_trip();
  warmed_up();
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kBlockRoundTrips; ++i) round_trip();
  const auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::nano>(t1 - t0).count() / kBlockRoundTrips;
}

// One block: a fresh session (its echo thread started and running before the clock).
template <class Flags>
Block block() {
  PingPongSession<Flags> session(first_two_cpus());
  const double ns = timed([&] { session.round_trip(); }, [&] { session.reset_yields(); });
  session.finish();
  return {ns, session.pinned(), session.yields()};
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// A real engine's round trip as a block: one client's blocking `top` queries, as
// BM_EngineRoundTrip (bm_engine.cpp) times them, with the client and the engine thread
// pinned to the ping-pong's two CPUs. The engine is made for each block and shut down
// after it, so that no spinning engine thread shares the CPUs with the ping-pong blocks.
// It is made, and answers its first queries, before anything is pinned: a commit before
// a181a19 cached the process's CPU count from whichever thread first asked, and a
// pinned thread's answer (1) turned every spin in the process off.
Block engine_block(const std::string& spec) {
  std::string why;
  const std::unique_ptr<Engine> engine = make_engine(spec, 8, &why);  // as explain makes its engines
  if (!engine) throw std::runtime_error(why);
  Command top;
  top.type = CommandType::kTop;
  const auto query = [&] { benchmark::DoNotOptimize(engine->execute(top, nullptr)); };
  for (int i = 0; i < 100; ++i) query();
  const std::optional<std::pair<int, int>> cpus = first_two_cpus();
  const ScopedPin client(cpus ? std::optional<int>(cpus->first) : std::nullopt);
  if (cpus) pin_engine_threads(*engine, {cpus->second});  // the load generator's own
  const double ns = timed(query);
  engine->shutdown();
  return {ns, cpus.has_value(), 0};
}

// kPairs pairs of (a block of the row, a block of the ping-pong), the order swapped every
// pair; the counters of the file's header comment.
template <class RowBlock>
void paired_with_the_floor(benchmark::State& state, RowBlock row_block) {
  std::vector<double> row_ns, pingpong_ns, near, far;
  bool pinned = true;
  uint64_t yields = 0;
  for (auto _ : state) {
    for (int p = 0; p < kPairs; ++p) {
      Block row, pingpong;
      if (p % 2 == 0) {
        row = row_block();
        pingpong = block<SeparateLines>();
      } else {
        pingpong = block<SeparateLines>();
        row = row_block();
      }
      pinned = pinned && row.pinned && pingpong.pinned;
      yields += row.yields + pingpong.yields;
      row_ns.push_back(row.ns);
      pingpong_ns.push_back(pingpong.ns);
      (pingpong.ns <= kNearFarBoundaryNs ? near : far).push_back(row.ns / pingpong.ns);
    }
  }
  std::vector<double> all = near;
  all.insert(all.end(), far.begin(), far.end());
  state.counters["ratio"] = median(all);
  state.counters["ratio_near"] = median(near);
  state.counters["pairs_near"] = static_cast<double>(near.size());
  state.counters["ratio_far"] = median(far);
  state.counters["pairs_far"] = static_cast<double>(far.size());
  state.counters["row_ns"] = median(row_ns);
  state.counters["pingpong_ns"] = median(pingpong_ns);
  state.counters["pinned"] = pinned ? 1 : 0;
  state.counters["yields"] = static_cast<double>(yields) / (2.0 * kBlockRoundTrips * static_cast<double>(all.size()));
}

template <class Flags>
void RoundTripShape(benchmark::State& state) {
  paired_with_the_floor(state, block<Flags>);
}

void EngineRoundTrip(benchmark::State& state, const std::string& spec) {
  paired_with_the_floor(state, [&] { return engine_block(spec); });
}

#define SWLAB_SHAPE(name, flags) \
  BENCHMARK(RoundTripShape<flags>)->Name(name)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond)

SWLAB_SHAPE("control/ping-pong", SeparateLines);
SWLAB_SHAPE("shape/pointer+reset", Today);
SWLAB_SHAPE("shape/pointer", SequenceCompletion);
SWLAB_SHAPE("shape/value+reset", CommandInSlot);
SWLAB_SHAPE("shape/value", Both);

// The engines the shapes model: the default, and the fastest configurations (the spin
// reply and a busy-spinning engine) over the two channels that publish in the slot.
const bool engines_registered = [] {
  for (const std::string spec : {"single-writer", "single-writer:channel=spsc:reply=spin:wait=busy-spin",
                                 "single-writer:channel=disruptor:reply=spin:wait=busy-spin"})
    benchmark::RegisterBenchmark(("engine/" + spec).c_str(), EngineRoundTrip, spec)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace
