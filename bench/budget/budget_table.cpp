#include "budget/budget_table.h"

#include <cmath>
#include <cstdio>

namespace swlab {

namespace {

std::string format(const char* fmt, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

std::string ns_or_dash(const std::optional<double>& v) { return v ? format("%9.1f", *v) : std::string("        -"); }

std::string row(const std::string& name, const std::string& transfers, double p50, double total50,
                const std::optional<double>& p999) {
  const double share = total50 != 0 ? 100.0 * p50 / total50 : 0;
  return format("  %-34s %9s %9.1f %6.1f%% %s\n", name.c_str(), transfers.c_str(), p50, share,
                ns_or_dash(p999).c_str());
}

}  // namespace

std::string explanation_header(const Explanation& e) {
  std::string s = format("clock %s (a read: %.1f ns); generator in-latency %.1f ns/command\n", e.clock.c_str(),
                         e.clock_read_ns, e.generator_in_latency_ns);
  s += format("floor (cross-core ping-pong) before: p50 %.1f ns, p99.9 %.1f ns, %s; after: p50 %.1f ns, %s\n",
              e.floor_before.round_trip.p50_ns, e.floor_before.round_trip.p999_ns.value_or(0),
              e.floor_before.placement.c_str(), e.floor_after.round_trip.p50_ns, e.floor_after.placement.c_str());
  s += format("load average %.2f %.2f %.2f\n", e.state_before.loadavg[0], e.state_before.loadavg[1],
              e.state_before.loadavg[2]);
  if (e.unstable)
    s += format(
        "WARNING: the floor moved more than %.1fx between the first probe and the last: the configurations were "
        "measured in different placements and are not compared with one another; each is whole unless marked "
        "UNSTABLE (its own two probes moved)\n",
        kFloorMovedRatio);
  return s;
}

std::string budget_table(const ConfigurationBudget& c) {
  const LatencyBudget& b = c.budget;
  std::string s = "\n" + c.canonical + "  (preset " + c.preset + ", " + c.floor_before.placement +
                  (c.unstable ? ", UNSTABLE: the floor moved during its probes" : "") + ")\n";
  s += format("  %-34s %9s %9s %7s %9s\n", "part", "transfers", "ns p50", "share", "ns p99.9");
  for (const BudgetPart& p : b.parts)
    s += row(p.name, p.transfers > 0 ? std::to_string(p.transfers) : "", p.ns.p50_ns, b.total.p50_ns, p.ns.p999_ns);
  s += row("residual (unexplained)", "", b.residual.p50_ns, b.total.p50_ns, b.residual.p999_ns);
  s += row("total (end to end, 1 client)", "", b.total.p50_ns, b.total.p50_ns, b.total.p999_ns);
  s += format("  per transfer %.1f ns (floor p50 / 2; its floor %.1f ns before, %.1f after)", b.per_transfer_ns,
              c.floor_before.round_trip.p50_ns, c.floor_after.round_trip.p50_ns);
  if (c.inputs.bare_channel) s += format("; bare channel round trip p50 %.1f ns", c.inputs.bare_channel->p50_ns);
  if (c.reply_round_trip) s += format("; reply path alone p50 %.1f ns", c.reply_round_trip->p50_ns);
  s += "\n";
  if (!c.busy_spin_spec.empty() && c.inputs.busy_spin_total)
    s += format("  wake-ups: against %s, p50 %.1f ns\n", c.busy_spin_spec.c_str(), c.inputs.busy_spin_total->p50_ns);
  if (c.engine_alone)
    s += format("  engine alone (bm_request_reply's loop: a top query, no reply buffers) p50 %.1f ns; the end-to-end "
                "run %+.1f ns, of which the generator %.1f and the preset's book work %.1f\n",
                c.engine_alone->p50_ns, b.total.p50_ns - c.engine_alone->p50_ns, c.inputs.generator_ns,
                c.inputs.book.p50_ns);
  std::string types;
  for (int t = 0; t < kCommandTypeCount; ++t)
    if (c.book.type_count[t] > 0)
      types += format(" %s %.0f", std::string(to_string(static_cast<CommandType>(t))).c_str(), c.book.type_ns[t]);
  if (!types.empty())
    s +=
        format("  book work: mean %.1f ns a command in a batch; by type (mean ns):", c.book.mix_mean_ns) + types + "\n";
  for (const std::string& n : b.notes) s += "  note: " + n + "\n";
  const double share = b.residual_share();
  if (std::fabs(share) > kResidualTarget)
    s += format("  residual %.0f%% of p50: over the %.0f%% target\n", 100 * share, 100 * kResidualTarget);
  return s;
}

}  // namespace swlab
