// The engine's round trip alone, as bm_request_reply's BM_EngineRoundTrip times it: one
// caller making blocking execute() calls of a `top` query with no reply buffers (the
// book's work is a few ns), in a loop, each call timed on the run's clock. Beside the
// end-to-end run of the same invocation it says how much of `swlab run`'s round trip
// the microbenchmark's loop does not see: the preset's commands, the reply buffers,
// the generator (issue 26, item 2).
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include "budget/latency_budget.h"
#include "load/load_config.h"

namespace swlab {

// Placed as the end-to-end run is (swlab run's default plan on this machine): the
// engine's threads on their CPUs, the caller on the first client's. nullopt and `error`
// set when the spec does not resolve or the engine cannot be made.
std::optional<Quantiles> measure_engine_alone(const std::string& spec, uint32_t markets, ClockKind clock,
                                              double seconds, const std::atomic<bool>* stop, std::string* error);

}  // namespace swlab
