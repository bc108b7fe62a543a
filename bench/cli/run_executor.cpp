#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli.h"
#include "clock.h"
#include "machine_info.h"
#include "progress.h"
#include "results_writer.h"
#include "run_options.h"
#include "units.h"

namespace swlab::cli {

namespace {

namespace fs = std::filesystem;

void print_table(const ResultsSet& set) {
  std::printf("\n%-24s %-12s %4s %-6s %10s %11s %10s %10s %10s %10s %9s %7s %8s\n", "engine", "preset",
              "thr", "mode", "offered", "throughput", "p50", "p99", "p99.9", "max", "rejected",
              "shed", "ctx/1k");
  bool any_over = false;
  for (const RunRecord& r : set.runs) {
    const RunResult& x = r.result;
    uint64_t rejected = 0;
    for (int i = 0; i < kRejectReasonCount; ++i)
      if (static_cast<RejectReason>(i) != RejectReason::kOverloaded) rejected += x.rejected[i];
    double ctx = 1000.0 * static_cast<double>(x.ctx_voluntary + x.ctx_involuntary) /
                 static_cast<double>(x.completed ? x.completed : 1);
    std::string threads = std::to_string(r.threads) + (x.oversubscribed() ? "*" : "");
    any_over |= x.oversubscribed();
    std::string offered = r.mode == LoadMode::kOpen ? human_rate(r.rate) : "-";
    std::printf("%-24s %-12s %4s %-6s %10s %11s %10s %10s %10s %10s %9llu %7llu %8.1f\n",
                r.engine.c_str(), r.preset.c_str(), threads.c_str(),
                r.mode == LoadMode::kOpen ? "open" : "closed", offered.c_str(),
                human_rate(x.throughput()).c_str(), human_ns(x.latency.value_at_percentile(50)).c_str(),
                human_ns(x.latency.value_at_percentile(99)).c_str(),
                human_ns(x.latency.value_at_percentile(99.9)).c_str(), human_ns(x.latency.max()).c_str(),
                static_cast<unsigned long long>(rejected), static_cast<unsigned long long>(x.shed), ctx);
  }
  if (any_over)
    std::printf("* oversubscribed: client threads + engine threads > %d logical CPUs; latency then\n"
                "  includes waiting for a CPU (docs/methodology.md)\n",
                set.machine.logical_cpus);
  for (const RateSweep& s : set.sweeps) {
    if (s.max_rate_under_bound >= 0) {
      std::printf("knee: %-24s %-12s t=%-3u highest rate with p99 <= %s: %s\n", s.engine.c_str(),
                  s.preset.c_str(), s.threads, human_ns(s.p99_bound_ns).c_str(),
                  human_rate(s.max_rate_under_bound).c_str());
    } else {
      std::printf("knee: %-24s %-12s t=%-3u no rate tried kept p99 <= %s\n", s.engine.c_str(),
                  s.preset.c_str(), s.threads, human_ns(s.p99_bound_ns).c_str());
    }
  }
}

}  // namespace

int execute_plan(const std::string& cmd, RunPlan& plan) {
  ResultsSet set;
  set.machine = collect_machine_info(plan.label);
  set.created = utc_timestamp();
  set.command = plan.command_line;
  set.engines = plan.engines;
  set.presets = plan.presets;
  set.threads = plan.threads;
  set.rates = plan.rates;
  set.repetitions = plan.repetitions;
  set.base = plan.base;
  set.base.workload = workload_for(plan, plan.presets.front());
  set.engine_config = plan.engine_config;
  if (plan.base.clock == ClockKind::kTsc) {
    set.clock_source = TscClock::kName;
    set.clock_overhead_ns = clock_overhead_ns<TscClock>();
  } else {
    set.clock_source = SteadyClock::kName;
    set.clock_overhead_ns = clock_overhead_ns<SteadyClock>();
  }

  // The output directory must be writable before an hour of runs, not after.
  const std::string dir =
      plan.out_dir.empty() ? "results/" + results_dir_name(set.machine) : plan.out_dir;
  {
    std::error_code ec;
    fs::create_directories(dir, ec);
    std::ofstream probe(fs::path(dir) / ".write-test");
    if (ec || !probe) return usage_error(cmd, "--out: cannot write to '" + dir + "'");
    probe.close();
    fs::remove(fs::path(dir) / ".write-test", ec);
  }

  const bool knee = plan.knee_p99_us > 0;
  const std::size_t per_point = knee ? plan.max_steps : std::max<std::size_t>(1, plan.rates.size());
  const std::size_t total =
      plan.presets.size() * plan.engines.size() * plan.threads.size() * per_point * plan.repetitions;
  auto progress = make_progress(plan.quiet);
  if (!plan.quiet)
    std::fprintf(stderr, "swlab %s: %zu %s on %s (%d logical CPUs), clock %s (%.1f ns a read)\n",
                 cmd.c_str(), total, knee ? "runs at most" : "runs", set.machine.cpu_model.c_str(),
                 set.machine.logical_cpus, set.clock_source.c_str(), set.clock_overhead_ns);
  std::size_t done = 0;

  // One run: a fresh engine, funded, driven, checked. A failed check ends the whole
  // invocation: a broken run is never written as a result.
  auto one_run = [&](const std::string& preset, const std::string& engine_name, uint32_t threads,
                     double rate, uint32_t rep, RunRecord* out) -> bool {
    RunRecord r;
    r.engine = engine_name;
    r.preset = preset;
    r.threads = threads;
    r.mode = plan.base.mode;
    r.rate = rate;
    r.window = plan.base.window;
    r.repetition = rep;
    r.id = run_id(r);
    progress->start(done++, total, r.id);
    LoadConfig lc = plan.base;
    lc.threads = threads;
    lc.rate = plan.base.mode == LoadMode::kOpen ? rate : 0;
    lc.workload = workload_for(plan, preset);
    EngineConfig ec = plan.engine_config;
    ec.markets = lc.workload.markets;
    if (!plan.journal.empty()) ec.journal_dir = plan.journal + "/" + r.id;
    if (!plan.ack_log.empty()) {
      lc.ack_log_dir = plan.ack_log + "/" + r.id;
      std::error_code mk;
      fs::create_directories(lc.ack_log_dir, mk);
    }
    std::string why;
    auto engine = EngineRegistry::instance().create(engine_name, ec, &why);
    if (!engine) {
      progress->finish();
      std::fprintf(stderr, "swlab %s: %s: %s\n", cmd.c_str(), r.id.c_str(), why.c_str());
      return false;
    }
    if (std::string e = validate(lc, *engine); !e.empty()) {
      progress->finish();
      std::fprintf(stderr, "swlab %s: %s: %s\n", cmd.c_str(), r.id.c_str(), e.c_str());
      return false;
    }
    r.result = run_load(*engine, lc);
    engine->shutdown();
    if (!r.result.failure.empty()) {
      progress->finish();
      std::fprintf(stderr, "swlab %s: run %s FAILED: %s\n", cmd.c_str(), r.id.c_str(),
                   r.result.failure.c_str());
      return false;
    }
    *out = std::move(r);
    return true;
  };

  for (const auto& preset : plan.presets) {
    for (const auto& engine_name : plan.engines) {
      for (uint32_t threads : plan.threads) {
        if (!knee) {
          std::vector<double> rates = plan.base.mode == LoadMode::kOpen ? plan.rates : std::vector<double>{0};
          for (double rate : rates) {
            for (uint32_t rep = 0; rep < plan.repetitions; ++rep) {
              RunRecord r;
              if (!one_run(preset, engine_name, threads, rate, rep, &r)) return kExitFailure;
              set.runs.push_back(std::move(r));
            }
          }
          continue;
        }
        // Knee search, after exchange-core: raise the offered rate until p99 passes
        // the bound; the last rate under it is what the engine sustains.
        RateSweep sweep;
        sweep.engine = engine_name;
        sweep.preset = preset;
        sweep.threads = threads;
        sweep.p99_bound_ns = static_cast<int64_t>(plan.knee_p99_us * 1000);
        double rate = plan.rate_start;
        for (uint32_t step = 0; step < plan.max_steps; ++step, rate *= plan.rate_factor) {
          int64_t worst_p99 = 0;
          for (uint32_t rep = 0; rep < plan.repetitions; ++rep) {
            RunRecord r;
            if (!one_run(preset, engine_name, threads, rate, rep, &r)) return kExitFailure;
            int64_t p99 = r.result.latency.value_at_percentile(99);
            worst_p99 = std::max(worst_p99, p99);
            sweep.steps.push_back({rate, r.id, p99});
            set.runs.push_back(std::move(r));
          }
          if (worst_p99 > sweep.p99_bound_ns) break;
          sweep.max_rate_under_bound = rate;
        }
        set.sweeps.push_back(std::move(sweep));
      }
    }
  }
  progress->finish();
  print_table(set);
  if (std::string e = write_results(set, dir); !e.empty()) {
    std::fprintf(stderr, "swlab %s: %s\n", cmd.c_str(), e.c_str());
    return kExitFailure;
  }
  std::printf("\nresults: %s/results.json (+ summary.csv, hgrm/)\n", dir.c_str());
  return kExitOk;
}

}  // namespace swlab::cli
