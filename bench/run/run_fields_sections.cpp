// The fields of a run after its identity (run_fields.h): the objects that describe
// how it ran (the engine's configuration, the workload, the floor, the hardware
// counters, the time series, the histograms) and the summary's figures.
#include <algorithm>

#include "engine/engine_registry.h"
#include "run/run_fields.h"
#include "run/run_field_tables.h"

namespace swlab {

namespace {

using namespace run_field_tables;  // NOLINT: the declaration starters of every table


void engine_config_object(JsonWriter& j, const RunRecord& r) {
  j.begin_object();
  j.field("spec", r.spec.canonical());
  for (const SpecSetting& s : r.spec.settings()) {
    if (s.count) {
      j.key(s.key).raw_json(s.value);
    } else {
      j.field(s.key, s.value);
    }
  }
  j.end_object();
}

void workload_object(JsonWriter& j, const RunRecord& r) {
  const WorkloadSpec& w = r.load.workload;
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

void floor_sample(JsonWriter& j, const FloorSample& f) {
  j.begin_object();
  j.field("p50_ns", f.p50_ns);
  j.field("p99_ns", f.p99_ns);
  j.field("round_trips", f.round_trips);
  j.field("yields_per_round_trip", f.yields_per_round_trip);
  j.field("pinned", f.pinned);
  // The pair the run's plan chose (measure/placement_plan.h): its first client's CPU
  // and its engine thread's; null when the probe was not pinned.
  if (f.cpu_a >= 0 && f.cpu_b >= 0) {
    j.key("cpus").raw_json("[" + std::to_string(f.cpu_a) + ", " + std::to_string(f.cpu_b) + "]");
  } else {
    j.key("cpus").null();
  }
  j.field("cost_s", f.cost_s);
  j.end_object();
}

void floor_object(JsonWriter& j, const RunRecord& r) {
  if (!r.floor_measured) {
    j.null();
    return;
  }
  j.begin_object();
  j.key("before");
  floor_sample(j, r.floor_before);
  j.key("after");
  floor_sample(j, r.floor_after);
  j.field("placement", r.placement);
  j.end_object();
}

// Open loop: the generator could not hold its schedule for reasons of its own (it was
// behind: the median send was later than one of its own interarrival times, or more
// than 1% of the schedule went unsent), while the window was not what held it back
// (at most half of the late sends had waited for a free slot: those are the engine's
// doing). Such a run measured the generator, not the engine (docs/methodology.md,
// "Open loop the generator can hold").
bool generator_bound(const RunRecord& r) {
  const RunResult& x = r.result;
  if (r.load.mode != LoadMode::kOpen || r.load.rate <= 0 || x.send_lateness.count() == 0) return false;
  const double interarrival_ns = static_cast<double>(r.load.threads) * 1e9 / r.load.rate;
  const bool behind = static_cast<double>(x.send_lateness.value_at_percentile(50)) > interarrival_ns ||
                      x.unsent * 100 > x.offered + x.unsent;
  const bool window_limited = x.window_stalled_sends * 2 > x.offered;
  return behind && !window_limited;
}

// From the engine's creation to its shutdown, every thread of the run: per command is
// over every command sent, warm-up included (bench/measure/hardware_counters.h).
void hardware_counters_object(JsonWriter& j, const RunRecord& r) {
  const HardwareCounts& c = r.counters;
  const uint64_t commands = r.result.total_replies;
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

void time_series_object(JsonWriter& j, const RunRecord& r) {
  const RunResult& x = r.result;
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

template <class Histogram>
void percentiles(JsonWriter& j, const Histogram& h) {
  j.field("p50", h.value_at_percentile(50));
  j.field("p90", h.value_at_percentile(90));
  j.field("p99", h.value_at_percentile(99));
  j.field("p999", h.value_at_percentile(99.9));
  j.field("p9999", h.value_at_percentile(99.99));
  j.field("max", h.max());
}

void by_type_object(JsonWriter& j, const RunRecord& r) {
  j.begin_object();
  for (int t = 0; t < kCommandTypeCount; ++t) {
    const IntervalHistogram& h = r.result.by_type[t];
    if (h.count() == 0) continue;
    j.key(to_string(static_cast<CommandType>(t))).begin_object();
    j.field("count", h.count());
    j.field("mean", h.mean());
    percentiles(j, h);
    j.end_object();
  }
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
  j.key("buckets").raw_json(buckets + "]");
  j.end_object();
}

void latency_object(JsonWriter& j, const HdrHistogram& h) {
  j.begin_object();
  j.field("count", h.count());
  j.field("min", h.min());
  j.field("mean", h.mean());
  j.field("stddev", h.stddev());
  percentiles(j, h);
  j.end_object();
}

bool open_loop(const RunRecord& r) { return r.load.mode == LoadMode::kOpen; }

}  // namespace

void section_fields(std::vector<RunField>& out) {
  out.push_back(section("engine_config", FieldType::kObject, false,
                       "the engine's resolved configuration: the canonical spec, and every option typed",
                       engine_config_object));
  out.push_back(scalar("command_work.iterations_per_ns", "", FieldType::kNumber, "1/ns",
                      "the calibration that turned --work-ns and --parallel-work-ns into iterations",
                      [](const RunRecord& r) { return FieldValue(r.load.work_iterations_per_ns); }));
  out.push_back(scalar("command_work.work_iterations", "", FieldType::kInt, "",
                      "spin iterations the engine does per state-changing command",
                      [](const RunRecord& r) { return count(r.spec.config.work_iterations); }));
  out.push_back(scalar("command_work.parallel_work_iterations", "", FieldType::kInt, "",
                      "spin iterations the client does before each state-changing command",
                      [](const RunRecord& r) { return count(r.load.parallel_work_iterations); }));
  out.push_back(section("workload", FieldType::kObject, false, "the preset with the overrides applied", workload_object));
  out.push_back(section("floor", FieldType::kObject, true,
                       "the cross-core ping-pong before and after the run, with the CPUs it ran on (null: --probe 0)",
                       floor_object));
  out.push_back(scalar("", "floor_placement", FieldType::kText, "", "near, far or unknown (run/placement.h)",
                      [](const RunRecord& r) { return FieldValue(r.placement); }));
  out.push_back(scalar("", "floor_before_p50_ns", FieldType::kInt, "ns", "the floor's p50 before the run",
                      [](const RunRecord& r) { return r.floor_measured ? FieldValue(r.floor_before.p50_ns) : FieldValue(); }));
  out.push_back(scalar("", "floor_after_p50_ns", FieldType::kInt, "ns", "the floor's p50 after the run",
                      [](const RunRecord& r) { return r.floor_measured ? FieldValue(r.floor_after.p50_ns) : FieldValue(); }));
  out.push_back(scalar("unstable_floor", "unstable_floor", FieldType::kBool, "",
                      "the floor moved by more than 1.5x between before and after",
                      [](const RunRecord& r) { return FieldValue(r.unstable_floor()); }));
  out.push_back(scalar("oversubscribed", "oversubscribed", FieldType::kBool, "",
                      "more busy threads than logical CPUs",
                      [](const RunRecord& r) { return FieldValue(r.result.oversubscribed()); }));
  out.push_back(scalar("busy_threads", "busy_threads", FieldType::kInt, "",
                      "clients (service mode: workers) and engine threads",
                      [](const RunRecord& r) { return count(r.result.busy_threads); }));
  out.push_back(scalar("interrupted", "interrupted", FieldType::kBool, "",
                      "a signal ended it early: its duration is the time it ran",
                      [](const RunRecord& r) { return FieldValue(r.result.interrupted); }));
  out.push_back(scalar("failed", "failed", FieldType::kBool, "",
                      "it did not finish (error says why): its figures are not results",
                      [](const RunRecord& r) { return FieldValue(r.failed); }));
  RunField error = scalar("error", "error", FieldType::kText, "", "why it failed",
                         [](const RunRecord& r) { return r.failed ? FieldValue(r.error) : FieldValue(); });
  error.nullable = true;
  out.push_back(std::move(error));
}

namespace {

// The summary's fields are declared through this: a path under summary, a CSV column,
// the type, unit and help, how to read it, and the CSV's format.
struct SummaryAdder {
  std::vector<RunField>& out;
  void operator()(std::string key, std::string csv, FieldType type, std::string unit, std::string help,
                  std::function<FieldValue(const RunRecord&)> value, std::string format = "%.6g") const {
    RunField f = scalar("summary." + key, std::move(csv), type, std::move(unit), std::move(help), std::move(value));
    f.csv_format = std::move(format);
    out.push_back(std::move(f));
  }
};

// What was served: the duration, the counts, the rejections.
void summary_counts(std::vector<RunField>& out) {
  const SummaryAdder add{out};
  add("duration_s", "duration_s", FieldType::kNumber, "s", "the measured part, to the last measured reply",
      [](const RunRecord& r) { return FieldValue(r.result.duration_s); }, "%.6f");
  add("commands", "commands", FieldType::kInt, "", "served commands (shed excluded)",
      [](const RunRecord& r) { return count(r.result.served()); });
  add("throughput", "throughput", FieldType::kNumber, "commands/s", "served commands per second",
      [](const RunRecord& r) { return FieldValue(r.result.throughput()); }, "%.1f");
  add("offered", "offered", FieldType::kInt, "", "commands sent in the measured part",
      [](const RunRecord& r) { return count(r.result.offered); });
  add("unsent", "unsent", FieldType::kInt, "", "open loop: due in the measured part and never sent",
      [](const RunRecord& r) { return count(r.result.unsent); });
  add("accepted", "accepted", FieldType::kInt, "", "served commands (as commands)",
      [](const RunRecord& r) { return count(r.result.served()); });
  add("shed", "shed", FieldType::kInt, "", "refused with reason overloaded",
      [](const RunRecord& r) { return count(r.result.shed); });
  add("ok", "ok", FieldType::kInt, "", "replies with status ok",
      [](const RunRecord& r) { return count(r.result.ok); });
  out.push_back(section("summary.rejected", FieldType::kObject, false, "rejections by reason (shed included)",
                       [](JsonWriter& j, const RunRecord& r) {
                         j.begin_object();
                         for (int i = 0; i < kRejectReasonCount; ++i)
                           if (r.result.rejected[i] > 0) j.field(to_string(static_cast<RejectReason>(i)), r.result.rejected[i]);
                         j.end_object();
                       }));
  add("", "rejected", FieldType::kInt, "", "rejections over all reasons", [](const RunRecord& r) {
    uint64_t n = 0;
    for (uint64_t v : r.result.rejected) n += v;
    return count(n);
  });
  out.back().path.clear();
}

// The latency of served commands: the run's histogram's figures, and the open loop's
// uncorrected ones.
void summary_latency(std::vector<RunField>& out) {
  const SummaryAdder add{out};
  auto latency = [&](std::string key, std::string csv, FieldType type, std::string help, auto get,
                     std::string format = "%.6g") {
    add("latency_ns." + key, csv, type, key == "count" ? "" : "ns", std::move(help),
        [get](const RunRecord& r) { return get(r.result.latency); }, std::move(format));
  };
  latency("count", "", FieldType::kInt, "latencies recorded", [](const HdrHistogram& h) { return count(h.count()); });
  latency("min", "", FieldType::kInt, "fastest", [](const HdrHistogram& h) { return FieldValue(h.min()); });
  latency("mean", "mean_ns", FieldType::kNumber, "mean", [](const HdrHistogram& h) { return FieldValue(h.mean()); }, "%.1f");
  latency("stddev", "", FieldType::kNumber, "standard deviation",
          [](const HdrHistogram& h) { return FieldValue(h.stddev()); });
  for (const auto& [key, pct] : {std::pair{"p50", 50.0}, {"p90", 90.0}, {"p99", 99.0}, {"p999", 99.9}, {"p9999", 99.99}}) {
    const double p = pct;
    latency(key, std::string(key) + "_ns", FieldType::kInt, std::string(key) + " (HdrHistogram's rank)",
            [p](const HdrHistogram& h) { return FieldValue(h.value_at_percentile(p)); });
  }
  latency("max", "max_ns", FieldType::kInt, "slowest, exact", [](const HdrHistogram& h) { return FieldValue(h.max()); });
  out.push_back(section("summary.latency_uncorrected_ns", FieldType::kObject, true,
                       "open loop: latency from the actual send time (null in other modes)",
                       [](JsonWriter& j, const RunRecord& r) {
                         if (open_loop(r)) {
                           latency_object(j, r.result.uncorrected);
                         } else {
                           j.null();
                         }
                       }));
  out.push_back(section("summary.connection_replies", FieldType::kObject, true,
                       "service mode: measured replies of the least and the most served connection",
                       [](JsonWriter& j, const RunRecord& r) {
                         if (r.load.mode != LoadMode::kService) {
                           j.null();
                           return;
                         }
                         j.begin_object();
                         j.field("min", r.result.connection_min_replies);
                         j.field("max", r.result.connection_max_replies);
                         j.end_object();
                       }));
  add("tail_stability", "tail_stability", FieldType::kNumber, "",
      "p99 of the per-interval p99s over their median (null: too few intervals)", [](const RunRecord& r) {
        const double s = r.result.tail_stability();
        return s > 0 ? FieldValue(s) : FieldValue();
      });
  out.back().nullable = true;
}

// Whether the run can be trusted as a measurement: its intervals, steadiness, and in
// open loop how late the generator sent.
void summary_state(std::vector<RunField>& out) {
  const SummaryAdder add{out};
  add("intervals", "intervals", FieldType::kInt, "", "complete time-series intervals in the measured part",
      [](const RunRecord& r) { return count(r.result.complete_intervals()); });
  add("steady", "steady", FieldType::kBool, "",
      "the last third of the intervals within 1.25x of the first in p50 and commands (null: under 30 intervals)",
      [](const RunRecord& r) { return r.result.steady() < 0 ? FieldValue() : FieldValue(r.result.steady() == 1); });
  out.back().nullable = true;
  out.push_back(section("summary.send_lateness_ns", FieldType::kObject, true,
                       "open loop: how late the measured sends went against their due times (p50, p99, max)",
                       [](JsonWriter& j, const RunRecord& r) {
                         if (!open_loop(r)) {
                           j.null();
                           return;
                         }
                         const HdrHistogram& h = r.result.send_lateness;
                         j.begin_object();
                         j.field("p50", h.value_at_percentile(50));
                         j.field("p99", h.value_at_percentile(99));
                         j.field("max", h.max());
                         j.end_object();
                       }));
  add("window_stalled_sends", "", FieldType::kInt, "", "open loop: late sends that had waited for a free slot",
      [](const RunRecord& r) { return open_loop(r) ? count(r.result.window_stalled_sends) : FieldValue(); });
  out.back().nullable = true;
  add("generator_bound", "generator_bound", FieldType::kBool, "",
      "open loop: the generator could not hold its schedule (null in other modes)",
      [](const RunRecord& r) { return open_loop(r) ? FieldValue(generator_bound(r)) : FieldValue(); });
  out.back().nullable = true;
}

// What the run cost: CPU time and context switches.
void summary_cost(std::vector<RunField>& out) {
  const SummaryAdder add{out};
  add("cpu.user_s", "cpu_user_s", FieldType::kNumber, "s", "whole process, user time, measured part",
      [](const RunRecord& r) { return FieldValue(r.result.cpu_user_s); }, "%.4f");
  add("cpu.system_s", "cpu_system_s", FieldType::kNumber, "s", "whole process, system time, measured part",
      [](const RunRecord& r) { return FieldValue(r.result.cpu_system_s); }, "%.4f");
  add("cpu.engine_threads_s", "", FieldType::kNumber, "s", "the engine's own threads, measured part",
      [](const RunRecord& r) { return FieldValue(r.result.engine_cpu_s); });
  add("cpu.ns_per_command", "cpu_ns_per_command", FieldType::kNumber, "ns", "process CPU time per served command",
      [](const RunRecord& r) { return FieldValue(r.result.cpu_ns_per_command()); }, "%.1f");
  add("context_switches.voluntary", "ctx_voluntary", FieldType::kInt, "", "whole process, measured part",
      [](const RunRecord& r) { return FieldValue(r.result.ctx_voluntary); });
  add("context_switches.involuntary", "ctx_involuntary", FieldType::kInt, "", "whole process, measured part",
      [](const RunRecord& r) { return FieldValue(r.result.ctx_involuntary); });
  add("context_switches.per_1000_commands", "ctx_per_1000", FieldType::kNumber, "", "both kinds, per 1,000 replies",
      [](const RunRecord& r) {
        const double n = static_cast<double>(std::max<uint64_t>(r.result.completed, 1));
        return FieldValue(1000.0 * static_cast<double>(r.result.ctx_voluntary + r.result.ctx_involuntary) / n);
      }, "%.3f");
}

// The run's detail: hardware counters, the time series, per type, the histograms.
void run_detail(std::vector<RunField>& out) {
  out.push_back(section("hardware_counters", FieldType::kObject, false,
                       "cycles, instructions and cache misses per command where the machine exposes them",
                       hardware_counters_object));
  out.push_back(section("time_series", FieldType::kObject, false, "per interval of the measured part",
                       time_series_object));
  out.push_back(section("by_type", FieldType::kObject, false, "latency per command type (within 1.6%)", by_type_object));
  out.push_back(section("histogram", FieldType::kObject, false, "the full latency histogram (HdrHistogram buckets)",
                       [](JsonWriter& j, const RunRecord& r) { histogram_object(j, r.result.latency); }));
  out.push_back(section("histogram_uncorrected", FieldType::kObject, true, "open loop: from the actual send time",
                       [](JsonWriter& j, const RunRecord& r) {
                         if (open_loop(r)) {
                           histogram_object(j, r.result.uncorrected);
                         } else {
                           j.null();
                         }
                       }));
}

}  // namespace

void summary_fields(std::vector<RunField>& out) {
  summary_counts(out);
  summary_latency(out);
  summary_state(out);
  summary_cost(out);
  run_detail(out);
}

}  // namespace swlab
