// The single-writer engine end to end, against the floors measured in the same
// binary (bm_pingpong.cpp, bm_channels.cpp) and the core alone:
//
//   BM_EngineRoundTrip/<spec>  one client, blocking calls (a `top` query: the
//                              book work is a few ns, so this is the request/reply
//                              machinery): wall time per round trip;
//   BM_EnginePipelined/<spec>  one client keeping 64 requests in flight, the
//                              balanced mix, batching on: items_per_second;
//   BM_CoreMix                 the same mix applied directly to the core on one
//                              thread: the ceiling the pipelined engine is held to.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "engine/engine_registry.h"
#include "single_writer/single_writer_factory.h"
#include "core/exchange.h"
#include "load/workload.h"

namespace swlab {
namespace {

std::unique_ptr<Engine> make(const std::string& spec) {
  EngineConfig c;
  c.markets = 8;
  std::string why;
  auto e = EngineRegistry::instance().create(spec, c, &why);
  if (!e) throw std::runtime_error(why);
  return e;
}

void EngineRoundTrip(benchmark::State& state, const std::string& spec) {
  auto engine = make(spec);
  Command top;
  top.type = CommandType::kTop;
  for (auto _ : state) benchmark::DoNotOptimize(engine->execute(top, nullptr));
  state.counters["engine_cpu_s"] = engine->worker_cpu_seconds();
  engine->shutdown();
}

std::vector<Command> mix_stream(std::size_t n) {
  WorkloadSpec spec;
  workload_preset("balanced", &spec);
  spec.accounts = 100;
  CommandStream gen(spec, 1, 0);
  std::vector<Command> v;
  v.reserve(n);
  for (std::size_t i = 0; i < n; ++i) v.push_back(gen.next());
  return v;
}

constexpr std::size_t kStream = 1 << 20;

void EnginePipelined(benchmark::State& state, const std::string& spec) {
  constexpr int kWindow = 64;
  const std::vector<Command> stream = mix_stream(kStream);
  WorkloadSpec w;
  w.accounts = 100;
  int64_t done = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto engine = make(spec);
    for (const Command& c : setup_commands(w)) engine->execute(c, nullptr);
    std::vector<Request> slots(kWindow);
    std::vector<ReplyBuffers> bufs(kWindow);
    std::vector<bool> busy(kWindow, false);
    state.ResumeTiming();
    std::size_t next = 0;
    while (next < stream.size()) {
      for (int s = 0; s < kWindow && next < stream.size(); ++s) {
        if (busy[s]) {
          if (!slots[s].done.ready()) continue;
        }
        bufs[s].clear();
        slots[s].cmd = stream[next++];
        slots[s].out = &bufs[s];
        busy[s] = true;
        engine->submit(slots[s]);
      }
    }
    for (int s = 0; s < kWindow; ++s)
      if (busy[s]) engine->wait(slots[s]);
    state.PauseTiming();
    engine->shutdown();
    state.ResumeTiming();
    done += static_cast<int64_t>(stream.size());
  }
  state.SetItemsProcessed(done);
}

void BM_CoreMix(benchmark::State& state) {
  const std::vector<Command> stream = mix_stream(kStream);
  WorkloadSpec w;
  w.accounts = 100;
  ReplyBuffers out;
  int64_t done = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Exchange ex(8);
    for (const Command& c : setup_commands(w)) ex.apply(c, nullptr);
    state.ResumeTiming();
    for (const Command& c : stream) {
      out.clear();
      benchmark::DoNotOptimize(ex.apply(c, &out));
    }
    done += static_cast<int64_t>(stream.size());
  }
  state.SetItemsProcessed(done);
}
BENCHMARK(BM_CoreMix)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

const bool registered = [] {
  // Round trip: every channel with the spinning reply path and wait strategy (the
  // fastest hand-off), every reply path and every wait strategy on spsc.
  std::vector<std::string> specs;
  for (const auto& ch : single_writer_channels())
    specs.push_back("single-writer:channel=" + ch + ":reply=spin:wait=busy-spin");
  for (const auto& r : single_writer_replies())
    if (r != "spin") specs.push_back("single-writer:channel=spsc:reply=" + r + ":wait=busy-spin");
  for (const auto& w : single_writer_waits())
    if (w != "busy-spin") specs.push_back("single-writer:channel=spsc:reply=spin:wait=" + w);
  specs.push_back("single-writer");  // the default
  for (const auto& ch : single_writer_channels())
    if (ch == "tokio") {
      // The seed's stack, parking added back one side at a time: the caller sleeps in
      // blocking_recv (a reply path that sleeps), then the engine task too (`blocking`
      // ends in recv().await).
      specs.push_back("single-writer:channel=tokio:reply=futex:wait=busy-spin");
      specs.push_back("single-writer:channel=tokio");
    }
  for (const auto& s : specs)
    benchmark::RegisterBenchmark(("BM_EngineRoundTrip/" + s).c_str(), EngineRoundTrip, s)->UseRealTime();
  // Pipelined: every channel, spinning, then batching off and the default.
  std::vector<std::string> pipelined;
  for (const auto& ch : single_writer_channels())
    pipelined.push_back("single-writer:channel=" + ch + ":reply=spin:wait=busy-spin");
  pipelined.push_back("single-writer:channel=spsc:reply=spin:wait=busy-spin:batch=1");
  pipelined.push_back("single-writer");
  for (const auto& s : pipelined)
    benchmark::RegisterBenchmark(("BM_EnginePipelined/" + s).c_str(), EnginePipelined, s)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(3)
        ->UseRealTime();
  return true;
}();

}  // namespace
}  // namespace swlab
