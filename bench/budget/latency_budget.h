// A single round trip as a sum of named parts and the residual (issue 26, `swlab
// explain`). Every part is a measurement of this invocation; the residual is what the
// measured end-to-end round trip has that no named part accounts for, so the parts and
// the residual sum to the total by construction, and the residual is always reported,
// signed (negative: the parts, measured alone, cost more than the whole does: e.g. a
// probe that paid a cost the engine amortises).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace swlab {

// A latency at the two quantiles a budget is drawn for. p999 is absent for a part
// that has no tail: a mean (the generator's cost).
struct Quantiles {
  double p50_ns = 0;
  std::optional<double> p999_ns;
};

struct BudgetPart {
  std::string name;
  int transfers = 0;  // cache-line transfers the part stands for (0: not a transfer)
  Quantiles ns;
};

// What a budget is made from: the measurements of one configuration.
struct BudgetInputs {
  bool single_writer = true;
  int transfers = 0;                         // round_trip_line_transfers of its policies (2: the floor)
  int channel_transfers = 0;                 // the channel's own kLineTransfers
  int reply_transfers = 0;                   // the reply path's own kLineTransfers
  Quantiles floor;                           // the cross-core ping-pong: two transfers
  std::optional<Quantiles> bare_channel;     // a round trip over two channels of its kind
  std::optional<Quantiles> bare_reply;       // the reply path alone: a ping, then complete() and wait()
  Quantiles book;                            // the preset's commands, one at a time, one thread
  double generator_ns = 0;                   // the generator's in-latency cost per command
  std::optional<Quantiles> busy_spin_total;  // the same spec with wait=busy-spin
  Quantiles total;                           // the end-to-end round trip, 1 client
};

struct LatencyBudget {
  std::vector<BudgetPart> parts;  // the named parts, without the residual
  Quantiles total;
  Quantiles residual;              // total - sum(parts), at each quantile the total has
  double per_transfer_ns = 0;      // floor p50 / 2
  std::vector<std::string> notes;  // what the budget assumed or could not measure
  double residual_share() const { return total.p50_ns != 0 ? residual.p50_ns / total.p50_ns : 0; }
};

// Composes the budget. Single writer: transfers x per-transfer cost, queue operations
// (the bare channel's round trip less its own transfers, halved: it makes two
// hand-offs, the engine's round trip one), reply operations (the reply path alone less
// its transfers: the ping's line, the reply's line and the path's own kLineTransfers;
// future's promise and the sleep in its wait are here), book work, generator, wake-ups (the spec's
// total less the busy-spin variant's, when measured), residual. Other engines: floor,
// book work, generator, residual (a lock engine has no channel).
LatencyBudget compose_budget(const BudgetInputs& in);

// The target: |residual| within this share of p50.
inline constexpr double kResidualTarget = 0.10;

}  // namespace swlab
