#include "run_options.h"

#include <pthread.h>
#include <sched.h>

#include <cstdio>

#include "cli.h"
#include "clock.h"
#include "core/enum_names.h"
#include "engine/command_work.h"
#include "flags.h"
#include "persistence/persistence.h"
#include "workload.h"

namespace swlab::cli {

namespace {

constexpr EnumName<RunOrder> kRunOrderNames[] = {
    {RunOrder::kRandom, "random"},
    {RunOrder::kInterleaved, "interleaved"},
    {RunOrder::kBlocked, "blocked"},
};

}  // namespace

std::string_view to_string(RunOrder o) { return enum_name(kRunOrderNames, o); }

namespace {

std::string join(const std::vector<std::string>& v, const char* sep = ",") {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

std::string join_counts(const std::vector<uint32_t>& v) {
  std::string s;
  for (auto t : v) s += (s.empty() ? "" : ",") + std::to_string(t);
  return s;
}

// Every limit a flag has, in one place: the parser refuses values outside them
// before any work, and --help states them.
constexpr uint32_t kMaxThreads = 4096;
constexpr double kMaxRate = 1e9;            // commands/s: one per ns, past any machine
constexpr uint64_t kMaxThinkNs = 10'000'000'000;  // 10 s
constexpr double kMaxDurationS = 86400;
constexpr double kMaxWarmupS = 3600;
constexpr uint64_t kMaxCommands = 1'000'000'000'000;
constexpr uint32_t kMaxConnections = 16384;
constexpr uint64_t kMaxWorkNs = 10'000'000;  // 10 ms of CPU per command

// The engine settings a run can give every engine that takes them; each flag is
// described by the engines' own option (engine_options.h): its values, limits and
// help come from there.
constexpr const char* kEngineOptionFlags[] = {"channel", "reply", "wait", "overload", "capacity", "batch", "shards",
                                              "durability"};

// --threads and --workers: a list of thread counts.
std::string set_threads(RunPlan& p, const std::string& v) {
  std::vector<uint32_t> threads;
  for (const auto& t : split_list(v)) {
    uint64_t x;
    if (!parse_u64(t, &x) || x == 0 || x > kMaxThreads)
      return "'" + t + "' is not a thread count from 1 to " + std::to_string(kMaxThreads);
    threads.push_back(static_cast<uint32_t>(x));
  }
  p.threads = threads;
  return {};
}

void declare_what(Flags& f, RunPlan& p) {
  f.section("what to run");
  f.list("--engine", "LIST", "engine specs, comma-separated (default: " + join(p.engines) + ")", &p.engines,
         [](const std::string& spec) -> std::string {
           const std::string name = spec.substr(0, spec.find(':'));
           if (!EngineRegistry::instance().find(name))
             return "unknown engine '" + name + "' ('swlab engines' lists them)";
           return {};
         });
  f.option("--threads", "LIST", "client threads, comma-separated, each 1 to " + std::to_string(kMaxThreads) +
                                    " (default: " + join_counts(p.threads) + ")",
           [&p](const std::string& v) { return set_threads(p, v); });
  f.option("--workers", "LIST", "service mode: worker threads, comma-separated, each 1 to " +
                                    std::to_string(kMaxThreads) + " (in place of --threads; default: " +
                                    join_counts(p.threads) + ")",
           [&p](const std::string& v) { return set_threads(p, v); });
  f.list("--preset", "LIST", "workload presets, comma-separated (default: " + join(p.presets) + "; one of " +
                                 join(workload_preset_names(), ", ") + ")",
         &p.presets, [](const std::string& name) -> std::string {
           WorkloadSpec w;
           if (!workload_preset(name, &w))
             return "unknown preset '" + name + "' (one of " + join(workload_preset_names(), ", ") + ")";
           return {};
         });
  f.count("--repetitions", "N", "runs per combination", &p.repetitions, 1, 1000);
  f.option("--order", "random|interleaved|blocked",
           "when the repetitions run: random (a seeded shuffle of every run), interleaved (every configuration "
           "once per round) or blocked (repetitions back to back) (default " + std::string(to_string(p.order)) + ")",
           [&p](const std::string& v) {
             if (parse_enum(kRunOrderNames, v, &p.order)) return std::string();
             return "'" + v + "' is not one of " + join(enum_names(kRunOrderNames), ", ");
           });
  f.count("--order-seed", "N", "seed of the random order (0: the workload seed)", &p.order_seed, 0, UINT64_MAX);
}

// "0,2,4-7" -> {0, 2, 4, 5, 6, 7}; every CPU must be online and allowed to this process.
std::string parse_cpu_list(const std::string& v, std::vector<int>* out) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  pthread_getaffinity_np(pthread_self(), sizeof allowed, &allowed);
  std::vector<int> cpus;
  for (const auto& item : split_list(v)) {
    const std::size_t dash = item.find('-');
    uint64_t lo, hi;
    if (dash == std::string::npos ? !parse_u64(item, &lo) : !parse_u64(item.substr(0, dash), &lo))
      return "'" + item + "' is not a CPU number or range (e.g. 0,2,4-7)";
    hi = lo;
    if (dash != std::string::npos && (!parse_u64(item.substr(dash + 1), &hi) || hi < lo))
      return "'" + item + "' is not a CPU range (e.g. 4-7)";
    for (uint64_t c = lo; c <= hi; ++c) {
      if (c >= CPU_SETSIZE || !CPU_ISSET(static_cast<int>(c), &allowed))
        return "CPU " + std::to_string(c) + " is not online or not allowed to this process";
      cpus.push_back(static_cast<int>(c));
    }
  }
  *out = cpus;
  return {};
}

std::vector<int> all_allowed_cpus() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  pthread_getaffinity_np(pthread_self(), sizeof allowed, &allowed);
  std::vector<int> v;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &allowed)) v.push_back(c);
  return v;
}

void declare_load(Flags& f, RunPlan& p, std::string* mode, bool* pin_all_) {
  f.section("load");
  f.choice("--mode", "closed: send, wait, send; open: a constant offered rate, latency from the intended send time; "
                     "service: --connections closed-loop clients served by --workers event loops",
           mode, {"closed", "open", "service"});
  f.count("--connections", "M", "service mode: logical clients, each closed-loop (optional --think) with its own "
                                "stream, spread over the workers (required with --mode service)", &p.base.connections, 1, kMaxConnections);
  f.option("--rate", "LIST", "open loop: aggregate offered rates in commands/s, comma-separated, each above 0 and "
                             "at most " + format_limit(kMaxRate),
           [&p](const std::string& v) -> std::string {
             std::vector<double> rates;
             for (const auto& r : split_list(v)) {
               double x;
               if (!parse_double(r, &x) || x <= 0 || x > kMaxRate)
                 return "'" + r + "' is not a rate above 0 and at most " + format_limit(kMaxRate);
               rates.push_back(x);
             }
             p.rates = rates;
             return {};
           });
  f.count("--window", "N", "requests in flight per client; above 1 needs an engine with asynchronous submit",
          &p.base.window, 1, 1 << 16);
  f.option("--think", "NS",
           "closed loop and service mode: pause after each reply, in ns (0 to " + std::to_string(kMaxThinkNs) +
               "; default 0)",
           [&p](const std::string& v) -> std::string {
             uint64_t x;
             if (!parse_u64(v, &x) || x > kMaxThinkNs)
               return "'" + v + "' is not a number of ns from 0 to " + std::to_string(kMaxThinkNs);
             p.base.think_ns = static_cast<int64_t>(x);
             return {};
           });
  f.option("--commands", "N|auto",
           "fixed work: every run measures exactly N commands (split over the clients, each running the same "
           "prefix of its own stream on every engine); auto: a quick calibration pass picks one N per point "
           "(preset, threads) so that the slowest engine runs for about --target seconds (1 to " +
               std::to_string(kMaxCommands) + "; default " + (p.commands_auto ? "auto" : "none: --duration") + ")",
           [&p](const std::string& v) {
             if (v == "auto") {
               p.commands_auto = true;
               p.base.max_commands = 0;
               return std::string();
             }
             uint64_t x;
             if (!parse_u64(v, &x) || x == 0 || x > kMaxCommands)
               return "'" + v + "' is neither 'auto' nor a count from 1 to " + std::to_string(kMaxCommands);
             p.commands_auto = false;
             p.base.max_commands = x;
             return std::string();
           });
  f.count("--warmup-commands", "N", "fixed work: commands sent before the measured part (default: a quarter of N)",
          &p.base.warmup_commands, 0, kMaxCommands);
  f.number("--target", "S", "--commands auto: seconds the slowest engine should run", &p.target_s, 0.05, 600);
  f.number("--duration", "S", "time-bounded work instead: measured seconds per run", &p.base.duration_s, 0,
           kMaxDurationS, true);
  f.number("--warmup", "S", "time-bounded work: seconds excluded from the figures", &p.base.warmup_s, 0,
           kMaxWarmupS);
  f.count("--seed", "N", "workload seed", &p.base.seed, 0, UINT64_MAX);
  f.count("--work-ns", "N", "command work inside the state machine: every state-changing command also does N ns "
                            "of CPU work (calibrated at start) where the engine applies it, under its lock or on "
                            "its thread", &p.base.work_ns, 0, kMaxWorkNs);
  f.count("--parallel-work-ns", "N", "command work outside it: the client does N ns of CPU work before submitting "
                                     "each state-changing command, inside the measured latency",
          &p.base.parallel_work_ns, 0, kMaxWorkNs);
  f.option("--client-cpus", "LIST", "pin client i to the i-th CPU of LIST (mod its length), e.g. 0,1 or 2-5",
           [&p](const std::string& v) { return parse_cpu_list(v, &p.base.client_cpus); });
  f.option("--engine-cpus", "LIST", "pin the engine's own threads (single-writer) the same way",
           [&p](const std::string& v) { return parse_cpu_list(v, &p.base.engine_cpus); });
  f.flag("--pin", "pin client i to CPU i mod online CPUs (the same as --client-cpus with every CPU)", pin_all_);
  f.option("--interval", "MS", "the latency time series' interval, in ms (1 to 60000; default 100)",
           [&p](const std::string& v) {
             uint64_t x;
             if (!parse_u64(v, &x) || x == 0 || x > 60000) return "'" + v + "' is not a number of ms from 1 to 60000";
             p.base.interval_ns = static_cast<int64_t>(x) * 1'000'000;
             return std::string();
           });
  f.number("--probe", "S", "the floor probe's length before and after each run (0: no probe)", &p.probe_s, 0, 5);
  f.option("--clock", "steady|tsc", "clock for latency stamps (default steady)", [&p](const std::string& v) {
    if (v == "steady") {
      p.base.clock = ClockKind::kSteady;
    } else if (v == "tsc") {
      p.base.clock = ClockKind::kTsc;
    } else {
      return "'" + v + "' is neither 'steady' nor 'tsc'";
    }
    return std::string();
  });
}

void declare_workload(Flags& f, RunPlan& p) {
  f.section("workload overrides (on top of the preset)");
  f.option("--markets", "N", "number of markets (1 to 4096; default: the preset's, 8)", [&p](const std::string& v) {
    uint64_t x;
    if (!parse_u64(v, &x) || x == 0 || x > 4096) return "'" + v + "' is not a count from 1 to 4096";
    p.markets = static_cast<int64_t>(x);
    return std::string();
  });
  f.option("--zipf", "S", "market popularity skew, 0 = uniform (0 to 10; default: the preset's)",
           [&p](const std::string& v) {
             double x;
             if (!parse_double(v, &x) || x < 0 || x > 10) return "'" + v + "' is not a skew from 0 to 10";
             p.zipf = x;
             return std::string();
           });
  f.option("--accounts", "N", "accounts per market (1 to 1000000; default: the preset's, 1000)",
           [&p](const std::string& v) {
             uint64_t x;
             if (!parse_u64(v, &x) || x == 0 || x > 1'000'000) return "'" + v + "' is not a count from 1 to 1000000";
             p.accounts = static_cast<int64_t>(x);
             return std::string();
           });
}

void declare_engine(Flags& f, RunPlan& p) {
  f.section("engine settings (defaults for every engine that takes them; a spec such as\n"
            "single-writer:channel=spsc:wait=busy-spin overrides them for that engine)");
  for (const char* key : kEngineOptionFlags) {
    const EngineOption* o = EngineRegistry::instance().find_option(key);
    if (o == nullptr) continue;
    std::string help = o->help + " (" + o->values();
    if (o->name != "shards") help += "; default " + o->get(p.engine_config);
    help += ")";
    f.option("--" + o->name, o->is_count() ? "N" : "NAME", help, [o, &p](const std::string& v) {
      if (std::string why = o->check(v); !why.empty()) return "'" + v + "': " + why;
      o->set(p.engine_config, v);
      return std::string();
    });
  }
}

void declare_knee(Flags& f, RunPlan& p) {
  f.section("rate sweep (open loop)");
  f.number("--find-knee", "US", "step the rate up until p99 passes US microseconds (0: off)", &p.knee_p99_us, 0,
           1e9);
  f.number("--rate-start", "R", "first rate of the sweep, commands/s", &p.rate_start, 0, kMaxRate, true);
  f.number("--rate-factor", "F", "rate multiplier per step", &p.rate_factor, 1, 100, true);
  f.count("--max-steps", "N", "most steps per sweep", &p.max_steps, 1, 100);
}

void declare_journal(Flags& f, RunPlan& p) {
  f.section("journal (engines that journal; docs/replay.md)");
  f.text("--journal", "DIR", "journal and snapshots of each run under DIR/<run id>/", &p.journal);
  f.count("--snapshot-every", "N", "snapshot every N commands (0: never)", &p.engine_config.snapshot_every, 0,
          UINT64_MAX);
  f.option("--keep-snapshots", "N", "keep the newest N snapshots, deleting older ones once a newer is durable "
                                    "(0 keeps all; 0 to 1000000; default 2)",
           [&p](const std::string& v) {
             uint64_t x;
             if (!parse_u64(v, &x) || x > 1'000'000) return "'" + v + "' is not a count from 0 to 1000000";
             p.engine_config.keep_snapshots = x;
             return std::string();
           });
  f.text("--ack-log", "DIR", "append each acknowledged sequence number to DIR/<run id>/acks-<client>.log",
         &p.ack_log);
}

void declare_rerun(Flags& f, RunPlan& p) {
  f.section("re-running a recorded run");
  f.text("--from", "FILE", "a results.json: re-run one of its runs exactly (spec, preset, threads, mode, rate, "
                           "window, seed, work, clock, interval, CPUs), with --run", &p.from_file);
  f.text("--run", "ID", "the id of the run to re-run (as in results.json and the .hgrm names)", &p.from_run);
}

void declare_output(Flags& f, RunPlan& p) {
  f.section("output");
  f.text("--out", "DIR", "results directory; refused if it exists and is not empty, unless --force (default: a new "
         "results/<date>.<cpu>.<cores>c.<commit>.<time>)", &p.out_dir);
  f.flag("--force", "--out may exist: everything in it is deleted first", &p.force);
  f.text("--label", "TEXT", "describes the machine in the results (e.g. '2-core laptop')", &p.label, true);
  f.flag("--quiet", "no progress output", &p.quiet);
  f.flag("--live", "a live view on stdout while the runs go: per engine, throughput and p50/p99 per interval as "
                   "sparklines, the current run's histogram, context switches and floor; plain lines when stdout "
                   "is not a terminal",
         &p.live);
}

// Combinations no single flag can judge, and every engine spec built once (and shut
// down), so that an impossible setting is reported now, not after an hour of runs.
int check_work(const Flags& f, RunPlan& p) {
  if (f.given("--commands") && (f.given("--duration") || f.given("--warmup")))
    return f.error("--commands fixes the work; --duration and --warmup apply to time-bounded runs");
  if (f.given("--duration")) p.commands_auto = false;  // the default was auto: the user chose time
  const bool fixed = p.commands_auto || p.base.max_commands > 0;
  if (!fixed && (f.given("--warmup-commands") || f.given("--target")))
    return f.error(std::string(f.given("--target") ? "--target" : "--warmup-commands") + " needs --commands");
  if (p.commands_auto && f.given("--warmup-commands"))
    return f.error("--warmup-commands needs a fixed --commands N (with auto the warm-up is a quarter of N)");
  p.warmup_commands_given = f.given("--warmup-commands");
  if (p.base.max_commands > 0 && !p.warmup_commands_given) p.base.warmup_commands = p.base.max_commands / 4;
  return -1;
}

int check_rerun(const Flags& f) {
  if (f.given("--from") != f.given("--run")) return f.error(f.given("--from") ? "--from needs --run ID" : "--run needs --from FILE");
  if (!f.given("--from")) return -1;
  // The run's own settings come from the file; only where the output goes may be chosen.
  for (const char* flag : {"--engine", "--threads", "--workers", "--connections", "--work-ns", "--parallel-work-ns",
                           "--preset", "--repetitions", "--mode", "--rate", "--window", "--think",
                           "--commands", "--warmup-commands", "--duration", "--warmup", "--seed", "--clock",
                           "--client-cpus", "--engine-cpus", "--pin", "--interval", "--markets", "--zipf",
                           "--accounts", "--find-knee", "--journal", "--ack-log"})
    if (f.given(flag)) return f.error(std::string("--from re-runs the recorded run with its own settings; drop ") + flag);
  return -1;
}

// Service mode's flags, and the command work: calibrated once, here, so every run of
// the invocation does the same iterations.
int check_service_and_work(const Flags& f, RunPlan& p) {
  const bool service = p.base.mode == LoadMode::kService;
  if (service) {
    if (f.given("--threads")) return f.error("--mode service: the threads are --workers");
    if (!f.given("--connections")) return f.error("--mode service needs --connections M");
    if (p.base.window > 1) return f.error("--mode service: each connection has one request in flight (drop --window)");
    for (uint32_t t : p.threads)
      if (t > p.base.connections)
        return f.error("--workers " + std::to_string(t) + ": more workers than --connections " +
                       std::to_string(p.base.connections) + " (each worker needs a connection)");
  } else if (f.given("--connections") || f.given("--workers")) {
    return f.error(std::string(f.given("--connections") ? "--connections" : "--workers") + " needs --mode service");
  }
  if (p.base.work_ns == 0 && p.base.parallel_work_ns == 0) return -1;
  if (p.base.work_ns > 0)
    for (const auto& e : p.engines) {
      const EngineInfo* info = EngineRegistry::instance().find(e.substr(0, e.find(':')));
      if (info && !info->command_work)
        return f.error("--work-ns: engine '" + e + "' performs no command work (its core cannot)");
    }
  p.base.work_iterations_per_ns = calibrate_work();
  p.engine_config.work_iterations = work_iterations(p.base.work_ns, p.base.work_iterations_per_ns);
  p.base.parallel_work_iterations = work_iterations(p.base.parallel_work_ns, p.base.work_iterations_per_ns);
  return -1;
}

int check_plan(const Flags& f, RunPlan& p) {
  const bool rate_given = f.given("--rate");
  if (int rc = check_work(f, p); rc >= 0) return rc;
  if (int rc = check_service_and_work(f, p); rc >= 0) return rc;
  if ((p.engine_config.snapshot_every > 0 || !p.ack_log.empty()) && p.journal.empty())
    return f.error(p.ack_log.empty() ? "--snapshot-every needs --journal" : "--ack-log needs --journal");
  if (!p.journal.empty()) {
    // Read-only, not a directory, or in use by another writer: a usage error now,
    // not a failed run later.
    std::string why;
    if (!check_state_directory(p.journal, &why)) return f.error("--journal: " + why);
  }
  for (const auto& e : p.engines) {
    EngineConfig probe = p.engine_config;
    if (!p.journal.empty()) {
      const EngineInfo* info = EngineRegistry::instance().find(e.substr(0, e.find(':')));
      if (info && !info->journals)
        return f.error("--journal: engine '" + e + "' keeps no journal");
    }
    ResolvedSpec spec;
    std::string why;
    if (!EngineRegistry::instance().resolve(e, probe, &spec, &why)) return f.error("--engine: " + why);
    auto engine = EngineRegistry::instance().create(spec, &why);
    if (!engine) return f.error("--engine: " + why);
    const bool inline_only = !engine->asynchronous();
    engine->shutdown();
    if (p.base.window > 1 && inline_only)
      return f.error("--window " + std::to_string(p.base.window) + ": engine '" + e +
                     "' completes inline and cannot keep requests in flight (use --window 1)");
  }
  if (p.base.mode != LoadMode::kOpen && rate_given) return f.error("--rate needs --mode open");
  if (p.base.mode != LoadMode::kOpen && p.knee_p99_us > 0) return f.error("--find-knee needs --mode open");
  if (p.base.mode == LoadMode::kOpen && p.knee_p99_us == 0 && p.rates.empty())
    return f.error("--mode open needs --rate (or --find-knee)");
  if (p.base.mode == LoadMode::kOpen && p.knee_p99_us > 0 && rate_given)
    return f.error("--find-knee chooses the rates itself; drop --rate");
  if (p.base.mode == LoadMode::kOpen && p.base.think_ns > 0)
    return f.error("--think applies to closed loop and service mode only");
  if (p.base.clock == ClockKind::kTsc) {
    std::string why;
    if (!calibrate_tsc(&why)) return f.error("--clock tsc: " + why);
  }
  for (const auto& preset : p.presets) {
    WorkloadSpec w = workload_for(p, preset);
    if (std::string e = validate(w); !e.empty()) return f.error("workload '" + preset + "': " + e);
  }
  return -1;
}

}  // namespace

WorkloadSpec workload_for(const RunPlan& plan, const std::string& preset) {
  WorkloadSpec w;
  workload_preset(preset, &w);
  if (plan.markets > 0) w.markets = static_cast<uint32_t>(plan.markets);
  if (plan.zipf >= 0) w.zipf = plan.zipf;
  if (plan.accounts > 0) w.accounts = static_cast<uint32_t>(plan.accounts);
  return w;
}

int parse_run_plan(const std::string& cmd, const std::vector<std::string>& args, RunPlan* plan) {
  RunPlan& p = *plan;
  const std::string description =
      cmd == "run" ? "Runs the default comparison (every engine, balanced preset, threads " + join_counts(p.threads) +
                         ") or the\nruns the options select, prints a table and writes results (JSON, CSV, .hgrm)."
                   : "Runs every combination of engines x threads x presets (x rates in open loop),\n"
                     "each repeated, with a progress bar; --find-knee steps the offered rate up until\n"
                     "p99 passes a bound and reports the highest rate each engine sustains under it.";
  Flags f(cmd, "[options]", description);
  std::string mode = "closed";
  bool pin_all = false;
  declare_what(f, p);
  declare_load(f, p, &mode, &pin_all);
  declare_workload(f, p);
  declare_engine(f, p);
  declare_knee(f, p);
  declare_journal(f, p);
  declare_rerun(f, p);
  declare_output(f, p);
  f.epilogue("Every limit above is checked before any run starts; a bad value exits 2.");
  if (int rc = f.parse(args); rc >= 0) return rc;
  p.command_line = f.command_line();
  p.base.mode = mode == "open" ? LoadMode::kOpen : mode == "service" ? LoadMode::kService : LoadMode::kClosed;
  if (pin_all) {
    if (f.given("--client-cpus")) return f.error("--pin and --client-cpus both choose the clients' CPUs");
    p.base.client_cpus = all_allowed_cpus();
  }
  if (int rc = check_rerun(f); rc >= 0) return rc;
  if (!p.from_file.empty()) return -1;  // checked when the file is read
  return check_plan(f, p);
}

}  // namespace swlab::cli
