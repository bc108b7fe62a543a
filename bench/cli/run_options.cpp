#include "cli/run_options.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <cstdio>

#include "cli/cli.h"
#include "cli/flags.h"
#include "engine/command_work.h"
#include "engine/engine_registry.h"
#include "measure/clock.h"
#include "persistence/memory_budget.h"
#include "persistence/persistence.h"
#include "run/run_setting.h"

namespace swlab::cli {

RunPlan default_plan(const std::string& cmd) {
  RunPlan plan;
  plan.engines = EngineRegistry::instance().names();
  plan.threads = {1, 2, 4};
  plan.presets = {"balanced"};
  plan.commands_auto = true;
  plan.base.duration_s = 1.0;
  plan.base.warmup_s = 0.25;
  // The TSC where the CPU has an invariant one: a read is one instruction, where
  // steady_clock's vDSO call costs twice as much inside every latency (results record
  // which clock a run used).
  std::string no_tsc;
  plan.base.clock = invariant_tsc(&no_tsc) ? ClockKind::kTsc : ClockKind::kSteady;
  // run: one run per point, about 0.65 s for the slowest of seven engines: 20-30 s on
  // 2 cores. sweep: repetitions in random order, 0.43 s a run (seven engines: the
  // same total as six at 0.5): about 40 s on 2 cores. The reference sweeps
  // (scripts/reference.sh) ask for more.
  plan.target_s = cmd == "sweep" ? 0.43 : 0.65;
  plan.repetitions = cmd == "sweep" ? 3 : 1;
  return plan;
}

WorkloadSpec workload_for(const RunPlan& plan, const std::string& preset) {
  WorkloadSpec w;
  workload_preset(preset, &w);
  if (plan.markets > 0) w.markets = static_cast<uint32_t>(plan.markets);
  if (plan.zipf >= 0) w.zipf = plan.zipf;
  if (plan.accounts > 0) w.accounts = static_cast<uint32_t>(plan.accounts);
  return w;
}

namespace {

std::vector<int> all_allowed_cpus() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  pthread_getaffinity_np(pthread_self(), sizeof allowed, &allowed);
  std::vector<int> v;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &allowed)) v.push_back(c);
  return v;
}

// One flag per run setting, in declaration order, under its section.
void declare_settings(Flags& f, RunPlan& p) {
  for (const RunSetting& s : RunSettings::instance().all()) {
    if (f.current_section() != s.section) f.section(s.section);
    const RunSetting* setting = &s;
    if (s.type == SettingType::kSwitch) {
      f.option_switch(s.flag(), s.help, [setting, &p] { setting->binding.store(p, true); });
      continue;
    }
    f.option(s.flag(), s.metavar, s.help_text(p), [setting, &p](const std::string& v) {
      SettingValue value;
      if (std::string why = setting->parse(v, &value); !why.empty()) return why;
      setting->binding.store(p, value);
      return std::string();
    });
  }
}

// The same value twice in an axis would make two configurations with one id.
template <class T>
int refuse_duplicates(const Flags& f, const char* flag, const std::vector<T>& values) {
  for (std::size_t i = 0; i < values.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (values[i] == values[j])
        return f.error(std::string(flag) + ": " + to_flag_text(SettingValue(values[i])) +
                       " is given twice (each value is one configuration)");
  return -1;
}

int check_axes(const Flags& f, const RunPlan& p) {
  if (int rc = refuse_duplicates(f, "--engine", p.engines); rc >= 0) return rc;
  if (int rc = refuse_duplicates(f, f.given("--workers") ? "--workers" : "--threads",
                                 std::vector<uint64_t>(p.threads.begin(), p.threads.end()));
      rc >= 0)
    return rc;
  if (int rc = refuse_duplicates(f, "--preset", p.presets); rc >= 0) return rc;
  return refuse_duplicates(f, "--rate", p.rates);
}

// Combinations no single flag can judge.
int check_work(const Flags& f, RunPlan& p) {
  if (f.given("--commands") && (f.given("--duration") || f.given("--warmup")))
    return f.error("--commands fixes the work; --duration and --warmup apply to time-bounded runs");
  if (f.given("--duration")) p.commands_auto = false;  // the default was auto: the user chose time
  if (!p.fixed_work() && (f.given("--warmup-commands") || f.given("--target")))
    return f.error(std::string(f.given("--target") ? "--target" : "--warmup-commands") + " needs --commands");
  if (p.commands_auto && f.given("--warmup-commands"))
    return f.error("--warmup-commands needs a fixed --commands N (with auto the warm-up is a quarter of N)");
  if (p.base.max_commands > 0 && !f.given("--warmup-commands")) p.base.warmup_commands = p.base.max_commands / 4;
  return -1;
}

int check_rerun(const Flags& f) {
  if (f.given("--from") != f.given("--run")) return f.error(f.given("--from") ? "--from needs --run ID" : "--run needs --from FILE");
  if (!f.given("--from")) return -1;
  // The run's own settings come from the file.
  for (const RunSetting& s : RunSettings::instance().all())
    if (s.decided_by_from() && f.given(s.flag()))
      return f.error("--from re-runs the recorded run with its own settings; drop " + s.flag());
  if (f.given("--pin")) return f.error("--from re-runs the recorded run with its own settings; drop --pin");
  return -1;
}

// Service mode's flags, and the command work: calibrated once, here, so every run of
// the invocation does the same iterations.
int check_service_and_work(const Flags& f, RunPlan& p) {
  if (p.base.mode == LoadMode::kService) {
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
  // An inject-ns control in any spec (or --inject-ns for all) is command work too.
  const bool inject = p.engine_config.inject_ns > 0 || std::any_of(p.engines.begin(), p.engines.end(), [](const std::string& e) {
                        return e.find(":inject-ns=") != std::string::npos;
                      });
  if (p.base.work_ns == 0 && p.base.parallel_work_ns == 0 && !inject) return -1;
  if (p.base.work_ns > 0)
    for (const auto& e : p.engines) {
      const EngineInfo* info = EngineRegistry::instance().find(e.substr(0, e.find(':')));
      if (info && !info->command_work)
        return f.error("--work-ns: engine '" + e + "' performs no command work (its core cannot)");
    }
  p.base.work_iterations_per_ns = calibrate_work();
  p.engine_config.work_iterations_per_ns = p.base.work_iterations_per_ns;
  p.engine_config.work_iterations = work_iterations(p.base.work_ns, p.base.work_iterations_per_ns);
  p.base.parallel_work_iterations = work_iterations(p.base.parallel_work_ns, p.base.work_iterations_per_ns);
  return -1;
}

// Every engine spec built once (and shut down), so that an impossible setting is
// reported now, not after an hour of runs.
int check_engines(const Flags& f, const RunPlan& p) {
  for (const auto& e : p.engines) {
    if (!p.journal.empty()) {
      const EngineInfo* info = EngineRegistry::instance().find(e.substr(0, e.find(':')));
      if (info && !info->journals) return f.error("--journal: engine '" + e + "' keeps no journal");
    }
    for (const std::string& preset : p.presets) {
      EngineConfig probe = p.engine_config;
      probe.markets = workload_for(p, preset).markets;
      ResolvedSpec spec;
      std::string why;
      if (!EngineRegistry::instance().resolve(e, probe, &spec, &why)) return f.error("--engine: " + why);
      if (spec.config.shards > spec.config.markets)
        return f.error("--engine " + e + ": " + std::to_string(spec.config.shards) + " shards for " +
                       std::to_string(spec.config.markets) + " markets (at most one shard per market)");
      auto engine = EngineRegistry::instance().create(spec, &why);
      if (!engine) return f.error("--engine: " + why);
      const bool inline_only = !engine->asynchronous();
      engine->shutdown();
      if (p.base.window > 1 && inline_only)
        return f.error("--window " + std::to_string(p.base.window) + ": engine '" + e +
                       "' completes inline and cannot keep requests in flight (use --window 1)");
    }
  }
  return -1;
}

int check_plan(const Flags& f, RunPlan& p) {
  const bool rate_given = f.given("--rate");
  if (int rc = check_axes(f, p); rc >= 0) return rc;
  if (int rc = check_work(f, p); rc >= 0) return rc;
  if (int rc = check_service_and_work(f, p); rc >= 0) return rc;
  if ((p.engine_config.persistence.snapshot_every > 0 || !p.ack_log.empty()) && p.journal.empty())
    return f.error(p.ack_log.empty() ? "--snapshot-every needs --journal" : "--ack-log needs --journal");
  if (!p.journal.empty()) {
    // Read-only, not a directory, or in use by another writer: a usage error now,
    // not a failed run later.
    std::string why;
    if (!check_state_directory(p.journal, &why)) return f.error("--journal: " + why);
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
  const uint64_t available = available_memory_bytes();
  for (const auto& preset : p.presets) {
    WorkloadSpec w = workload_for(p, preset);
    if (std::string e = validate(w); !e.empty()) return f.error("workload '" + preset + "': " + e);
    // Refused before anything is allocated: one engine's state at a time, with room
    // for the process around it.
    if (available > 0 && state_bytes(w) > available / 10 * 8)
      return f.error("workload '" + preset + "': " + std::to_string(w.markets) + " markets x " +
                     std::to_string(w.accounts) + " accounts need about " +
                     std::to_string(state_bytes(w) >> 20) + " MB of state (" +
                     std::to_string(kStateBytesPerAccount) + " B an account a market); this machine has " +
                     std::to_string(available >> 20) + " MB available (--markets, --accounts)");
  }
  return check_engines(f, p);
}

std::string description(const std::string& cmd, const RunPlan& p) {
  if (cmd == "run")
    return "Runs the default comparison (every engine, balanced preset, threads " + to_flag_text(SettingValue(
               std::vector<uint64_t>(p.threads.begin(), p.threads.end()))) +
           ") or the\nruns the options select, prints a table and writes results (JSON, CSV, .hgrm).";
  return "Runs every combination of engines x threads x presets (x rates in open loop),\n"
         "each repeated, with a progress bar; --find-knee steps the offered rate up until\n"
         "p99 passes a bound and reports the highest rate each engine sustains under it.";
}

}  // namespace

int parse_run_plan(const std::string& cmd, const std::vector<std::string>& args, RunPlan* plan) {
  RunPlan& p = *plan;
  Flags f(cmd, "[options]", description(cmd, p));
  declare_settings(f, p);
  f.epilogue("Every limit above is checked before any run starts; a bad value exits 2.\n"
             "'swlab schema' prints every setting, its type, limits and default as JSON.");
  if (int rc = f.parse(args); rc >= 0) return rc;
  p.command_line = f.command_line();
  if (p.pin) {
    if (f.given("--client-cpus")) return f.error("--pin and --client-cpus both choose the clients' CPUs");
    p.base.client_cpus = all_allowed_cpus();
  }
  if (int rc = check_rerun(f); rc >= 0) return rc;
  if (!p.from_file.empty()) return -1;  // checked when the file is read
  return check_plan(f, p);
}

}  // namespace swlab::cli
