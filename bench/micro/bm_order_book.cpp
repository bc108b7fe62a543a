// The order book core, single-threaded, no engine around it: the ceiling every
// engine is measured against. Reports the time per command (the per_cmd counter)
// for passive places, cancels, matches and an exchange-core-like mix.
//
// Commands are generated before timing starts, so the generator is not measured;
// state resets happen with the timer paused, in bulk, so PauseTiming's own cost
// (hundreds of ns) is spread over thousands of commands.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "core/exchange.h"
#include "load/workload.h"

namespace swlab {
namespace {

constexpr int kBatch = 4096;

void set_rate(benchmark::State& state, int64_t commands) {
  state.SetItemsProcessed(commands);
  // Seconds per command; the console shows it with an SI prefix ("51.2n" = 51.2 ns).
  state.counters["per_cmd"] = benchmark::Counter(
      static_cast<double>(commands), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

std::unique_ptr<Exchange> funded_exchange(const WorkloadSpec& spec) {
  auto ex = std::make_unique<Exchange>(spec.markets);
  for (const Command& c : setup_commands(spec)) ex->apply(c, nullptr);
  return ex;
}

WorkloadSpec small_spec() {
  WorkloadSpec s;
  s.markets = 1;
  s.accounts = 100;
  return s;
}

// Passive limit orders landing near the top of book (no match).
std::vector<Command> passive_orders(int n) {
  std::vector<Command> v;
  Rng rng(7);
  for (int i = 0; i < n; ++i) {
    Command c;
    c.type = CommandType::kBuy;
    c.account = static_cast<int64_t>(rng.below(100));
    c.order_id = i;
    c.qty = rng.between(1, 100);
    c.price = 10'000 - rng.between(0, 20);
    v.push_back(c);
  }
  return v;
}

void BM_Place(benchmark::State& state) {
  auto ex = funded_exchange(small_spec());
  std::vector<Command> orders = passive_orders(kBatch);
  std::vector<Command> cancels = orders;
  for (Command& c : cancels) c.type = CommandType::kCancel;
  int64_t n = 0;
  for (auto _ : state) {
    for (const Command& c : orders) benchmark::DoNotOptimize(ex->apply(c, nullptr));
    n += kBatch;
    state.PauseTiming();
    for (const Command& c : cancels) ex->apply(c, nullptr);
    state.ResumeTiming();
  }
  set_rate(state, n);
}
BENCHMARK(BM_Place);

void BM_Cancel(benchmark::State& state) {
  auto ex = funded_exchange(small_spec());
  std::vector<Command> orders = passive_orders(kBatch);
  std::vector<Command> cancels = orders;
  // Cancel in a scrambled order: cancels hit the middle of levels, not just heads.
  Rng rng(11);
  for (std::size_t i = cancels.size(); i > 1; --i) std::swap(cancels[i - 1], cancels[rng.below(i)]);
  for (Command& c : cancels) c.type = CommandType::kCancel;
  int64_t n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (const Command& c : orders) ex->apply(c, nullptr);
    state.ResumeTiming();
    for (const Command& c : cancels) benchmark::DoNotOptimize(ex->apply(c, nullptr));
    n += kBatch;
  }
  set_rate(state, n);
}
BENCHMARK(BM_Cancel);

// Aggressive orders that each fill exactly one resting order (one trade each),
// walking up the ask side level by level.
void BM_Match(benchmark::State& state) {
  auto ex = funded_exchange(small_spec());
  std::vector<Command> resting, takers;
  for (int i = 0; i < kBatch; ++i) {
    Command s;
    s.type = CommandType::kSell;
    s.account = i % 100;
    s.order_id = i;
    s.qty = 10;
    s.price = 10'000 + i / 4;  // four orders a level
    resting.push_back(s);
    Command b;
    b.type = CommandType::kBuy;
    b.account = (i + 50) % 100;
    b.order_id = 1'000'000 + i;
    b.qty = 10;
    b.price = 10'000 + i / 4;
    takers.push_back(b);
  }
  ReplyBuffers out;
  out.trades.reserve(16);
  int64_t n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (const Command& c : resting) ex->apply(c, nullptr);
    state.ResumeTiming();
    for (const Command& c : takers) {
      out.trades.clear();
      benchmark::DoNotOptimize(ex->apply(c, &out));
    }
    n += kBatch;
  }
  set_rate(state, n);
}
BENCHMARK(BM_Match);

// The balanced preset (about 50% places of which a fifth cross, a third cancels,
// 5% IOC, 10% queries) from one client, as the load generator would send it.
void BM_Mix(benchmark::State& state) {
  WorkloadSpec spec;
  workload_preset("balanced", &spec);
  spec.markets = 1;
  spec.accounts = 100;
  constexpr int kStream = 1 << 20;
  std::vector<Command> stream;
  stream.reserve(kStream);
  CommandStream gen(spec, 1, 0);
  for (int i = 0; i < kStream; ++i) stream.push_back(gen.next());
  auto ex = funded_exchange(spec);
  ReplyBuffers out;
  std::size_t pos = 0;
  int64_t n = 0;
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) {
      out.clear();
      benchmark::DoNotOptimize(ex->apply(stream[pos + i], &out));
    }
    pos += kBatch;
    n += kBatch;
    if (pos == stream.size()) {  // replaying would duplicate ids: start from scratch
      state.PauseTiming();
      ex = funded_exchange(spec);
      pos = 0;
      state.ResumeTiming();
    }
  }
  set_rate(state, n);
  state.counters["resting"] = static_cast<double>(ex->market(0).resting_orders());
}
BENCHMARK(BM_Mix);

}  // namespace
}  // namespace swlab
