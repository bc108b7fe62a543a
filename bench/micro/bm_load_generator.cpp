// The load generator's own cost per command, with an engine that does nothing
// (bench/null_engine.h): the command from the pre-generated stream, one clock read,
// the histogram records and the call into the engine. Whatever the engines cost is on top of this, so it must be small
// against the cheapest engine (about 20 ns or less per command with the TSC clock).
#include <benchmark/benchmark.h>

#include "measure/clock.h"
#include "load/load_generator.h"
#include "load/null_engine.h"

namespace swlab {
namespace {

void generator_overhead(benchmark::State& state, ClockKind clock) {
  constexpr uint64_t kCommands = 2'000'000;
  LoadConfig cfg;
  cfg.threads = 1;
  cfg.max_commands = kCommands;
  cfg.warmup_s = 0;
  cfg.clock = clock;
  cfg.workload.accounts = 10;
  if (clock == ClockKind::kTsc) {
    std::string why;
    if (!calibrate_tsc(&why)) {
      state.SkipWithError(why.c_str());
      return;
    }
  }
  NullEngine engine;
  double seconds = 0, refill_s = 0;
  uint64_t commands = 0;
  for (auto _ : state) {
    RunResult r = run_load(engine, cfg);
    seconds += r.duration_s;
    refill_s += static_cast<double>(r.between_commands_ns) * 1e-9;
    commands += r.completed;
    state.SetIterationTime(r.duration_s);
  }
  // per_cmd: all of it; in_latency: without the bulk pre-generation between a reply and
  // the next send's clock read, which is in no command's latency.
  state.counters["per_cmd"] = benchmark::Counter(seconds / static_cast<double>(commands));
  state.counters["in_latency"] = benchmark::Counter((seconds - refill_s) / static_cast<double>(commands));
}

void BM_GeneratorOverheadSteadyClock(benchmark::State& s) { generator_overhead(s, ClockKind::kSteady); }
void BM_GeneratorOverheadTsc(benchmark::State& s) { generator_overhead(s, ClockKind::kTsc); }
BENCHMARK(BM_GeneratorOverheadSteadyClock)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GeneratorOverheadTsc)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);

// The command stream alone.
void BM_CommandStreamNext(benchmark::State& state) {
  WorkloadSpec spec;
  CommandStream stream(spec, 1, 0);
  for (auto _ : state) benchmark::DoNotOptimize(stream.next());
}
BENCHMARK(BM_CommandStreamNext);

template <class Clock>
void BM_ClockRead(benchmark::State& state) {
  if constexpr (std::is_same_v<Clock, TscClock>) {
    std::string why;
    if (!calibrate_tsc(&why)) {
      state.SkipWithError(why.c_str());
      return;
    }
  }
  for (auto _ : state) benchmark::DoNotOptimize(Clock::now_ns());
}
BENCHMARK_TEMPLATE(BM_ClockRead, SteadyClock);
BENCHMARK_TEMPLATE(BM_ClockRead, TscClock);

}  // namespace
}  // namespace swlab
