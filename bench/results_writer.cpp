#include "results_writer.h"

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "json_writer.h"
#include "persistence/file_io.h"

namespace swlab {

namespace {

namespace fs = std::filesystem;

const char* mode_name(LoadMode m) { return m == LoadMode::kOpen ? "open" : "closed"; }

std::string fmt_rate(double r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", r);
  return buf;
}

void latency_object(JsonWriter& j, const HdrHistogram& h, bool with_spread) {
  j.begin_object();
  j.field("count", h.count());
  if (with_spread) j.field("min", h.min());
  j.field("mean", h.mean());
  if (with_spread) j.field("stddev", h.stddev());
  j.field("p50", h.value_at_percentile(50));
  j.field("p90", h.value_at_percentile(90));
  j.field("p99", h.value_at_percentile(99));
  j.field("p999", h.value_at_percentile(99.9));
  j.field("p9999", h.value_at_percentile(99.99));
  j.field("max", h.max());
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
  std::string id = r.engine + "." + r.preset + "." + mode_name(r.mode) + ".t" +
                   std::to_string(r.threads) + ".w" + std::to_string(r.window);
  if (r.mode == LoadMode::kOpen) id += ".rate" + fmt_rate(r.rate);
  return id + ".r" + std::to_string(r.repetition);
}

std::string to_json(const ResultsSet& s) {
  JsonWriter j;
  j.begin_object();
  j.field("format", "swlab-results");
  j.field("version", 1);
  j.field("created", s.created);
  j.field("command", s.command);
  j.key("machine").begin_object();
  j.field("hostname", s.machine.hostname);
  j.field("cpu_model", s.machine.cpu_model);
  j.field("logical_cpus", s.machine.logical_cpus);
  j.field("kernel", s.machine.kernel);
  j.field("compiler", s.machine.compiler);
  j.field("build_type", s.machine.build_type);
  j.field("build_flags", s.machine.build_flags);
  j.field("git_commit", s.machine.git_commit);
  j.field("label", s.machine.label);
  j.end_object();
  j.key("clock").begin_object();
  j.field("source", s.clock_source);
  j.field("overhead_ns", s.clock_overhead_ns);
  j.end_object();

  j.key("config").begin_object();
  j.key("engines").begin_array();
  for (const auto& e : s.engines) j.value(e);
  j.end_array();
  j.key("threads").begin_array();
  for (uint32_t t : s.threads) j.value(t);
  j.end_array();
  j.key("presets").begin_array();
  for (const auto& p : s.presets) j.value(p);
  j.end_array();
  j.field("mode", mode_name(s.base.mode));
  j.key("rates").begin_array();
  for (double r : s.rates) j.value(r);
  j.end_array();
  j.field("window", s.base.window);
  j.field("duration_s", s.base.duration_s);
  j.field("warmup_s", s.base.warmup_s);
  j.field("max_commands", s.base.max_commands);
  j.field("repetitions", s.repetitions);
  j.field("seed", s.base.seed);
  j.field("pin", s.base.pin);
  j.field("think_ns", s.base.think_ns);
  j.key("engine_config").begin_object();
  j.field("capacity", s.engine_config.capacity);
  j.field("batch", s.engine_config.batch);
  j.end_object();
  j.key("workload");
  workload_object(j, s.base.workload);
  j.end_object();

  j.key("runs").begin_array();
  for (const RunRecord& r : s.runs) {
    const RunResult& x = r.result;
    j.begin_object();
    j.field("id", r.id);
    j.field("engine", r.engine);
    j.field("preset", r.preset);
    j.field("threads", r.threads);
    j.field("mode", mode_name(r.mode));
    j.key("rate");
    if (r.mode == LoadMode::kOpen) {
      j.value(r.rate);
    } else {
      j.null();
    }
    j.field("window", r.window);
    j.field("repetition", r.repetition);
    j.field("oversubscribed", x.oversubscribed());
    j.field("busy_threads", x.busy_threads);
    j.key("summary").begin_object();
    j.field("duration_s", x.duration_s);
    j.field("commands", x.completed - x.shed);
    j.field("throughput", x.throughput());
    j.field("offered", x.offered);
    j.field("accepted", x.completed - x.shed);
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
    j.key("cpu").begin_object();
    j.field("user_s", x.cpu_user_s);
    j.field("system_s", x.cpu_system_s);
    j.field("engine_threads_s", x.engine_cpu_s);
    j.end_object();
    j.key("context_switches").begin_object();
    j.field("voluntary", x.ctx_voluntary);
    j.field("involuntary", x.ctx_involuntary);
    const uint64_t n = x.completed > 0 ? x.completed : 1;
    j.field("per_1000_commands",
            1000.0 * static_cast<double>(x.ctx_voluntary + x.ctx_involuntary) / static_cast<double>(n));
    j.end_object();
    j.end_object();  // summary
    j.key("by_type").begin_object();
    for (int t = 0; t < kCommandTypeCount; ++t) {
      if (x.by_type[t]->count() == 0) continue;
      j.key(to_string(static_cast<CommandType>(t)));
      latency_object(j, *x.by_type[t], false);
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
  j.end_array();

  j.key("rate_sweeps").begin_array();
  for (const RateSweep& w : s.sweeps) {
    j.begin_object();
    j.field("engine", w.engine);
    j.field("preset", w.preset);
    j.field("threads", w.threads);
    j.field("p99_bound_ns", w.p99_bound_ns);
    j.key("max_rate_under_bound");
    if (w.max_rate_under_bound >= 0) {
      j.value(w.max_rate_under_bound);
    } else {
      j.null();
    }
    j.key("steps").begin_array();
    for (const RateSweepStep& st : w.steps) {
      j.begin_object();
      j.field("rate", st.rate);
      j.field("run", st.run_id);
      j.field("p99", st.p99_ns);
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.end_array();
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
         "mean_ns,cpu_user_s,cpu_system_s,ctx_voluntary,ctx_involuntary,ctx_per_1000\n";
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
        "%lld,%.1f,%.4f,%.4f,%lld,%lld,%.3f\n",
        r.id.c_str(), r.engine.c_str(), r.preset.c_str(), r.threads, mode_name(r.mode),
        r.mode == LoadMode::kOpen ? fmt_rate(r.rate).c_str() : "", r.window, r.repetition,
        x.oversubscribed() ? "true" : "false", x.duration_s,
        static_cast<unsigned long long>(x.completed - x.shed), x.throughput(),
        static_cast<unsigned long long>(x.offered), static_cast<unsigned long long>(x.completed - x.shed),
        static_cast<unsigned long long>(x.shed), static_cast<unsigned long long>(x.ok),
        static_cast<unsigned long long>(rejected), static_cast<long long>(h.value_at_percentile(50)),
        static_cast<long long>(h.value_at_percentile(90)), static_cast<long long>(h.value_at_percentile(99)),
        static_cast<long long>(h.value_at_percentile(99.9)),
        static_cast<long long>(h.value_at_percentile(99.99)), static_cast<long long>(h.max()), h.mean(),
        x.cpu_user_s, x.cpu_system_s, static_cast<long long>(x.ctx_voluntary),
        static_cast<long long>(x.ctx_involuntary),
        1000.0 * static_cast<double>(x.ctx_voluntary + x.ctx_involuntary) / n);
    csv << line;
  }
  if (!durable_write_file((fs::path(dir) / "summary.csv").string(), csv.str(), &error)) return error;
  if (!durable_write_file((fs::path(dir) / "results.json").string(), to_json(s), &error)) return error;
  return {};
}

}  // namespace swlab
