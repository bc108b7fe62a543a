// Every setting of `swlab run` and `swlab sweep`, each declared once (run_setting.h
// says what follows from a declaration). The order here is the order of --help.
#include <cstdint>
#include <iterator>
#include <limits>
#include <stdexcept>

#include "engine/engine_registry.h"
#include "load/workload.h"
#include "run/setting_bindings.h"

namespace swlab {

namespace {

using namespace binding;

// Every limit a setting has, in one place: the parser refuses values outside them
// before any work, --help and the schema state them.
constexpr double kMaxThreads = 4096;
constexpr double kMaxRate = 1e9;              // commands/s: one per ns, past any machine
constexpr double kMinRate = 1;                // commands/s: below it a run of seconds sends nothing
constexpr double kMaxThinkNs = 10'000'000'000;  // 10 s
constexpr double kMaxDurationS = 86400;
constexpr double kMaxWarmupS = 3600;
constexpr double kMaxCommands = 1'000'000'000'000;
constexpr double kMaxConnections = 16384;
constexpr double kMaxWorkNs = 10'000'000;     // 10 ms of CPU per command
constexpr double kMaxSeed = static_cast<double>(std::numeric_limits<uint64_t>::max());

bool open_mode(const RunRecord& r) { return r.load.mode == LoadMode::kOpen; }
bool service_mode(const RunRecord& r) { return r.load.mode == LoadMode::kService; }

std::vector<RunSetting> what_to_run() {
  const char* s = "what to run";
  return {
      [s] {
        RunSetting engine = text_list_setting("engine", "LIST")
          .in(s).identity().called("engine")
          .described("engine specs, comma-separated")
          .bound({[](RunPlan& p, const SettingValue& v) { assign(p.engines, v); },
                  [](const RunPlan& p) { return value_of(p.engines); },
                  [](const RunRecord& r) { return SettingValue(r.engine); }});
        engine.check_item = [](const std::string& spec) -> std::string {
          const std::string name = spec.substr(0, spec.find(':'));
          if (!EngineRegistry::instance().find(name)) return "unknown engine " + shown(name) + " ('swlab engines' lists them)";
          return {};
        };
        return engine;
      }(),
      count_list_setting("threads", "LIST", 1, kMaxThreads)
          .in(s).identity().called("a thread count")
          .described("client threads, comma-separated")
          .bound({[](RunPlan& p, const SettingValue& v) { assign(p.threads, v); },
                  [](const RunPlan& p) { return value_of(p.threads); },
                  [](const RunRecord& r) { return value_of(r.load.threads); }}),
      count_list_setting("workers", "LIST", 1, kMaxThreads)
          .in(s).identity().mode_specific().called("a thread count").spelling_of("threads")
          .described("service mode: worker threads, comma-separated (in place of --threads)")
          .bound({[](RunPlan& p, const SettingValue& v) { assign(p.threads, v); },
                  [](const RunPlan& p) { return value_of(p.threads); },
                  [](const RunRecord& r) {
                    return service_mode(r) ? value_of(r.load.threads) : SettingValue(std::monostate{});
                  }}),
      [s] {
        RunSetting preset = text_list_setting("preset", "LIST")
          .in(s).identity().called("preset")
          .described("workload presets, comma-separated")
          .bound({[](RunPlan& p, const SettingValue& v) { assign(p.presets, v); },
                  [](const RunPlan& p) { return value_of(p.presets); },
                  [](const RunRecord& r) { return SettingValue(r.preset); }});
        preset.choices = workload_preset_names();
        return preset;
      }(),
      count_setting("repetitions", "N", 1, 1000)
          .in(s).invocation().not_with_from()
          .described("runs per combination")
          .bound(plan(&RunPlan::repetitions)),
      choice_setting("order", enum_names(kRunOrderNames))
          .in(s).invocation()
          .described("when the repetitions run: random (a seeded shuffle of every run), interleaved (blocks: "
                     "every configuration once per round, in a seeded random order within the round; what "
                     "paired comparisons need) or blocked (repetitions back to back)")
          .bound(plan_enum(&RunPlan::order, kRunOrderNames)),
      count_setting("order-seed", "N", 0, kMaxSeed)
          .in(s).invocation()
          .described("seed of the random order (0: the workload seed)")
          .bound(plan(&RunPlan::order_seed)),
  };
}

SettingBinding commands_binding() {
  return {[](RunPlan& p, const SettingValue& v) {
            p.commands_auto = std::holds_alternative<std::string>(v);
            p.base.max_commands = p.commands_auto ? 0 : std::get<uint64_t>(v);
          },
          [](const RunPlan& p) {
            if (p.commands_auto) return SettingValue(std::string("auto"));
            return p.base.max_commands > 0 ? SettingValue(p.base.max_commands) : SettingValue(std::monostate{});
          },
          [](const RunRecord& r) {
            return r.load.fixed_work() ? SettingValue(r.load.max_commands) : SettingValue(std::monostate{});
          }};
}

// A field of the load that applies only to fixed work (`fixed` true) or only to
// time-bounded work: null in the other kind of run.
template <class T>
SettingBinding work_field(T LoadConfig::*field, bool fixed) {
  SettingBinding b = load(field);
  b.run_value = [field, fixed](const RunRecord& r) {
    return r.load.fixed_work() == fixed ? value_of(r.load.*field) : SettingValue(std::monostate{});
  };
  return b;
}

std::vector<RunSetting> load_settings() {
  const char* s = "load";
  return {
      choice_setting("mode", enum_names(kLoadModeNames))
          .in(s).identity()
          .described("closed: send, wait, send; open: a constant offered rate, latency from the intended send "
                     "time; service: --connections closed-loop clients served by --workers event loops")
          .bound(load_enum(&LoadConfig::mode, kLoadModeNames)),
      count_setting("connections", "M", 1, kMaxConnections)
          .in(s).identity().mode_specific()
          .described("service mode: logical clients, each closed-loop (optional --think) with its own stream, "
                     "spread over the workers (required with --mode service)")
          .bound({[](RunPlan& p, const SettingValue& v) { assign(p.base.connections, v); },
                  [](const RunPlan& p) {  // 0: not given (required in service mode)
                    return p.base.connections ? value_of(p.base.connections) : SettingValue(std::monostate{});
                  },
                  [](const RunRecord& r) {
                    return service_mode(r) ? value_of(r.load.connections) : SettingValue(std::monostate{});
                  }}),
      number_list_setting("rate", "LIST", kMinRate, kMaxRate)
          .in(s).identity().mode_specific().called("a rate").in_unit("commands/s")
          .described("open loop: aggregate offered rates in commands/s, comma-separated")
          .bound({[](RunPlan& p, const SettingValue& v) { assign(p.rates, v); },
                  [](const RunPlan& p) { return value_of(p.rates); },
                  [](const RunRecord& r) { return open_mode(r) ? value_of(r.load.rate) : SettingValue(std::monostate{}); }}),
      count_setting("window", "N", 1, 1 << 16)
          .in(s).identity()
          .described("requests in flight per client; above 1 needs an engine with asynchronous submit")
          .bound(load(&LoadConfig::window)),
      count_setting("think", "NS", 0, kMaxThinkNs)
          .in(s).in_unit("ns").called("a number of ns").was("think_ns")
          .described("closed loop and service mode: pause after each reply, in ns")
          .bound(load(&LoadConfig::think_ns)),
  };
}

// How much each run measures: fixed work or a duration, the warm-up, the seed, and
// command work inside and outside the critical section.
std::vector<RunSetting> work_settings() {
  const char* s = "load";
  RunSetting commands =
      text_setting("commands", "N|auto")
          .in(s).shown_default("none: --duration").was("work.commands")
          .described("fixed work: every run measures exactly N commands (split over the clients, each running the "
                     "same prefix of its own stream on every engine); auto: a quick calibration pass picks one N "
                     "per point (preset, threads) so that the slowest engine runs for about --target seconds (1 to "
                     "1000000000000)")
          .bound(commands_binding());
  commands.parse_special = [](const std::string& v, SettingValue* out) -> std::string {
    uint64_t n;
    if (v == "auto") {
      *out = std::string("auto");
    } else if (parse_count(v, &n) && n >= 1 && static_cast<double>(n) <= kMaxCommands) {
      *out = n;
    } else {
      return shown(v) + " is neither 'auto' nor a count from 1 to 1000000000000";
    }
    return {};
  };
  commands.default_text.clear();
  return {
      commands,
      count_setting("warmup-commands", "N", 0, kMaxCommands)
          .in(s).shown_default("a quarter of N").was("work.warmup_commands")
          .described("fixed work: commands sent before the measured part")
          .bound(work_field(&LoadConfig::warmup_commands, true)),
      number_setting("target", "S", 0.05, 600)
          .in(s).invocation().in_unit("s")
          .described("--commands auto: seconds the slowest engine should run")
          .bound(plan(&RunPlan::target_s)),
      number_setting("duration", "S", 0, kMaxDurationS)
          .in(s).above_min().in_unit("s").was("work.duration_s")
          .described("time-bounded work instead: measured seconds per run")
          .bound(work_field(&LoadConfig::duration_s, false)),
      number_setting("warmup", "S", 0, kMaxWarmupS)
          .in(s).in_unit("s").was("work.warmup_s")
          .described("time-bounded work: seconds excluded from the figures")
          .bound(work_field(&LoadConfig::warmup_s, false)),
      count_setting("seed", "N", 0, kMaxSeed)
          .in(s).was("seed")
          .described("workload seed")
          .bound(load(&LoadConfig::seed)),
      count_setting("work-ns", "N", 0, kMaxWorkNs)
          .in(s).in_unit("ns").was("command_work.work_ns")
          .described("command work inside the state machine: every state-changing command also does N ns of CPU "
                     "work (calibrated at start) where the engine applies it, under its lock or on its thread")
          .bound(load(&LoadConfig::work_ns)),
      count_setting("parallel-work-ns", "N", 0, kMaxWorkNs)
          .in(s).in_unit("ns").was("command_work.parallel_work_ns")
          .described("command work outside it: the client does N ns of CPU work before submitting each "
                     "state-changing command, inside the measured latency")
          .bound(load(&LoadConfig::parallel_work_ns)),
  };
}

// Where the threads run, and how the run is measured: CPUs, the time series, the
// floor probe, the clock.
std::vector<RunSetting> measure_settings() {
  const char* s = "load";
  return {
      cpu_list_setting("client-cpus")
          .in(s).was("cpus.clients")
          .described("pin client i to the i-th CPU of LIST (mod its length), e.g. 0,1 or 2-5")
          .bound(load(&LoadConfig::client_cpus)),
      cpu_list_setting("engine-cpus")
          .in(s).was("cpus.engine")
          .described("pin the engine's own threads (single-writer) the same way")
          .bound(load(&LoadConfig::engine_cpus)),
      switch_setting("pin")
          .in(s).control()
          .described("pin client i to CPU i mod online CPUs (the same as --client-cpus with every CPU)")
          .bound(plan(&RunPlan::pin)),
      [s] {
        RunSetting interval =
            count_setting("interval", "MS", 1, 60000)
                .in(s).in_unit("ms").called("a number of ms").was("time_series.interval_s")
                .described("the latency time series' interval, in ms")
                .bound({[](RunPlan& p, const SettingValue& v) {
                          p.base.interval_ns = static_cast<int64_t>(std::get<uint64_t>(v)) * 1'000'000;
                        },
                        [](const RunPlan& p) { return SettingValue(static_cast<uint64_t>(p.base.interval_ns / 1'000'000)); },
                        [](const RunRecord& r) { return SettingValue(static_cast<uint64_t>(r.load.interval_ns / 1'000'000)); }});
        interval.from_legacy = [](const std::string& seconds) {  // version 2 recorded seconds
          double x = 0;
          parse_decimal(seconds, &x);
          return std::to_string(static_cast<long long>(x * 1000 + 0.5));
        };
        return interval;
      }(),
      number_setting("probe", "S", 0, 5)
          .in(s).invocation().in_unit("s")
          .described("the floor probe's length before and after each run (0: no probe)")
          .bound(plan(&RunPlan::probe_s)),
      [s] {
        RunSetting clock = choice_setting("clock", enum_names(kClockNames))
                               .in(s).was("clock")
                               .described("clock for latency stamps (tsc where the CPU has an invariant TSC)")
                               .bound(load_enum(&LoadConfig::clock, kClockNames));
        clock.from_legacy = [](const std::string& v) { return v == "steady_clock" ? std::string("steady") : v; };
        return clock;
      }(),
  };
}

// Where a run's threads go: the policy, the topology it is planned against, and a
// look at the plans without running (measure/placement_plan.h, docs/methodology.md).
std::vector<RunSetting> placement_settings() {
  const char* s = "placement (docs/methodology.md, \"Placement\")";
  RunSetting placement =
      choice_setting("placement", std::vector<std::string>(std::begin(kPlacementPolicyNames), std::end(kPlacementPolicyNames)))
          .in(s)
          .described("where each run's threads go. auto: every engine thread a core of its own (its SMT sibling "
                     "idle), clients on the other cores of the engine's L3 domain first, then further out; "
                     "compact: packed onto CPUs in topology order, SMT siblings included; spread: clients dealt "
                     "over the L3 domains farthest from the engine; smt: client j on engine thread j's SMT sibling; "
                     "none: nothing pinned. --client-cpus, --pin and --engine-cpus override it for their side")
          .bound({[](RunPlan& p, const SettingValue& v) {
                    parse_placement_policy(std::get<std::string>(v), &p.placement);
                  },
                  [](const RunPlan& p) { return SettingValue(std::string(to_string(p.placement))); },
                  [](const RunRecord& r) { return SettingValue(std::string(to_string(r.cpu_plan.policy))); }});
  return {
      std::move(placement),
      text_setting("topology", "SPEC")
          .in(s).invocation().shown_default("this machine's, from hwloc")
          .described("plan against another topology: an XML export (lstopo FILE.xml on that machine) or hwloc's "
                     "synthetic notation, e.g. 'package:2 l3:4 core:8 pu:2'; runs need every CPU it names to be "
                     "usable here, so it is mostly for --plan")
          .bound(plan(&RunPlan::topology)),
      switch_setting("plan")
          .in(s).control()
          .described("print each configuration's plan (the engine's and the clients' CPUs with their L3 domains, "
                     "the floor probe's CPUs, what had to share) and exit without running")
          .bound(plan(&RunPlan::show_plan)),
  };
}

// A workload override: the plan holds it (negative: the preset's); a run records the
// value it used, override or not.
template <class T, class U>
RunSetting workload_override(RunSetting s, T RunPlan::*field, U WorkloadSpec::*used) {
  s.binding = {[field](RunPlan& p, const SettingValue& v) {
                 if constexpr (std::is_same_v<T, double>) {
                   p.*field = std::get<double>(v);
                 } else {
                   p.*field = static_cast<T>(std::get<uint64_t>(v));
                 }
               },
               [field](const RunPlan& p) {
                 if (p.*field < 0) return SettingValue(std::monostate{});
                 if constexpr (std::is_same_v<T, double>) {
                   return SettingValue(p.*field);
                 } else {
                   return SettingValue(static_cast<uint64_t>(p.*field));
                 }
               },
               [used](const RunRecord& r) { return value_of(r.load.workload.*used); }};
  return s;
}

std::vector<RunSetting> workload_settings() {
  const char* s = "workload overrides (on top of the preset)";
  return {
      workload_override(count_setting("markets", "N", 1, 4096)
                            .in(s).shown_default("the preset's, 8").called("a count").was("workload.markets")
                            .described("number of markets"),
                        &RunPlan::markets, &WorkloadSpec::markets),
      workload_override(number_setting("zipf", "S", 0, 10)
                            .in(s).shown_default("the preset's").called("a skew").was("workload.zipf")
                            .described("market popularity skew, 0 = uniform"),
                        &RunPlan::zipf, &WorkloadSpec::zipf),
      workload_override(count_setting("accounts", "N", 1, 1'000'000)
                            .in(s).shown_default("the preset's, 1000").called("a count").was("workload.accounts")
                            .described("accounts per market"),
                        &RunPlan::accounts, &WorkloadSpec::accounts),
  };
}

// One setting per engine option any registered engine takes: the option describes
// its values and help; the run records it in each run's engine_config.
std::vector<RunSetting> engine_settings() {
  std::vector<RunSetting> out;
  for (const EngineInfo& e : EngineRegistry::instance().engines())
    for (const EngineOption& o : e.options) {
      bool seen = false;
      for (const RunSetting& r : out) seen |= r.name == o.name;
      if (seen) continue;
      const EngineOption* opt = &o;
      RunSetting r = o.is_count() ? count_setting(o.name, "N", static_cast<double>(o.min), static_cast<double>(o.max))
                                  : choice_setting(o.name, o.choices);
      if (!o.is_count()) r.metavar = "NAME";
      r.section =
          "engine settings (defaults for every engine that takes them; a spec such as\n"
          "single-writer:channel=spsc:wait=busy-spin overrides them for that engine)";
      r.help = o.help;
      r.engine_option = true;
      // The option's own check (it knows the values this build left out, and why).
      r.parse_special = [opt](const std::string& v, SettingValue* value) -> std::string {
        if (std::string why = opt->check(v); !why.empty()) return shown(v) + ": " + why;
        uint64_t n;
        if (opt->is_count() && parse_count(v, &n)) {
          *value = n;
        } else {
          *value = v;
        }
        return {};
      };
      // A count below its range is "automatic" (shards 0: chosen for the machine when
      // the engine is resolved): recorded as null.
      auto typed = [opt](const EngineConfig& c) {
        const std::string v = opt->get(c);
        uint64_t n;
        if (!opt->is_count()) return SettingValue(v);
        if (!parse_count(v, &n) || n < opt->min) return SettingValue(std::monostate{});
        return SettingValue(n);
      };
      r.binding = {[opt](RunPlan& p, const SettingValue& v) { opt->set(p.engine_config, to_flag_text(v)); },
                   [typed](const RunPlan& p) { return typed(p.engine_config); },
                   [typed](const RunRecord& rec) { return typed(rec.spec.config); }};
      out.push_back(std::move(r));
    }
  return out;
}

std::vector<RunSetting> knee_and_journal_settings() {
  const char* knee = "rate sweep (open loop)";
  const char* journal = "journal (engines that journal; docs/replay.md)";
  return {
      number_setting("find-knee", "US", 0, 1e9)
          .in(knee).invocation().not_with_from().in_unit("us")
          .described("step the rate up until p99 passes US microseconds (0: off)")
          .bound(plan(&RunPlan::knee_p99_us)),
      number_setting("rate-start", "R", kMinRate, kMaxRate)
          .in(knee).invocation().in_unit("commands/s")
          .described("first rate of the sweep, commands/s")
          .bound(plan(&RunPlan::rate_start)),
      number_setting("rate-factor", "F", 1, 100)
          .in(knee).invocation().above_min()
          .described("rate multiplier per step")
          .bound(plan(&RunPlan::rate_factor)),
      count_setting("max-steps", "N", 1, 100)
          .in(knee).invocation()
          .described("most steps per sweep")
          .bound(plan(&RunPlan::max_steps)),
      text_setting("journal", "DIR")
          .in(journal).invocation().not_with_from()
          .described("journal and snapshots of each run under DIR/<run id>/")
          .bound(plan(&RunPlan::journal)),
      count_setting("snapshot-every", "N", 0, kMaxSeed)
          .in(journal).invocation()
          .described("snapshot every N commands (0: never)")
          .bound(persistence(&PersistenceConfig::snapshot_every)),
      count_setting("keep-snapshots", "N", 0, 1'000'000)
          .in(journal).invocation().called("a count")
          .described("keep the newest N snapshots, deleting older ones once a newer is durable (0 keeps all)")
          .bound(persistence(&PersistenceConfig::keep_snapshots)),
      text_setting("ack-log", "DIR")
          .in(journal).invocation().not_with_from()
          .described("append each acknowledged sequence number to DIR/<run id>/acks-<client>.log")
          .bound(plan(&RunPlan::ack_log)),
  };
}

std::vector<RunSetting> control_settings() {
  const char* rerun = "re-running a recorded run";
  const char* output = "output";
  return {
      text_setting("from", "FILE")
          .in(rerun).control()
          .described("a results.json: re-run one of its runs exactly, with --run (every setting the run "
                     "recorded: spec, preset, threads, mode, rate, window, seed, work, clock, interval, CPUs)")
          .bound(plan(&RunPlan::from_file)),
      text_setting("run", "ID")
          .in(rerun).control()
          .described("the id of the run to re-run (as in results.json and the .hgrm names)")
          .bound(plan(&RunPlan::from_run)),
      text_setting("out", "DIR")
          .in(output).control()
          .shown_default("a new results/<date>.<cpu>.<cores>c.<commit>.<time>")
          .described("results directory; refused if it exists and is not empty, unless --force")
          .bound(plan(&RunPlan::out_dir)),
      switch_setting("force")
          .in(output).control()
          .described("--out may exist: everything in it is deleted first")
          .bound(plan(&RunPlan::force)),
      [&] {
        RunSetting label = text_setting("label", "TEXT")
                               .in(output).control()
                               .described("describes the machine in the results (e.g. '2-core laptop')")
                               .bound(plan(&RunPlan::label));
        label.parse_special = [](const std::string& v, SettingValue* out) {
          *out = v;  // may be empty
          return std::string();
        };
        return label;
      }(),
      switch_setting("quiet")
          .in(output).control()
          .described("no progress output")
          .bound(plan(&RunPlan::quiet)),
      switch_setting("live")
          .in(output).control()
          .described("a live view on stdout while the runs go: per engine, throughput and p50/p99 per interval "
                     "as sparklines, the current run's histogram, context switches and floor; plain lines when "
                     "stdout is not a terminal")
          .bound(plan(&RunPlan::live)),
  };
}

}  // namespace

void RunSettings::build() {
  built_ = true;
  for (auto* group : {&what_to_run, &load_settings, &work_settings, &measure_settings, &placement_settings,
                      &workload_settings, &engine_settings,
                      &knee_and_journal_settings, &control_settings})
    for (RunSetting& s : (*group)()) settings_.push_back(std::move(s));
  for (const RunSetting& s : added_) {
    for (const RunSetting& b : settings_)
      if (b.name == s.name) throw std::logic_error("run setting '" + s.name + "' is declared twice");
    settings_.push_back(s);
  }
}

}  // namespace swlab
