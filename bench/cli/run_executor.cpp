// `swlab run` / `swlab sweep`: from a checked plan to a results set. Per run: the
// floor probe, a fresh engine, funding, the load, the checks, the probe again.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli.h"
#include "flags.h"
#include "clock.h"
#include "floor_probe.h"
#include "hardware_counters.h"
#include "interrupt.h"
#include "json_reader.h"
#include "live_view.h"
#include "machine_info.h"
#include "progress.h"
#include "results_writer.h"
#include "run_options.h"
#include "run_schedule.h"
#include "run_table.h"

namespace swlab::cli {

namespace {

namespace fs = std::filesystem;

// Where the results go: checked (and created) before any run, removed again if the
// invocation ends without results, so no directory is left looking like a set.
class OutputDir {
 public:
  // -1 on success, else the exit code (the message is printed).
  int prepare(const std::string& cmd, const RunPlan& plan, const MachineInfo& m) {
    std::error_code ec;
    if (plan.out_dir.empty()) {
      std::time_t t = std::time(nullptr);
      std::tm tm{};
      gmtime_r(&t, &tm);
      char hms[16];
      std::strftime(hms, sizeof hms, "%H%M%S", &tm);
      const std::string base = "results/" + results_dir_name(m) + "." + hms;
      dir_ = base;
      for (int i = 2; fs::exists(dir_, ec); ++i) dir_ = base + "-" + std::to_string(i);
    } else {
      dir_ = plan.out_dir;
      if (fs::exists(dir_, ec)) {
        if (!fs::is_directory(dir_, ec)) return usage_error(cmd, "--out: '" + dir_ + "' exists and is not a directory");
        if (!fs::is_empty(dir_, ec) && !plan.force)
          return usage_error(cmd, "--out: '" + dir_ + "' already holds files (--force replaces them)");
        if (plan.force)
          for (const auto& e : fs::directory_iterator(dir_, ec)) fs::remove_all(e.path(), ec);
      }
    }
    const bool existed = fs::exists(dir_, ec);
    fs::create_directories(dir_, ec);
    std::ofstream probe(fs::path(dir_) / ".write-test");
    if (ec || !probe) return usage_error(cmd, "--out: cannot write to '" + dir_ + "'");
    probe.close();
    fs::remove(fs::path(dir_) / ".write-test", ec);
    created_ = !existed;
    return -1;
  }
  // Called when no results will be written.
  void abandon() {
    std::error_code ec;
    if (created_ && fs::is_empty(dir_, ec)) fs::remove(dir_, ec);
  }
  const std::string& path() const { return dir_; }

 private:
  std::string dir_;
  bool created_ = false;
};

// The least work --commands auto gives a point, whatever the slowest engine's pace.
constexpr uint64_t kMinCalibratedCommands = 20'000;

class Runner {
 public:
  Runner(const std::string& cmd, RunPlan& plan, ResultsSet& set, Progress& progress, LiveView* live)
      : cmd_(cmd), plan_(plan), set_(set), progress_(progress), live_(live) {}

  // Fixed work with --commands auto: one N per point (preset, threads, rate), from
  // every engine's throughput in a short time-bounded run at that point.
  bool calibrate(std::vector<RunPoint>& runs) {
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
      if (plan_.base.mode == LoadMode::kOpen) {
        n = static_cast<uint64_t>(point.rate * plan_.target_s);  // the offered rate fixes the pace
      } else {
        double slowest = -1;
        for (const auto& engine : plan_.engines) {
          progress_.start(done++, total, "calibrating " + engine + " " + point.preset + " t=" +
                                             std::to_string(point.threads));
          double throughput = 0;
          if (!calibration_run(point, engine, &throughput)) return false;
          set_.calibration.push_back({point.preset, point.threads, engine, throughput, 0});
          if (slowest < 0 || throughput < slowest) slowest = throughput;
          if (interrupted()) return true;
        }
        n = round_two_digits(slowest * plan_.target_s);
      }
      // Enough commands that the fastest engine's figures are not a handful of samples,
      // even when a slow one sets the pace.
      // Service mode: every connection gets a share, the clients being the connections.
      const uint64_t clients = plan_.base.mode == LoadMode::kService ? plan_.base.connections : point.threads;
      n = std::max<uint64_t>(n, std::max<uint64_t>(kMinCalibratedCommands, 100ull * clients));
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

  // One run; false after printing why when it failed (an invariant, a lost reply).
  bool run(const RunPoint& p, std::size_t order, std::size_t done, std::size_t total, RunRecord* out) {
    RunRecord r;
    r.engine = p.engine;
    r.preset = p.preset;
    r.workload = workload_for(plan_, p.preset);
    r.threads = p.threads;
    r.mode = plan_.base.mode;
    r.rate = p.rate;
    r.window = plan_.base.window;
    r.repetition = p.repetition;
    r.order = order;
    // Before the id: a service-mode id names the connections, which live in the load.
    r.load = load_config(p, r.workload);
    r.id = run_id(r);
    progress_.start(done, total, r.id);
    EngineConfig ec = plan_.engine_config;
    ec.markets = r.workload.markets;
    if (!plan_.journal.empty()) ec.journal_dir = plan_.journal + "/" + r.id;
    if (!plan_.ack_log.empty()) {
      r.load.ack_log_dir = plan_.ack_log + "/" + r.id;
      std::error_code mk;
      fs::create_directories(r.load.ack_log_dir, mk);
    }
    std::string why;
    if (!EngineRegistry::instance().resolve(p.engine, ec, &r.spec, &why)) return fail(r.id, why);
    r.floor_measured = plan_.probe_s > 0;
    if (r.floor_measured) r.floor_before = floor();
    // Before the engine exists, so its threads and the clients inherit the counters.
    const HardwareCounters counters;
    auto engine = EngineRegistry::instance().create(r.spec, &why);
    if (!engine) return fail(r.id, why);
    if (std::string e = validate(r.load, *engine); !e.empty()) return fail(r.id, e);
    if (live_) {
      LiveRunInfo info{p.engine, r.id, r.threads, r.preset, r.repetition,
                       r.floor_measured ? r.floor_before.p50_ns : -1,
                       r.threads + engine->worker_threads(),
                       static_cast<uint32_t>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN))), r.load.interval_ns};
      live_->begin_run(info);
      r.load.live = live_;
    }
    r.result = run_load(*engine, r.load);
    r.load.live = nullptr;
    if (live_) live_->end_run(r.result);
    engine->shutdown();
    r.counters = counters.read();
    if (!r.result.failure.empty()) return fail(r.id, "FAILED: " + r.result.failure);
    if (r.floor_measured) {
      r.floor_after = probe_floor(floor_options());
      last_floor_ = r.floor_after;
    }
    *out = std::move(r);
    return true;
  }

 private:
  bool fail(const std::string& id, const std::string& why) {
    progress_.finish();
    std::fprintf(stderr, "swlab %s: run %s: %s\n", cmd_.c_str(), id.c_str(), why.c_str());
    return false;
  }

  static uint64_t round_two_digits(double x) {
    if (x < 100) return static_cast<uint64_t>(std::max(1.0, std::round(x)));
    const double scale = std::pow(10.0, std::floor(std::log10(x)) - 1);
    return static_cast<uint64_t>(std::round(x / scale) * scale);
  }

  LoadConfig load_config(const RunPoint& p, const WorkloadSpec& workload) const {
    LoadConfig lc = plan_.base;
    lc.threads = p.threads;
    lc.rate = plan_.base.mode == LoadMode::kOpen ? p.rate : 0;
    lc.workload = workload;
    lc.max_commands = p.commands;
    lc.warmup_commands = p.commands > 0 ? p.warmup_commands : 0;
    lc.stop = &install_interrupt_handlers();
    return lc;
  }

  bool calibration_run(const RunPoint& point, const std::string& engine_spec, double* throughput) {
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
    auto engine = EngineRegistry::instance().create(engine_spec, ec, &why);
    if (!engine) return fail("calibration of " + engine_spec, why);
    const RunResult r = run_load(*engine, lc);
    engine->shutdown();
    if (!r.failure.empty()) return fail("calibration of " + engine_spec, "FAILED: " + r.failure);
    *throughput = r.throughput();
    return true;
  }

  FloorOptions floor_options() const {
    FloorOptions o;
    o.seconds = plan_.probe_s;
    const auto& c = plan_.base.client_cpus;
    const auto& e = plan_.base.engine_cpus;
    // On the CPUs the run uses: a client's and the engine's, or the first two clients'.
    if (!c.empty() && !e.empty() && c[0] != e[0]) o.cpus = std::pair{c[0], e[0]};
    else if (c.size() >= 2 && c[0] != c[1]) o.cpus = std::pair{c[0], c[1]};
    return o;
  }

  // The probe after one run is the probe before the next: one probe between runs.
  FloorSample floor() {
    if (last_floor_) return *last_floor_;
    return probe_floor(floor_options());
  }

  const std::string& cmd_;
  RunPlan& plan_;
  ResultsSet& set_;
  Progress& progress_;
  LiveView* live_;
  std::optional<FloorSample> last_floor_;
};

ResultsSet begin_results(const RunPlan& plan) {
  ResultsSet set;
  set.state_start = sample_machine_state();
  set.machine = collect_machine_info(plan.label);
  set.created = utc_timestamp();
  set.command = plan.command_line;
  set.engines = plan.engines;
  set.presets = plan.presets;
  set.threads = plan.threads;
  set.rates = plan.rates;
  set.repetitions = plan.repetitions;
  set.order = std::string(to_string(plan.order));
  set.order_seed = plan.order_seed ? plan.order_seed : plan.base.seed;
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
  set.generator = measure_generator_cost(plan.base.clock, 0.05);
  return set;
}

// Knee search, after exchange-core: raise the offered rate until the median p99 over
// the repetitions passes the bound; the last rate under it is what the engine
// sustains. Adaptive, so its runs go in order: rate by rate, the repetitions of a
// rate together.
bool run_knee_searches(Runner& runner, RunPlan& plan, ResultsSet& set) {
  const std::size_t total = plan.presets.size() * plan.engines.size() * plan.threads.size() * plan.max_steps *
                            plan.repetitions;
  std::size_t done = 0;
  for (const auto& preset : plan.presets)
    for (const auto& engine : plan.engines)
      for (uint32_t threads : plan.threads) {
        RateSweep sweep;
        sweep.engine = engine;
        sweep.preset = preset;
        sweep.threads = threads;
        sweep.p99_bound_ns = static_cast<int64_t>(plan.knee_p99_us * 1000);
        double rate = plan.rate_start;
        for (uint32_t step = 0; step < plan.max_steps && !interrupted(); ++step, rate *= plan.rate_factor) {
          std::vector<int64_t> p99s;
          RateSweepStep st{rate, {}, 0};
          for (uint32_t rep = 0; rep < plan.repetitions && !interrupted(); ++rep) {
            RunPoint p{.preset = preset, .engine = engine, .threads = threads, .rate = rate, .repetition = rep};
            if (plan.commands_auto || plan.base.max_commands > 0) {
              p.commands = plan.commands_auto ? std::max<uint64_t>(100, static_cast<uint64_t>(rate * plan.target_s))
                                              : plan.base.max_commands;
              p.warmup_commands = plan.commands_auto ? p.commands / 4 : plan.base.warmup_commands;
            }
            RunRecord r;
            if (!runner.run(p, set.runs.size(), done++, total, &r)) return false;
            p99s.push_back(r.result.latency.value_at_percentile(99));
            st.run_ids.push_back(r.id);
            set.runs.push_back(std::move(r));
          }
          if (p99s.empty()) break;
          std::sort(p99s.begin(), p99s.end());
          st.p99_ns = p99s[(p99s.size() - 1) / 2];  // the median (the lower one of an even count)
          sweep.steps.push_back(st);
          if (st.p99_ns > sweep.p99_bound_ns) break;
          sweep.max_rate_under_bound = rate;
        }
        set.sweeps.push_back(std::move(sweep));
      }
  return true;
}

bool run_points(Runner& runner, RunPlan& plan, ResultsSet& set) {
  std::vector<RunPoint> runs = plan_runs(plan);
  if (!runner.calibrate(runs)) return false;
  const std::vector<std::size_t> order = run_order(runs, plan.order, set.order_seed);
  std::vector<std::optional<RunRecord>> records(runs.size());
  for (std::size_t k = 0; k < order.size() && !interrupted(); ++k) {
    RunRecord r;
    if (!runner.run(runs[order[k]], k, k, order.size(), &r)) return false;
    records[order[k]] = std::move(r);
  }
  for (auto& r : records)  // canonical order; RunRecord::order says when each ran
    if (r) set.runs.push_back(std::move(*r));
  return true;
}

// --from FILE --run ID: the recorded run's settings, as the flags that would make it.
int rerun_args(const std::string& cmd, const RunPlan& plan, std::vector<std::string>* args) {
  std::error_code ec;
  const auto size = fs::file_size(plan.from_file, ec);
  if (ec || !fs::is_regular_file(plan.from_file, ec)) return usage_error(cmd, "--from: cannot read '" + plan.from_file + "'");
  if (size > (512u << 20)) return usage_error(cmd, "--from: '" + plan.from_file + "' is larger than 512 MB");
  std::ifstream in(plan.from_file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  std::string why;
  const auto doc = Json::parse(text.str(), &why);
  if (!doc) return usage_error(cmd, "--from: '" + plan.from_file + "' is not JSON: " + why);
  const Json* version = doc->get("version");
  if (!doc->get("format") || doc->get("format")->str() != "swlab-results" || !version || version->number() < 2)
    return usage_error(cmd, "--from: '" + plan.from_file + "' is not a swlab results file of version 2 or later");
  const Json* run = nullptr;
  if (const Json* runs = doc->get("runs"); runs && runs->is_array())
    for (const auto& r : runs->items())
      if (const Json* id = r->get("id"); id && id->str() == plan.from_run) run = r.get();
  if (!run) return usage_error(cmd, "--run: no run '" + plan.from_run + "' in '" + plan.from_file + "'");
  auto text_of = [&](const Json* v) { return v ? v->str() : std::string(); };
  auto get = [&](std::initializer_list<const char*> path) {
    const Json* v = run;
    for (const char* k : path) v = v ? v->get(k) : nullptr;
    return v;
  };
  std::vector<std::string>& a = *args;
  // The engine as it was named (so the run keeps its id), with every resolved
  // setting given again: as the run's own flag where there is one, else in the spec.
  std::string engine = text_of(get({"engine"}));
  std::vector<std::string> settings;
  if (const Json* ec = get({"engine_config"}); ec && ec->is_object()) {
    for (const char* key : {"channel", "reply", "wait", "overload", "capacity", "batch", "shards", "durability"})
      if (const Json* v = ec->get(key)) settings.insert(settings.end(), {std::string("--") + key, v->str()});
    const std::string spec = text_of(ec->get("spec"));
    for (const auto& opt : split_list(spec, ':')) {
      const std::string key = opt.substr(0, opt.find('='));
      if (opt.find('=') != std::string::npos && ec->get(key) && engine.find(":" + key + "=") == std::string::npos &&
          std::find(settings.begin(), settings.end(), "--" + key) == settings.end())
        engine += ":" + opt;
    }
  }
  const bool service = text_of(get({"mode"})) == "service";
  a = {"--engine", engine, "--preset", text_of(get({"preset"})),
       service ? "--workers" : "--threads", text_of(get({"threads"})), "--mode", text_of(get({"mode"})),
       "--window", text_of(get({"window"})), "--seed", text_of(get({"seed"})),
       "--think", text_of(get({"think_ns"})), "--repetitions", "1", "--order", "blocked"};
  if (text_of(get({"mode"})) == "open") a.insert(a.end(), {"--rate", text_of(get({"rate"}))});
  if (service) a.insert(a.end(), {"--connections", text_of(get({"connections"}))});
  // Command work, by its ns: the calibration is redone on this machine.
  for (const char* key : {"work_ns", "parallel_work_ns"})
    if (const Json* v = get({"command_work", key}); v && v->is_number() && v->number() > 0)
      a.insert(a.end(), {std::string("--") + (std::string(key) == "work_ns" ? "work-ns" : "parallel-work-ns"), v->str()});
  if (text_of(get({"work", "kind"})) == "commands") {
    a.insert(a.end(), {"--commands", text_of(get({"work", "commands"})), "--warmup-commands",
                       text_of(get({"work", "warmup_commands"}))});
  } else {
    a.insert(a.end(), {"--duration", text_of(get({"work", "duration_s"})), "--warmup", text_of(get({"work", "warmup_s"}))});
  }
  a.insert(a.end(), settings.begin(), settings.end());
  a.insert(a.end(), {"--clock", text_of(get({"clock"})) == "tsc" ? "tsc" : "steady"});
  if (const Json* iv = get({"time_series", "interval_s"}); iv && iv->is_number())
    a.insert(a.end(), {"--interval", std::to_string(static_cast<long long>(std::llround(iv->number() * 1000)))});
  for (const char* which : {"clients", "engine"}) {
    const Json* cpus = get({"cpus", which});
    if (!cpus || !cpus->is_array() || cpus->items().empty()) continue;
    std::string list;
    for (const auto& c : cpus->items()) list += (list.empty() ? "" : ",") + c->str();
    a.insert(a.end(), {std::string(which) == "clients" ? "--client-cpus" : "--engine-cpus", list});
  }
  a.insert(a.end(), {"--markets", text_of(get({"workload", "markets"})), "--zipf", text_of(get({"workload", "zipf"})),
                     "--accounts", text_of(get({"workload", "accounts"}))});
  for (const auto& s : a)
    if (s.empty()) return usage_error(cmd, "--from: run '" + plan.from_run + "' lacks a setting it needs");
  return -1;
}

}  // namespace

int execute_plan(const std::string& cmd, RunPlan& plan) {
  if (!plan.from_file.empty()) {
    std::vector<std::string> args;
    if (int rc = rerun_args(cmd, plan, &args); rc >= 0) return rc;
    RunPlan rerun;
    rerun.out_dir = plan.out_dir;
    rerun.force = plan.force;
    rerun.label = plan.label;
    rerun.quiet = plan.quiet;
    rerun.probe_s = plan.probe_s;
    rerun.presets = {"balanced"};
    if (int rc = parse_run_plan(cmd, args, &rerun); rc >= 0) return rc;
    rerun.command_line = plan.command_line;
    plan = std::move(rerun);
  }
  ResultsSet set = begin_results(plan);
  OutputDir out;
  if (int rc = out.prepare(cmd, plan, set.machine); rc >= 0) return rc;
  install_interrupt_handlers();

  // --live draws on stdout and is the progress too: a bar on the same terminal would tear it.
  std::unique_ptr<LiveView> live;
  if (plan.live) live = make_live_view(stdout, isatty(STDOUT_FILENO), plan.engines);
  std::unique_ptr<Progress> own_progress = live ? nullptr : make_progress(plan.quiet);
  Progress* progress = live ? static_cast<Progress*>(live.get()) : own_progress.get();
  if (!plan.quiet)
    std::fprintf(stderr,
                 "swlab %s: %s on %s (%d logical CPUs), clock %s (%.1f ns a read), generator %.1f ns a command "
                 "(%.1f in the latency)\n",
                 cmd.c_str(), plan.knee_p99_us > 0 ? "knee search" : "runs", set.machine.cpu_model.c_str(),
                 set.machine.logical_cpus, set.clock_source.c_str(), set.clock_overhead_ns,
                 set.generator.ns_per_command, set.generator.in_latency_ns_per_command);
  Runner runner(cmd, plan, set, *progress, live.get());
  const bool ok = plan.knee_p99_us > 0 ? run_knee_searches(runner, plan, set) : run_points(runner, plan, set);
  progress->finish();
  if (!ok) {
    out.abandon();
    return kExitFailure;
  }
  set.interrupted = interrupted();
  set.state_end = sample_machine_state();
  if (set.runs.empty()) {
    out.abandon();
    std::fprintf(stderr, "swlab %s: interrupted before any run completed; nothing written\n", cmd.c_str());
    return interrupt_exit_code() ? interrupt_exit_code() : kExitFailure;
  }
  print_table(set);
  if (std::string e = write_results(set, out.path()); !e.empty()) {
    std::fprintf(stderr, "swlab %s: %s\n", cmd.c_str(), e.c_str());
    return kExitFailure;
  }
  std::printf("\nresults: %s/results.json (+ summary.csv, hgrm/)%s\n", out.path().c_str(),
              set.interrupted ? " [interrupted: the completed runs only]" : "");
  return set.interrupted ? interrupt_exit_code() : kExitOk;
}

}  // namespace swlab::cli
