#include "budget/latency_budget.h"

#include <cmath>

namespace swlab {

namespace {

// Every figure is first rounded to a multiple of 1/1024 ns: such numbers (below 2^43
// ns) add and subtract exactly in a double, so the residual, computed last from the
// parts as stored, makes parts + residual equal the total exactly, in any order, not
// merely to within rounding. (A thousandth of a ns is far below any probe's noise.)
double quantise(double ns) { return std::round(ns * 1024) / 1024; }
void quantise(Quantiles& q) {
  q.p50_ns = quantise(q.p50_ns);
  if (q.p999_ns) q.p999_ns = quantise(*q.p999_ns);
}

void close_budget(LatencyBudget& b) {
  quantise(b.total);
  for (BudgetPart& p : b.parts) quantise(p.ns);
  double sum50 = 0;
  for (const BudgetPart& p : b.parts) sum50 += p.ns.p50_ns;
  b.residual.p50_ns = b.total.p50_ns - sum50;
  if (b.total.p999_ns) {
    double sum999 = 0;
    for (const BudgetPart& p : b.parts) sum999 += p.ns.p999_ns.value_or(0);
    b.residual.p999_ns = *b.total.p999_ns - sum999;
  }
}

std::optional<double> times(std::optional<double> v, double k) {
  if (!v) return std::nullopt;
  return *v * k;
}

}  // namespace

LatencyBudget compose_budget(const BudgetInputs& in) {
  LatencyBudget b;
  b.total = in.total;
  b.per_transfer_ns = in.floor.p50_ns / 2;
  const std::optional<double> per_transfer_999 = times(in.floor.p999_ns, 0.5);
  if (!in.single_writer) {
    b.parts.push_back({"floor (one cross-core round trip)", 2, in.floor});
    b.notes.push_back("not a single writer: no channel, reply path or wake-up; floor + book + generator + residual");
  } else {
    b.parts.push_back(
        {"line transfers", in.transfers, {in.transfers * b.per_transfer_ns, times(per_transfer_999, in.transfers)}});
    if (in.bare_channel) {
      const int bare_transfers = 2 * in.channel_transfers;
      Quantiles q{(in.bare_channel->p50_ns - bare_transfers * b.per_transfer_ns) / 2, std::nullopt};
      if (in.bare_channel->p999_ns && per_transfer_999)
        q.p999_ns = (*in.bare_channel->p999_ns - bare_transfers * *per_transfer_999) / 2;
      b.parts.push_back({"queue operations", 0, q});
    } else {
      b.notes.push_back("no bare round trip for this channel: its queue operations are in the residual");
    }
    if (in.bare_reply) {
      // The probe crosses as the floor does, the ping's line one way and the reply's
      // line back (2), plus whatever lines the reply path declares of its own.
      const int probe_transfers = 2 + in.reply_transfers;
      Quantiles q{in.bare_reply->p50_ns - probe_transfers * b.per_transfer_ns, std::nullopt};
      if (in.bare_reply->p999_ns && per_transfer_999)
        q.p999_ns = *in.bare_reply->p999_ns - probe_transfers * *per_transfer_999;
      b.parts.push_back({"reply operations", 0, q});
    } else {
      b.notes.push_back("no probe of the reply path alone: its own work is in the residual");
    }
  }
  b.parts.push_back({"book work", 0, in.book});
  b.parts.push_back({"generator", 0, {in.generator_ns, std::nullopt}});
  if (in.single_writer && in.busy_spin_total) {
    Quantiles q{in.total.p50_ns - in.busy_spin_total->p50_ns, std::nullopt};
    if (in.total.p999_ns && in.busy_spin_total->p999_ns) q.p999_ns = *in.total.p999_ns - *in.busy_spin_total->p999_ns;
    b.parts.push_back({"wake-ups", 0, q});
    if (q.p50_ns < 0)
      b.notes.push_back(
          "wake-ups negative: the busy-spin variant was slower, as when the machine has no core "
          "to spare for a spinning engine thread (load average above the CPUs)");
  }
  b.notes.push_back(
      "p99.9: the generator's cost is a mean and a wake-up's tail is the difference of two tails; "
      "the rest of the tail (scheduling, interrupts, the host) is in the residual");
  close_budget(b);
  return b;
}

}  // namespace swlab
