// `swlab run` / `swlab sweep`: from a checked plan to a results set. Per run: the
// floor probe, a fresh engine, funding, the load, the checks, the probe again.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "cli/cli.h"
#include "cli/interrupt.h"
#include "cli/live_view.h"
#include "cli/output_dir.h"
#include "cli/progress.h"
#include "cli/run_options.h"
#include "cli/run_schedule.h"
#include "cli/run_table.h"
#include "load/load_generator.h"
#include "measure/clock.h"
#include "measure/floor_probe.h"
#include "measure/hardware_counters.h"
#include "run/placement.h"
#include "run/recorded_run.h"
#include "run/results_writer.h"
#include "run/run_setting.h"
#include "run/thread_placement.h"

namespace swlab::cli {

namespace {

namespace fs = std::filesystem;

// The least work --commands auto gives a point, whatever the slowest engine's pace.
constexpr uint64_t kMinCalibratedCommands = 20'000;

uint64_t round_two_digits(double x) {
  if (x < 100) return static_cast<uint64_t>(std::max(1.0, std::round(x)));
  const double scale = std::pow(10.0, std::floor(std::log10(x)) - 1);
  return static_cast<uint64_t>(std::round(x / scale) * scale);
}

class Runner {
 public:
  Runner(const std::string& cmd, RunPlan& plan, ResultsSet& set, Progress& progress, LiveView* live)
      : cmd_(cmd), plan_(plan), set_(set), progress_(progress), live_(live) {}

  // Fixed work with --commands auto: one N per point (preset, threads, rate), from
  // every engine's throughput in a short time-bounded run at that point.
  bool calibrate(std::vector<RunPoint>& runs);

  // One run. A run that fails (an engine that cannot be built, a journal on a full
  // disk, a broken invariant) is recorded as failed, with why, and false returned.
  bool run(const RunPoint& p, std::size_t order, std::size_t done, std::size_t total, RunRecord* out);

  bool any_failed() const { return any_failed_; }

 private:
  bool calibrate_point(const RunPoint& point, std::size_t* done, std::size_t total, uint64_t* n);
  bool calibration_run(const RunPoint& point, const std::string& engine_spec, double* throughput);
  LoadConfig load_config(const RunPoint& p, const WorkloadSpec& workload) const;
  // Where a run of this engine with this many clients puts its threads.
  PlacementPlan plan_for(const ResolvedSpec& spec, uint32_t clients);
  FloorOptions floor_options(const PlacementPlan& cpu_plan) const;
  // The probe after one run is the probe before the next when both runs probe the same
  // CPUs: one probe between runs.
  FloorSample floor(const PlacementPlan& cpu_plan) {
    if (last_floor_ && last_probe_cpus_ == cpu_plan.probe) return *last_floor_;
    return probe_floor(floor_options(cpu_plan));
  }
  bool measure(RunRecord& r, const RunPoint& p);

  void report_failure(const std::string& id, const std::string& why) {
    progress_.finish();
    std::fprintf(stderr, "swlab %s: run %s: %s\n", cmd_.c_str(), id.c_str(), why.c_str());
  }

  const std::string& cmd_;
  RunPlan& plan_;
  ResultsSet& set_;
  Progress& progress_;
  LiveView* live_;
  std::optional<FloorSample> last_floor_;
  std::optional<std::pair<int, int>> last_probe_cpus_;
  std::map<std::string, uint32_t> engine_threads_;  // by resolved spec and markets
  bool any_failed_ = false;
};

bool Runner::calibrate(std::vector<RunPoint>& runs) {
  if (!plan_.commands_auto) {
    for (RunPoint& p : runs) {
      p.commands = plan_.base.max_commands;
      p.warmup_commands = plan_.base.warmup_commands;
    }
    return true;
  }
  set_.calibration_target_s = plan_.target_s;
  std::vector<std::size_t> first_of_point;  // a run per (preset, threads, rate)
  for (std::size_t i = 0; i < runs.size(); ++i) {
    bool seen = false;
    for (std::size_t j : first_of_point)
      seen |= runs[j].preset == runs[i].preset && runs[j].threads == runs[i].threads && runs[j].rate == runs[i].rate;
    if (!seen) first_of_point.push_back(i);
  }
  const std::size_t total = first_of_point.size() * (plan_.base.mode == LoadMode::kOpen ? 0 : plan_.engines.size());
  std::size_t done = 0;
  for (std::size_t j : first_of_point) {
    const RunPoint& point = runs[j];
    uint64_t n = 0;
    if (!calibrate_point(point, &done, total, &n)) return false;
    if (interrupted()) return true;
    for (CalibrationPoint& c : set_.calibration)
      if (c.preset == point.preset && c.threads == point.threads && c.commands == 0) c.commands = n;
    for (RunPoint& p : runs)
      if (p.preset == point.preset && p.threads == point.threads && p.rate == point.rate) {
        p.commands = n;
        p.warmup_commands = n / 4;
      }
  }
  return true;
}

// The N of one point: the slowest engine's pace times the target (open loop: the
// offered rate's), at least enough that the fastest engine's figures are not a
// handful of samples, and every service-mode connection gets a share.
bool Runner::calibrate_point(const RunPoint& point, std::size_t* done, std::size_t total, uint64_t* n) {
  if (plan_.base.mode == LoadMode::kOpen) {
    *n = static_cast<uint64_t>(point.rate * plan_.target_s);
  } else {
    double slowest = -1;
    for (const auto& engine : plan_.engines) {
      progress_.start((*done)++, total, "calibrating " + engine + " " + point.preset + " t=" + std::to_string(point.threads));
      double throughput = 0;
      if (!calibration_run(point, engine, &throughput)) return false;
      set_.calibration.push_back({point.preset, point.threads, engine, throughput, 0});
      if (slowest < 0 || throughput < slowest) slowest = throughput;
      if (interrupted()) return true;
    }
    *n = round_two_digits(slowest * plan_.target_s);
  }
  const uint64_t clients = plan_.base.mode == LoadMode::kService ? plan_.base.connections : point.threads;
  *n = std::max<uint64_t>(*n, std::max<uint64_t>(kMinCalibratedCommands, 100ull * clients));
  return true;
}

bool Runner::calibration_run(const RunPoint& point, const std::string& engine_spec, double* throughput) {
  LoadConfig lc = plan_.base;
  lc.threads = point.threads;
  lc.workload = workload_for(plan_, point.preset);
  lc.max_commands = 0;
  lc.duration_s = 0.15;
  lc.warmup_s = 0.05;
  lc.stop = &install_interrupt_handlers();
  EngineConfig ec = plan_.engine_config;
  ec.markets = lc.workload.markets;
  std::string why;
  ResolvedSpec spec;
  std::unique_ptr<Engine> engine;
  if (EngineRegistry::instance().resolve(engine_spec, ec, &spec, &why)) engine = EngineRegistry::instance().create(spec, &why);
  if (!engine) {
    report_failure("calibration of " + engine_spec, why);
    return false;
  }
  const RunResult r = run_load(*engine, pinned_load(lc, plan_for(spec, lc.threads)));
  engine->shutdown();
  if (!r.failure.empty()) {
    report_failure("calibration of " + engine_spec, "FAILED: " + r.failure);
    return false;
  }
  *throughput = r.throughput();
  return true;
}

LoadConfig Runner::load_config(const RunPoint& p, const WorkloadSpec& workload) const {
  LoadConfig lc = plan_.base;
  lc.threads = p.threads;
  lc.rate = plan_.base.mode == LoadMode::kOpen ? p.rate : 0;
  lc.workload = workload;
  lc.max_commands = p.commands;
  lc.warmup_commands = p.commands > 0 ? p.warmup_commands : 0;
  lc.stop = &install_interrupt_handlers();
  return lc;
}

PlacementPlan Runner::plan_for(const ResolvedSpec& spec, uint32_t clients) {
  const std::string key = spec.canonical() + "/" + std::to_string(spec.config.markets);
  auto it = engine_threads_.find(key);
  if (it == engine_threads_.end()) it = engine_threads_.emplace(key, engine_threads_of(spec)).first;
  return plan_threads(plan_, set_.topology, it->second, clients);
}

// On the CPUs the plan gives the first client and the engine thread (or the first two
// clients): the round trip every request of the run makes. Unpinned runs probe the
// first two CPUs this process may use.
FloorOptions Runner::floor_options(const PlacementPlan& cpu_plan) const {
  FloorOptions o;
  o.seconds = plan_.probe_s;
  o.cpus = cpu_plan.probe;
  return o;
}

bool Runner::run(const RunPoint& p, std::size_t order, std::size_t done, std::size_t total, RunRecord* out) {
  RunRecord& r = *out;
  r.engine = p.engine;
  r.preset = p.preset;
  r.repetition = p.repetition;
  r.order = order;
  r.extensions = plan_.extensions;
  r.load = load_config(p, workload_for(plan_, p.preset));
  r.id = run_id(r);
  progress_.start(done, total, r.id);
  try {
    if (measure(r, p)) return true;
  } catch (const std::exception& e) {  // an engine's threads the system would not create, memory
    r.error = e.what();
  }
  r.failed = true;
  any_failed_ = true;
  report_failure(r.id, r.error);
  return false;
}

// Builds the engine, runs the load and checks it; false with r.error set when any of
// it fails.
bool Runner::measure(RunRecord& r, const RunPoint& p) {
  EngineConfig ec = plan_.engine_config;
  ec.markets = r.load.workload.markets;
  if (!plan_.journal.empty()) ec.persistence.dir = plan_.journal + "/" + r.id;
  if (!plan_.ack_log.empty()) {
    r.load.ack_log_dir = plan_.ack_log + "/" + r.id;
    std::error_code mk;
    fs::create_directories(r.load.ack_log_dir, mk);
  }
  if (!EngineRegistry::instance().resolve(p.engine, ec, &r.spec, &r.error)) return false;
  r.cpu_plan = plan_for(r.spec, r.load.threads);
  r.floor_measured = plan_.probe_s > 0;
  if (r.floor_measured) r.floor_before = floor(r.cpu_plan);
  // Before the engine exists, so its threads and the clients inherit the counters.
  const HardwareCounters counters;
  auto engine = EngineRegistry::instance().create(r.spec, &r.error);
  if (!engine) return false;
  if (r.error = validate(r.load, *engine); !r.error.empty()) return false;
  if (live_) {
    LiveRunInfo info{p.engine, r.id, r.threads(), r.preset, r.repetition,
                     r.floor_measured ? r.floor_before.p50_ns : -1, r.threads() + engine->worker_threads(),
                     static_cast<uint32_t>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN))), r.load.interval_ns};
    live_->begin_run(info);
    r.load.live = live_;
  }
  r.result = run_load(*engine, pinned_load(r.load, r.cpu_plan));
  r.load.live = nullptr;
  if (live_) live_->end_run(r.result);
  engine->shutdown();
  r.counters = counters.read();
  if (!r.result.failure.empty()) {
    r.error = "FAILED: " + r.result.failure;
    return false;
  }
  if (r.floor_measured) {
    r.floor_after = probe_floor(floor_options(r.cpu_plan));
    last_floor_ = r.floor_after;
    last_probe_cpus_ = r.cpu_plan.probe;
  }
  return true;
}

ResultsSet begin_results(const RunPlan& plan) {
  ResultsSet set;
  set.state_start = sample_machine_state();
  set.machine = collect_machine_info(plan.label);
  set.created = utc_timestamp();
  set.plan = plan;
  if (plan.base.clock == ClockKind::kTsc) {
    set.clock_source = TscClock::kName;
    set.clock_overhead_ns = clock_overhead_ns<TscClock>();
  } else {
    set.clock_source = SteadyClock::kName;
    set.clock_overhead_ns = clock_overhead_ns<SteadyClock>();
  }
  set.generator = measure_generator_cost(plan.base.clock, 0.05);
  return set;
}

// The runs of one rate of a knee search: its repetitions, in order. False when one
// failed (the search of this point ends there).
bool run_rate(Runner& runner, RunPlan& plan, ResultsSet& set, const RunPoint& base, std::size_t* done,
              std::size_t total, RateSweepStep* st) {
  std::vector<int64_t> p99s;
  for (uint32_t rep = 0; rep < plan.repetitions && !interrupted(); ++rep) {
    RunPoint p = base;
    p.repetition = rep;
    if (plan.fixed_work()) {
      p.commands = plan.commands_auto ? std::max<uint64_t>(100, static_cast<uint64_t>(p.rate * plan.target_s))
                                      : plan.base.max_commands;
      p.warmup_commands = plan.commands_auto ? p.commands / 4 : plan.base.warmup_commands;
    }
    RunRecord r;
    const bool ok = runner.run(p, set.runs.size(), (*done)++, total, &r);
    if (ok) {
      p99s.push_back(r.result.latency.value_at_percentile(99));
      st->run_ids.push_back(r.id);
    }
    set.runs.push_back(std::move(r));
    if (!ok) return false;
  }
  if (p99s.empty()) return false;
  std::sort(p99s.begin(), p99s.end());
  st->p99_ns = p99s[(p99s.size() - 1) / 2];  // the median (the lower one of an even count)
  return true;
}

// Knee search, after exchange-core: raise the offered rate until the median p99 over
// the repetitions passes the bound; the last rate under it is what the engine
// sustains. Adaptive, so its runs go in order: rate by rate, the repetitions of a
// rate together.
void run_knee_searches(Runner& runner, RunPlan& plan, ResultsSet& set) {
  const std::size_t total = plan.presets.size() * plan.engines.size() * plan.threads.size() * plan.max_steps *
                            plan.repetitions;
  std::size_t done = 0;
  for (const auto& preset : plan.presets)
    for (const auto& engine : plan.engines)
      for (uint32_t threads : plan.threads) {
        RateSweep sweep{engine, preset, threads, static_cast<int64_t>(plan.knee_p99_us * 1000), -1, {}};
        double rate = plan.rate_start;
        for (uint32_t step = 0; step < plan.max_steps && !interrupted(); ++step, rate *= plan.rate_factor) {
          RateSweepStep st{rate, {}, 0};
          const RunPoint base{.preset = preset, .engine = engine, .threads = threads, .rate = rate};
          if (!run_rate(runner, plan, set, base, &done, total, &st)) break;
          sweep.steps.push_back(st);
          if (st.p99_ns > sweep.p99_bound_ns) break;
          sweep.max_rate_under_bound = rate;
        }
        set.sweeps.push_back(std::move(sweep));
      }
}

void run_points(Runner& runner, RunPlan& plan, ResultsSet& set) {
  std::vector<RunPoint> runs = plan_runs(plan);
  if (!runner.calibrate(runs)) return;
  const std::vector<std::size_t> order = run_order(runs, plan.order, set.plan.order_seed ? set.plan.order_seed : plan.base.seed);
  std::vector<std::optional<RunRecord>> records(runs.size());
  for (std::size_t k = 0; k < order.size() && !interrupted(); ++k) {
    RunRecord r;
    runner.run(runs[order[k]], k, k, order.size(), &r);
    records[order[k]] = std::move(r);
  }
  for (auto& r : records)  // canonical order; RunRecord::order says when each ran
    if (r) set.runs.push_back(std::move(*r));
}

// --from FILE --run ID: the plan the recorded run's settings make, with this
// invocation's other settings (where the output goes, the probe) kept.
int plan_from_recorded_run(const std::string& cmd, RunPlan& plan) {
  std::vector<std::string> args;
  if (std::string why = recorded_run_args(plan.from_file, plan.from_run, &args); !why.empty())
    return usage_error(cmd, "--from: " + why);
  RunPlan rerun = default_plan(cmd);
  rerun.repetitions = 1;
  for (const RunSetting& s : RunSettings::instance().all())
    if (!s.decided_by_from() && s.binding.plan_value && s.name != "from" && s.name != "run" && s.name != "pin")
      s.binding.store(rerun, s.binding.plan_value(plan));
  if (int rc = parse_run_plan(cmd, args, &rerun); rc >= 0) return rc;
  rerun.command_line = plan.command_line;
  plan = std::move(rerun);
  return -1;
}

// --plan: every configuration's placement, without running. One block per engine and
// client count (and per market count where that changes the engine's threads).
int print_plans(const std::string& cmd, const RunPlan& plan, const Topology& topology) {
  std::printf("placement %s, planned against %s:\n  %s\n", std::string(to_string(plan.placement)).c_str(),
              topology.origin().c_str(), topology.summary().c_str());
  std::set<std::tuple<std::string, uint32_t, uint32_t>> shown;
  for (const std::string& engine : plan.engines)
    for (const std::string& preset : plan.presets) {
      EngineConfig ec = plan.engine_config;
      ec.markets = workload_for(plan, preset).markets;
      ResolvedSpec spec;
      std::string why;
      if (!EngineRegistry::instance().resolve(engine, ec, &spec, &why)) return usage_error(cmd, "--engine: " + why);
      const uint32_t engine_threads = engine_threads_of(spec);
      for (uint32_t clients : plan.threads) {
        if (!shown.insert({engine, clients, engine_threads}).second) continue;
        const char* who = plan.base.mode == LoadMode::kService ? "worker" : "client";
        std::printf("\n%s, %u %s%s:\n%s", engine.c_str(), clients, who, clients == 1 ? "" : "s",
                    plan_threads(plan, topology, engine_threads, clients).describe().c_str());
      }
    }
  if (!topology.this_machine())
    std::printf("\n(an automatic shard count follows this machine's CPUs; give shards=N to plan another's)\n");
  return kExitOk;
}

// The topology the runs are planned against; a usage error when --topology cannot be
// read, or names CPUs this process cannot run on and is not only being looked at.
int load_run_topology(const std::string& cmd, const RunPlan& plan, Topology* topology) {
  std::string why;
  if (!load_topology(plan.topology, topology, &why)) return usage_error(cmd, "--topology: " + why);
  if (!plan.show_plan && !topology->this_machine())
    if (why = unusable_cpu(*topology); !why.empty())
      return usage_error(cmd, "--topology '" + plan.topology + "': " + why + " (to look at its plans, add --plan)");
  return -1;
}

std::unique_ptr<LiveView> live_view_for(const RunPlan& plan) {
  return plan.live ? make_live_view(stdout, isatty(STDOUT_FILENO), plan.engines) : nullptr;
}

}  // namespace

int execute_plan(const std::string& cmd, RunPlan& plan) {
  if (!plan.from_file.empty())
    if (int rc = plan_from_recorded_run(cmd, plan); rc >= 0) return rc;
  Topology topology;
  if (int rc = load_run_topology(cmd, plan, &topology); rc >= 0) return rc;
  if (plan.show_plan) return print_plans(cmd, plan, topology);
  ResultsSet set = begin_results(plan);
  set.topology = std::move(topology);
  OutputDir out;
  if (int rc = out.claim(cmd, plan.out_dir, plan.force, set.machine); rc >= 0) return rc;
  install_interrupt_handlers();

  // --live draws on stdout and is the progress too: a bar on the same terminal would tear it.
  std::unique_ptr<LiveView> live = live_view_for(plan);
  std::unique_ptr<Progress> own_progress = live ? nullptr : make_progress(plan.quiet);
  Progress* progress = live ? static_cast<Progress*>(live.get()) : own_progress.get();
  if (!plan.quiet)
    std::fprintf(stderr,
                 "swlab %s: %s on %s (%d logical CPUs), clock %s (%.1f ns a read), generator %.1f ns a command "
                 "(%.1f in the latency)\n",
                 cmd.c_str(), plan.knee_p99_us > 0 ? "knee search" : "runs", set.machine.cpu_model.c_str(),
                 set.machine.logical_cpus, set.clock_source.c_str(), set.clock_overhead_ns,
                 set.generator.ns_per_command, set.generator.in_latency_ns_per_command);
  if (!plan.quiet)
    std::fprintf(stderr, "swlab %s: placement %s on %s: %s\n", cmd.c_str(), std::string(to_string(plan.placement)).c_str(),
                 set.topology.origin().c_str(), set.topology.summary().c_str());
  Runner runner(cmd, plan, set, *progress, live.get());
  if (plan.knee_p99_us > 0) {
    run_knee_searches(runner, plan, set);
  } else {
    run_points(runner, plan, set);
  }
  progress->finish();
  set.interrupted = interrupted();
  set.state_end = sample_machine_state();
  const bool any_completed =
      std::any_of(set.runs.begin(), set.runs.end(), [](const RunRecord& r) { return !r.failed; });
  if (!any_completed) {  // failed runs are kept beside completed ones, never alone
    out.abandon();
    std::fprintf(stderr, "swlab %s: %s before any run completed; nothing written\n", cmd.c_str(),
                 set.interrupted ? "interrupted" : "failed");
    return set.interrupted && interrupt_exit_code() ? interrupt_exit_code() : kExitFailure;
  }
  classify_placements(set);
  print_table(set);
  if (std::string e = write_results(set, out.path()); !e.empty()) {
    std::fprintf(stderr, "swlab %s: %s\n", cmd.c_str(), e.c_str());
    return kExitFailure;
  }
  std::printf("\nresults: %s/results.json (+ summary.csv, hgrm/)%s%s\n", out.path().c_str(),
              set.interrupted ? " [interrupted: the completed runs only]" : "",
              runner.any_failed() ? " [a run failed: marked failed, with why]" : "");
  if (runner.any_failed()) return kExitFailure;
  return set.interrupted ? interrupt_exit_code() : kExitOk;
}

}  // namespace swlab::cli
