#include "run/results_writer.h"

#include <filesystem>
#include <sstream>

#include "engine/completion.h"
#include "locks/spinlock.h"
#include "persistence/file_io.h"
#include "platform/spin_budget.h"
#include "run/json_writer.h"
#include "run/run_fields.h"
#include "run/run_setting.h"
#include "single_writer/wait/wait_blocking.h"
#include "single_writer/wait/wait_busy_spin.h"
#include "single_writer/wait/wait_spin_yield.h"

namespace swlab {

namespace {

namespace fs = std::filesystem;

// The topology the runs were planned against (measure/topology.h): the counts, and
// every CPU with its core, L3 domain, NUMA node and package, one CPU a line.
void topology_object(JsonWriter& j, const Topology& t) {
  j.begin_object();
  j.field("source", t.source);
  j.field("spec", t.spec);
  j.field("hwloc", t.hwloc_version);
  j.field("packages", t.packages);
  j.field("numa_nodes", t.numa_nodes);
  j.field("l3_domains", t.l3_domains);
  j.field("l3_from_caches", t.l3_from_caches);
  j.field("cores", t.cores);
  j.field("cpus", t.pus());
  j.key("cpu_list").begin_array();
  for (const TopologyCpu& c : t.cpus)
    j.raw_json("{\"cpu\": " + std::to_string(c.cpu) + ", \"core\": " + std::to_string(c.core) + ", \"l3\": " +
               std::to_string(c.l3) + ", \"node\": " + std::to_string(c.node) + ", \"package\": " +
               std::to_string(c.package) + "}");
  j.end_array();
  j.end_object();
}

void machine_object(JsonWriter& j, const MachineInfo& m, const Topology& t) {
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
  j.field_or_null("smt", m.smt >= 0, m.smt == 1);
  j.key("topology");
  topology_object(j, t);
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

// The invocation: every recorded setting as it was given (run_setting.h).
void config_object(JsonWriter& j, const RunPlan& plan) {
  j.begin_object();
  for (const RunSetting& s : RunSettings::instance().all())
    if (s.scope != SettingScope::kControl && s.binding.plan_value)
      j.key(s.key()).raw_json(to_json(s.binding.plan_value(plan)));
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
  j.field("command", s.plan.command_line);
  j.field("interrupted", s.interrupted);
  j.key("machine");
  machine_object(j, s.machine, s.topology);
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
  j.key("placement_rule").begin_object();
  j.field("method", PlacementRule::kMethod);
  j.field("modes", s.placement.modes);
  j.field_or_null("near_max_ns", s.placement.near_max_ns >= 0, s.placement.near_max_ns);
  j.field_or_null("far_min_ns", s.placement.far_min_ns >= 0, s.placement.far_min_ns);
  j.end_object();
  j.key("config");
  config_object(j, s.plan);
  j.key("calibration");
  calibration_object(j, s);
  j.key("runs").begin_array();
  for (const RunRecord& r : s.runs) write_run_object(j, r);
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
    if (r.failed) continue;
    std::ostringstream h;
    r.result.latency.write_hgrm(h, 1000.0);
    if (!durable_write_file((fs::path(dir) / "hgrm" / (r.id + ".hgrm")).string(), h.str(), &error)) return error;
    if (r.load.mode == LoadMode::kOpen) {
      std::ostringstream u;
      r.result.uncorrected.write_hgrm(u, 1000.0);
      if (!durable_write_file((fs::path(dir) / "hgrm" / (r.id + ".uncorrected.hgrm")).string(), u.str(), &error))
        return error;
    }
  }
  std::string csv = csv_header();
  for (const RunRecord& r : s.runs) csv += csv_row(r);
  if (!durable_write_file((fs::path(dir) / "summary.csv").string(), csv, &error)) return error;
  if (!durable_write_file((fs::path(dir) / "results.json").string(), to_json(s), &error)) return error;
  return {};
}

}  // namespace swlab
