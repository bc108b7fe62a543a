#include "budget/budget_json.h"

#include <cmath>
#include <cstdio>

#include "persistence/file_io.h"
#include "run/json_writer.h"

namespace swlab {

namespace {

// Every digit (%.17g reads back as the same double): the budget's figures are
// multiples of 1/1024 ns, so a reader that adds the parts and the residual gets the
// total exactly, which six significant digits would lose.
void exact(JsonWriter& j, std::string_view key, const std::optional<double>& v) {
  j.key(key);
  if (!v || !std::isfinite(*v)) {
    j.null();
    return;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", *v);
  j.raw_json(buf);
}

void quantiles(JsonWriter& j, std::string_view key, const Quantiles& q) {
  j.key(key).begin_object();
  exact(j, "p50_ns", q.p50_ns);
  exact(j, "p999_ns", q.p999_ns);
  j.end_object();
}

void floor_object(JsonWriter& j, std::string_view key, const FloorRoundTrip& f) {
  j.key(key).begin_object();
  quantiles(j, "round_trip", f.round_trip);
  j.field("pinned", f.pinned).field("placement", f.placement);
  j.end_object();
}

void configuration(JsonWriter& j, const ConfigurationBudget& c) {
  const LatencyBudget& b = c.budget;
  j.begin_object();
  j.field("spec", c.spec).field("canonical", c.canonical).field("preset", c.preset);
  j.field("single_writer", c.single_writer);
  if (c.single_writer) j.field("channel", c.channel).field("reply", c.reply).field("wait", c.wait);
  j.field("transfers", c.inputs.transfers).field("per_transfer_ns", b.per_transfer_ns);
  floor_object(j, "floor_before", c.floor_before);
  floor_object(j, "floor_after", c.floor_after);
  j.field("placement", c.floor_before.placement).field("unstable", c.unstable);
  if (c.inputs.bare_channel) quantiles(j, "bare_channel_round_trip", *c.inputs.bare_channel);
  if (c.reply_round_trip) quantiles(j, "reply_round_trip", *c.reply_round_trip);
  if (c.engine_alone) quantiles(j, "engine_alone", *c.engine_alone);
  if (!c.busy_spin_spec.empty() && c.inputs.busy_spin_total) {
    j.field("busy_spin_spec", c.busy_spin_spec);
    quantiles(j, "busy_spin_total", *c.inputs.busy_spin_total);
  }
  j.field("book_mix_mean_ns", c.book.mix_mean_ns);
  quantiles(j, "book_per_command", c.book.per_command);
  j.key("book_by_type_ns").begin_object();
  for (int t = 0; t < kCommandTypeCount; ++t)
    if (c.book.type_count[t] > 0) j.field(to_string(static_cast<CommandType>(t)), c.book.type_ns[t]);
  j.end_object();
  j.key("parts").begin_array();
  for (const BudgetPart& p : b.parts) {
    j.begin_object().field("name", p.name).field("transfers", p.transfers);
    exact(j, "p50_ns", p.ns.p50_ns);
    exact(j, "p999_ns", p.ns.p999_ns);
    j.end_object();
  }
  j.end_array();
  quantiles(j, "residual", b.residual);
  quantiles(j, "total", b.total);
  j.field("residual_share_of_p50", b.residual_share());
  j.key("notes").begin_array();
  for (const std::string& n : b.notes) j.value(n);
  j.end_array();
  j.end_object();
}

}  // namespace

std::string budget_json(const Explanation& e) {
  JsonWriter j;
  j.begin_object();
  j.field("budget_version", kBudgetVersion);
  j.field("time", e.state_before.time).field("commit", e.machine.git_commit).field("git_dirty", e.machine.git_dirty);
  j.field("cpu", e.machine.cpu_model).field("logical_cpus", e.machine.logical_cpus);
  j.key("loadavg").begin_array();
  for (double l : e.state_before.loadavg) j.value(l);
  j.end_array();
  j.field("clock", e.clock).field("clock_read_ns", e.clock_read_ns);
  j.field("generator_in_latency_ns_per_command", e.generator_in_latency_ns);
  floor_object(j, "floor_before", e.floor_before);
  floor_object(j, "floor_after", e.floor_after);
  j.field("placement", e.floor_before.placement);
  j.field("unstable", e.unstable).field("interrupted", e.interrupted);
  j.field("residual_target_share", kResidualTarget);
  j.key("configurations").begin_array();
  for (const ConfigurationBudget& c : e.configurations) configuration(j, c);
  j.end_array();
  j.end_object();
  return j.str() + "\n";
}

std::string write_budget_json(const Explanation& e, const std::string& path) {
  if (is_symlink(path)) return symlink_refusal(path);
  std::string error;
  if (!durable_write_file(path, budget_json(e), &error)) return error;
  return {};
}

}  // namespace swlab
