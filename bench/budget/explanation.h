// What one `swlab explain` invocation measured: the invocation's floor (first and last
// probe, its placement), and per configuration the probes and the budget composed from
// them. The table (budget_table.h) and the JSON file (budget_json.h) both read it.
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
};

struct Explanation {
  MachineInfo machine;
  MachineState state_before, state_after;
  std::string clock;  // the clock every probe and the end-to-end run used
  double clock_read_ns = 0;
  double generator_in_latency_ns = 0;
  FloorRoundTrip floor_before, floor_after;
  bool unstable = false;  // the floor moved more than kFloorMovedRatio: not compared
  bool interrupted = false;
  std::vector<ConfigurationBudget> configurations;
};

}  // namespace swlab
