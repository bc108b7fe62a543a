// The load generator's own cost, measured against an engine that does nothing: what
// every latency it records contains besides the engine's work.
#pragma once

#include "load/load_config.h"

namespace swlab {

// The generator's own cost per command against an engine that does nothing, in ns: the
// cheapest of three runs sharing about `seconds` on one client thread. All of it
// (pre-generating the command in bulk, taking it, the clock read, the latency sample,
// filing the samples into the histograms, the call into the engine), and the part
// inside the latencies it measures (all but the bulk pre-generation and the filing,
// which run between a reply and the next send's clock read).
struct GeneratorCost {
  double ns_per_command = 0;
  double in_latency_ns_per_command = 0;
};
GeneratorCost measure_generator_cost(ClockKind clock, double seconds = 0.1);

}  // namespace swlab
