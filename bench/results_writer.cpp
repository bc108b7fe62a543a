#include "results_writer.h"

#include <cstdio>
#include <filesystem>
#include <sstream>

#include <algorithm>

#include "json_writer.h"
#include "persistence/file_io.h"
#include "engine/completion.h"
#include "locks/spinlock.h"
#include "platform/spin_budget.h"
#include "single_writer/wait/wait_blocking.h"
#include "single_writer/wait/wait_busy_spin.h"
#include "single_writer/wait/wait_spin_yield.h"

namespace swlab {

namespace {

namespace fs = std::filesystem;

const char* mode_name(LoadMode m) { return to_string(m); }

std::string fmt_rate(double r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", r);
  return buf;
}

// The percentiles and the maximum of a latency histogram (either kind).
template <class Histogram>
void percentile_fields(JsonWriter& j, const Histogram& h) {
  j.field("p50", h.value_at_percentile(50));
  j.field("p90", h.value_at_percentile(90));
  j.field("p99", h.value_at_percentile(99));
  j.field("p999", h.value_at_percentile(99.9));
  j.field("p9999", h.value_at_percentile(99.99));
  j.field("max", h.max());
}

void latency_object(JsonWriter& j, const HdrHistogram& h, bool with_spread) {
  j.begin_object();
  j.field("count", h.count());
  if (with_spread) j.field("min", h.min());
  j.field("mean", h.mean());
  if (with_spread) j.field("stddev", h.stddev());
  percentile_fields(j, h);
  j.end_object();
}

// A command type's latencies (within 1.6%: bench/interval_histogram.h).
void type_latency_object(JsonWriter& j, const IntervalHistogram& h) {
  j.begin_object();
  j.field("count", h.count());
  j.field("mean", h.mean());
  percentile_fields(j, h);
  j.end_object();
}

void histogram_object(JsonWriter& j, const HdrHistogram& h) {
  j.begin_object();
  j.field("unit", "ns");
  j.field("significant_digits", 3);
  std::string buckets = "[";
  bool first = true;
  h.for_each_bucket([&](int64_t v, int64_t c) {
    if (!first) buckets += ",";
    first = false;
    buckets += "[" + std::to_string(v) + "," + std::to_string(c) + "]";
  });
  buckets += "]";
  j.key("buckets").raw_json(buckets);
  j.end_object();
}

void workload_object(JsonWriter& j, const WorkloadSpec& w) {
  j.begin_object();
  j.field("preset", w.preset);
  j.field("markets", w.markets);
  j.field("zipf", w.zipf);
  j.field("single_market", w.single_market);
  j.field("accounts", w.accounts);
  j.field("deposit_cash", w.deposit_cash);
  j.field("deposit_qty", w.deposit_qty);
  j.field("mid", w.mid);
  j.field("drift", w.drift);
  j.field("drift_period", w.drift_period);
  j.field("spread", w.spread);
  j.field("cross_pct", w.cross_pct);
  j.field("max_qty", w.max_qty);
  j.key("mix").begin_object();
  j.field("place", w.mix.place);
  j.field("ioc", w.mix.ioc);
  j.field("cancel", w.mix.cancel);
  j.field("reduce", w.mix.reduce);
  j.field("query", w.mix.query);
  j.end_object();
  j.end_object();
}

}  // namespace

std::string run_id(const RunRecord& r) {
  std::string id = r.engine + "." + r.preset + "." + mode_name(r.mode) + ".t" + std::to_string(r.threads) + ".w" +
                   std::to_string(r.window);
  if (r.mode == LoadMode::kOpen) id += ".rate" + fmt_rate(r.rate);
  if (r.mode == LoadMode::kService) id += ".c" + std::to_string(r.load.connections);
  return id + ".r" + std::to_string(r.repetition);
}

bool RunRecord::unstable_floor() const {
  if (!floor_measured || floor_before.p50_ns <= 0 || floor_after.p50_ns <= 0) return false;
  const double a = static_cast<double>(floor_before.p50_ns), b = static_cast<double>(floor_after.p50_ns);
  return std::max(a, b) / std::min(a, b) > kUnstableFloorRatio;
}

namespace {

void int_list(JsonWriter& j, const std::vector<int>& v) {
  if (v.empty()) {
    j.null();
    return;
  }
  j.begin_array();
  for (int x : v) j.value(x);
  j.end_array();
}

void machine_object(JsonWriter& j, const MachineInfo& m) {
  j.begin_object();
  j.field("hostname", m.hostname);
  j.field("cpu_model", m.cpu_model);
  j.field("logical_cpus", m.logical_cpus);
  j.field("kernel", m.kernel);
  j.field("compiler", m.compiler);
  j.field("build_type", m.build_type);
  j.field("build_flags", m.build_flags);
  j.field("git_commit", m.git_commit);
  j.field("git_dirty", m.git_dirty);
  j.field("label", m.label);
  j.end_object();
}

void state_object(JsonWriter& j, const MachineState& s) {
  j.begin_object();
  j.field("time", s.time);
  j.array_field("loadavg", s.loadavg);
  j.field("cpu_ticks", s.total_ticks);
  j.field("steal_ticks", s.steal_ticks);
  j.end_object();
}

void floor_object(JsonWriter& j, const FloorSample& f) {
  j.begin_object();
  j.field("p50_ns", f.p50_ns);
  j.field("p99_ns", f.p99_ns);
  j.field("round_trips", f.round_trips);
  j.field("yields_per_round_trip", f.yields_per_round_trip);
  j.field("pinned", f.pinned);
  j.field("cost_s", f.cost_s);
  j.end_object();
}

void engine_config_object(JsonWriter& j, const ResolvedSpec& spec) {
  j.begin_object();
  j.field("spec", spec.canonical());
  for (const auto& [k, v] : spec.settings()) j.field(k, v);
  j.end_object();
}

void work_object(JsonWriter& j, const LoadConfig& c) {
  j.begin_object();
  j.field("kind", c.fixed_work() ? "commands" : "duration");
  if (c.fixed_work()) {
    j.field("commands", c.max_commands);
    j.field("warmup_commands", c.warmup_commands);
  } else {
    j.field("duration_s", c.duration_s);
    j.field("warmup_s", c.warmup_s);
  }
  j.end_object();
}

// The command work of a run (engine/command_work.h): what was asked, in ns, and the
// iterations the calibration turned it into.
void command_work_object(JsonWriter& j, const LoadConfig& c, uint64_t engine_iterations) {
  j.begin_object();
  j.field("work_ns", c.work_ns);
  j.field("parallel_work_ns", c.parallel_work_ns);
  j.field("iterations_per_ns", c.work_iterations_per_ns);
  j.field("work_iterations", engine_iterations);
  j.field("parallel_work_iterations", c.parallel_work_iterations);
  j.end_object();
}

void time_series_object(JsonWriter& j, const RunResult& x) {
  j.begin_object();
  j.field("interval_s", static_cast<double>(x.interval_ns) * 1e-9);
  j.key("columns").begin_array();
  for (const char* c : {"start_s", "commands", "p50_ns", "p99_ns", "p999_ns", "max_ns", "context_switches"}) j.value(c);
  j.end_array();
  std::string rows = "[";
  for (std::size_t i = 0; i < x.series.size(); ++i) {
    const IntervalStats& s = x.series[i];
    char line[160];
    std::snprintf(line, sizeof line, "%s[%.3f,%llu,%lld,%lld,%lld,%lld,%lld]", i ? "," : "", s.start_s,
                  static_cast<unsigned long long>(s.commands), static_cast<long long>(s.p50_ns),
                  static_cast<long long>(s.p99_ns), static_cast<long long>(s.p999_ns), static_cast<long long>(s.max_ns),
                  static_cast<long long>(s.context_switches));
    rows += line;
  }
  j.key("rows").raw_json(rows + "]");
  j.end_object();
}

void summary_object(JsonWriter& j, const RunRecord& r) {
  const RunResult& x = r.result;
  j.begin_object();
  j.field("duration_s", x.duration_s);
  j.field("commands", x.served());
  j.field("throughput", x.throughput());
  j.field("offered", x.offered);
  j.field("unsent", x.unsent);
  j.field("accepted", x.served());
  j.field("shed", x.shed);
  j.field("ok", x.ok);
  j.key("rejected").begin_object();
  for (int i = 0; i < kRejectReasonCount; ++i)
    if (x.rejected[i] > 0) j.field(to_string(static_cast<RejectReason>(i)), x.rejected[i]);
  j.end_object();
  j.key("latency_ns");
  latency_object(j, x.latency, true);
  j.key("latency_uncorrected_ns");
  if (r.mode == LoadMode::kOpen) {
    latency_object(j, x.uncorrected, true);
  } else {
    j.null();
  }
  j.key("connection_replies");
  if (r.mode == LoadMode::kService) {
    j.begin_object();
    j.field("min", x.connection_min_replies);
    j.field("max", x.connection_max_replies);
    j.end_object();
  } else {
    j.null();
  }
  const double tail_stability = x.tail_stability();
  j.field_or_null("tail_stability", tail_stability > 0, tail_stability);
  j.key("cpu").begin_object();
  j.field("user_s", x.cpu_user_s);
  j.field("system_s", x.cpu_system_s);
  j.field("engine_threads_s", x.engine_cpu_s);
  j.field("ns_per_command", x.cpu_ns_per_command());
  j.end_object();
  j.key("context_switches").begin_object();
  j.field("voluntary", x.ctx_voluntary);
  j.field("involuntary", x.ctx_involuntary);
  const uint64_t n = x.completed > 0 ? x.completed : 1;
  j.field("per_1000_commands",
          1000.0 * static_cast<double>(x.ctx_voluntary + x.ctx_involuntary) / static_cast<double>(n));
  j.end_object();
  j.end_object();
}

// From the engine's creation to its shutdown, every thread of the run: per command is
// over every command sent, warm-up included (bench/hardware_counters.h).
void hardware_counters_object(JsonWriter& j, const HardwareCounts& c, uint64_t commands) {
  j.begin_object();
  j.field("exposed", c.exposed);
  if (!c.exposed) {
    j.field("why", c.why);
    j.end_object();
    return;
  }
  const double n = static_cast<double>(commands > 0 ? commands : 1);
  j.field("kernel_counted", !c.user_only);
  j.field("running_share", c.running_share);
  j.field("commands", commands);
  j.field("cycles", c.cycles);
  j.field("instructions", c.instructions);
  j.field("cache_misses", c.cache_misses);
  j.field("cycles_per_command", static_cast<double>(c.cycles) / n);
  j.field("instructions_per_command", static_cast<double>(c.instructions) / n);
  j.field("cache_misses_per_command", static_cast<double>(c.cache_misses) / n);
  j.end_object();
}

void run_object(JsonWriter& j, const RunRecord& r) {
  const RunResult& x = r.result;
  j.begin_object();
  j.field("id", r.id);
  j.field("engine", r.engine);
  j.field("preset", r.preset);
  j.field("threads", r.threads);
  j.field("mode", mode_name(r.mode));
  j.field_or_null("rate", r.mode == LoadMode::kOpen, r.rate);
  j.field("window", r.window);
  j.field_or_null("connections", r.mode == LoadMode::kService, r.load.connections);
  j.field_or_null("workers", r.mode == LoadMode::kService, r.threads);
  j.field("repetition", r.repetition);
  j.field("order", static_cast<uint64_t>(r.order));
  j.key("engine_config");
  engine_config_object(j, r.spec);
  j.key("command_work");
  command_work_object(j, r.load, r.spec.config.work_iterations);
  j.key("work");
  work_object(j, r.load);
  j.field("seed", r.load.seed);
  j.field("think_ns", r.load.think_ns);
  j.field("clock", r.load.clock == ClockKind::kTsc ? "tsc" : "steady_clock");
  j.key("cpus").begin_object();
  j.key("clients");
  int_list(j, r.load.client_cpus);
  j.key("engine");
  int_list(j, r.load.engine_cpus);
  j.end_object();
  j.key("workload");
  workload_object(j, r.workload);
  j.key("floor");
  if (r.floor_measured) {
    j.begin_object();
    j.key("before");
    floor_object(j, r.floor_before);
    j.key("after");
    floor_object(j, r.floor_after);
    j.end_object();
  } else {
    j.null();
  }
  j.field("unstable_floor", r.unstable_floor());
  j.field("oversubscribed", x.oversubscribed());
  j.field("busy_threads", x.busy_threads);
  j.field("interrupted", x.interrupted);
  j.key("summary");
  summary_object(j, r);
  j.key("hardware_counters");
  hardware_counters_object(j, r.counters, x.total_replies);
  j.key("time_series");
  time_series_object(j, x);
  j.key("by_type").begin_object();
  for (int t = 0; t < kCommandTypeCount; ++t) {
    if (x.by_type[t].count() == 0) continue;
    j.key(to_string(static_cast<CommandType>(t)));
    type_latency_object(j, x.by_type[t]);
  }
  j.end_object();
  j.key("histogram");
  histogram_object(j, x.latency);
  j.key("histogram_uncorrected");
  if (r.mode == LoadMode::kOpen) {
    histogram_object(j, x.uncorrected);
  } else {
    j.null();
  }
  j.end_object();
}

void config_object(JsonWriter& j, const ResultsSet& s) {
  j.begin_object();
  j.array_field("engines", s.engines);
  j.array_field("threads", s.threads);
  j.array_field("presets", s.presets);
  j.field("mode", mode_name(s.base.mode));
  j.array_field("rates", s.rates);
  j.field("window", s.base.window);
  j.field_or_null("connections", s.base.mode == LoadMode::kService, s.base.connections);
  j.key("command_work");
  command_work_object(j, s.base, s.engine_config.work_iterations);
  j.key("work");
  work_object(j, s.base);
  j.field("duration_s", s.base.duration_s);
  j.field("warmup_s", s.base.warmup_s);
  j.field("max_commands", s.base.max_commands);
  j.field("repetitions", s.repetitions);
  j.field("order", s.order);
  j.field("order_seed", s.order_seed);
  j.field("seed", s.base.seed);
  j.field("pin", !s.base.client_cpus.empty());
  j.field("think_ns", s.base.think_ns);
  j.field("interval_s", static_cast<double>(s.base.interval_ns) * 1e-9);
  j.key("workload");
  workload_object(j, s.base.workload);
  j.end_object();
}

void rate_sweeps_array(JsonWriter& j, const std::vector<RateSweep>& sweeps) {
  j.begin_array();
  for (const RateSweep& w : sweeps) {
    j.begin_object();
    j.field("engine", w.engine);
    j.field("preset", w.preset);
    j.field("threads", w.threads);
    j.field("p99_bound_ns", w.p99_bound_ns);
    j.field_or_null("max_rate_under_bound", w.max_rate_under_bound >= 0, w.max_rate_under_bound);
    j.key("steps").begin_array();
    for (const RateSweepStep& st : w.steps) {
      j.begin_object();
      j.field("rate", st.rate);
      j.field("run", st.run_ids.empty() ? std::string() : st.run_ids.front());
      j.array_field("runs", st.run_ids);
      j.field("p99", st.p99_ns);
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.end_array();
}

void calibration_object(JsonWriter& j, const ResultsSet& s) {
  if (s.calibration_target_s <= 0) {
    j.null();
    return;
  }
  j.begin_object();
  j.field("target_s", s.calibration_target_s);
  j.key("points").begin_array();
  for (const CalibrationPoint& c : s.calibration) {
    j.begin_object();
    j.field("preset", c.preset);
    j.field("threads", c.threads);
    j.field("engine", c.engine);
    j.field("throughput", c.throughput);
    j.field("commands", c.commands);
    j.end_object();
  }
  j.end_array();
  j.end_object();
}

// The spin budgets every wait in the engines uses, in ns, and the measured cost of
// one PAUSE that turns them into counts (engines/platform/spin_budget.h).
void spin_object(JsonWriter& j) {
  j.begin_object();
  j.field("pause_ns", pause_ns());
  j.key("budgets_ns").begin_object();
  j.field("blocking_wait_spin", BlockingWait::kSpinNs);
  j.field("spin_yield_wait_spin", SpinYieldWait::kSpinNs);
  j.field("busy_spin_wait_yield_every", BusySpinWait::kYieldEveryNs);
  j.field("reply_spin_before_sleep", Completion::kSpinNs);
  j.field("spinlock_spin", Spinlock::kSpinNs);
  j.end_object();
  j.end_object();
}

}  // namespace

std::string to_json(const ResultsSet& s) {
  JsonWriter j;
  j.begin_object();
  j.field("format", "swlab-results");
  j.field("version", kResultsVersion);
  j.field("created", s.created);
  j.field("command", s.command);
  j.field("interrupted", s.interrupted);
  j.key("machine");
  machine_object(j, s.machine);
  j.key("machine_state").begin_object();
  j.key("start");
  state_object(j, s.state_start);
  j.key("end");
  state_object(j, s.state_end);
  const double steal = steal_fraction(s.state_start, s.state_end);
  j.field_or_null("steal_fraction", steal >= 0, steal);
  j.end_object();
  j.key("clock").begin_object();
  j.field("source", s.clock_source);
  j.field("overhead_ns", s.clock_overhead_ns);
  j.end_object();
  j.key("generator").begin_object();
  j.field("ns_per_command", s.generator.ns_per_command);
  j.field("in_latency_ns_per_command", s.generator.in_latency_ns_per_command);
  j.end_object();
  j.key("spin");
  spin_object(j);
  j.key("config");
  config_object(j, s);
  j.key("calibration");
  calibration_object(j, s);
  j.key("runs").begin_array();
  for (const RunRecord& r : s.runs) run_object(j, r);
  j.end_array();
  j.key("rate_sweeps");
  rate_sweeps_array(j, s.sweeps);
  j.end_object();
  return j.str() + "\n";
}

std::string write_results(const ResultsSet& s, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "hgrm", ec);
  if (ec) return "cannot create " + dir + ": " + ec.message();
  std::string error;
  // A stale results.json from an earlier run in the same directory must not sit
  // beside new, different files looking complete.
  fs::remove(fs::path(dir) / "results.json", ec);

  for (const RunRecord& r : s.runs) {
    std::ostringstream h;
    r.result.latency.write_hgrm(h, 1000.0);
    if (!durable_write_file((fs::path(dir) / "hgrm" / (r.id + ".hgrm")).string(), h.str(), &error)) return error;
    if (r.mode == LoadMode::kOpen) {
      std::ostringstream u;
      r.result.uncorrected.write_hgrm(u, 1000.0);
      if (!durable_write_file((fs::path(dir) / "hgrm" / (r.id + ".uncorrected.hgrm")).string(), u.str(), &error))
        return error;
    }
  }

  std::ostringstream csv;
  csv << "id,engine,preset,threads,mode,rate,window,repetition,oversubscribed,duration_s,commands,"
         "throughput,offered,accepted,shed,ok,rejected,p50_ns,p90_ns,p99_ns,p999_ns,p9999_ns,max_ns,"
         "mean_ns,cpu_user_s,cpu_system_s,ctx_voluntary,ctx_involuntary,ctx_per_1000,"
         "order,unsent,floor_before_p50_ns,floor_after_p50_ns,unstable_floor,tail_stability,cpu_ns_per_command,"
         "connections,work_ns,parallel_work_ns\n";
  for (const RunRecord& r : s.runs) {
    const RunResult& x = r.result;
    uint64_t rejected = 0;
    for (uint64_t v : x.rejected) rejected += v;
    const HdrHistogram& h = x.latency;
    const double n = static_cast<double>(x.completed > 0 ? x.completed : 1);
    char line[1024];
    std::snprintf(
        line, sizeof line,
        "%s,%s,%s,%u,%s,%s,%u,%u,%s,%.6f,%llu,%.1f,%llu,%llu,%llu,%llu,%llu,%lld,%lld,%lld,%lld,%lld,"
        "%lld,%.1f,%.4f,%.4f,%lld,%lld,%.3f",
        r.id.c_str(), r.engine.c_str(), r.preset.c_str(), r.threads, mode_name(r.mode),
        r.mode == LoadMode::kOpen ? fmt_rate(r.rate).c_str() : "", r.window, r.repetition,
        x.oversubscribed() ? "true" : "false", x.duration_s,
        static_cast<unsigned long long>(x.served()), x.throughput(),
        static_cast<unsigned long long>(x.offered), static_cast<unsigned long long>(x.served()),
        static_cast<unsigned long long>(x.shed), static_cast<unsigned long long>(x.ok),
        static_cast<unsigned long long>(rejected), static_cast<long long>(h.value_at_percentile(50)),
        static_cast<long long>(h.value_at_percentile(90)), static_cast<long long>(h.value_at_percentile(99)),
        static_cast<long long>(h.value_at_percentile(99.9)),
        static_cast<long long>(h.value_at_percentile(99.99)), static_cast<long long>(h.max()), h.mean(),
        x.cpu_user_s, x.cpu_system_s, static_cast<long long>(x.ctx_voluntary),
        static_cast<long long>(x.ctx_involuntary),
        1000.0 * static_cast<double>(x.ctx_voluntary + x.ctx_involuntary) / n);
    csv << line;
    const double stability = x.tail_stability();
    std::snprintf(line, sizeof line, ",%zu,%llu,%s,%s,%s,%s,%.1f,%s,%llu,%llu\n", r.order,
                  static_cast<unsigned long long>(x.unsent),
                  r.floor_measured ? std::to_string(r.floor_before.p50_ns).c_str() : "",
                  r.floor_measured ? std::to_string(r.floor_after.p50_ns).c_str() : "",
                  r.unstable_floor() ? "true" : "false",
                  stability > 0 ? std::to_string(stability).c_str() : "", x.cpu_ns_per_command(),
                  r.mode == LoadMode::kService ? std::to_string(r.load.connections).c_str() : "",
                  static_cast<unsigned long long>(r.load.work_ns),
                  static_cast<unsigned long long>(r.load.parallel_work_ns));
    csv << line;
  }
  if (!durable_write_file((fs::path(dir) / "summary.csv").string(), csv.str(), &error)) return error;
  if (!durable_write_file((fs::path(dir) / "results.json").string(), to_json(s), &error)) return error;
  return {};
}

}  // namespace swlab
