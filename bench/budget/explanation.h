// What one `swlab explain` invocation measured: the invocation's floor (first and last
// probe, its placement), and per configuration the probes, the floor probes on either
// side of them, and the budget composed from them. The table (budget_table.h) and the
// JSON file (budget_json.h) both read it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "budget/book_work.h"
#include "budget/floor_round_trip.h"
#include "budget/latency_budget.h"
#include "measure/machine_info.h"

namespace swlab {

struct ConfigurationBudget {
  std::string spec;       // as given
  std::string canonical;  // every option with its value
  std::string preset;
  bool single_writer = false;
  std::string channel, reply, wait;  // single writer only
  BudgetInputs inputs;
  std::optional<Quantiles> reply_round_trip;  // the reply path alone (single writer)
  std::optional<Quantiles> engine_alone;      // bm_request_reply's loop: a `top` query, no buffers
  std::string busy_spin_spec;                 // the variant measured for wake-ups; empty: none
  BookWork book;
  LatencyBudget budget;
  // The floor probed just before this configuration's probes (its transfers are priced
  // from it) and just after its end-to-end run: the host can move the vCPUs between
  // placements within seconds, and a configuration whose own two probes differ by more
  // than kFloorMovedRatio had its parts measured in different placements.
  FloorRoundTrip floor_before, floor_after;
  bool unstable = false;
};

struct Explanation {
  MachineInfo machine;
  MachineState state_before, state_after;
  std::string clock;  // the clock every probe and the end-to-end run used
  double clock_read_ns = 0;
  double generator_in_latency_ns = 0;
  FloorRoundTrip floor_before, floor_after;
  // The first and the last probe differ by more than kFloorMovedRatio: the
  // configurations were measured in different placements and are not compared with one
  // another (each is still whole unless its own probes moved).
  bool unstable = false;
  bool interrupted = false;
  std::vector<ConfigurationBudget> configurations;
};

}  // namespace swlab
