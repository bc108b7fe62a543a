// Lab 4's model checker (frozen): your route gate, compiled against Relacy's memory
// model (tests/model/relacy_memory_model.h) and run by callers and a shutdown: over
// every interleaving with up to 3 preemptions (and every store each load may read),
// or, for the three-thread check, 20000 seeded random executions. labs/grade.sh runs
// it first; a failure prints the interleaving that broke it, in your lines. Run it:
//   build/release/labs/lab4_model_starter [--check 'lab4.*']
#include "model/model_check.h"

#include "route_gate.h"

namespace swlab::lab4 {
namespace {

using MM = model::RelacyMemoryModel;

// A shard as the model sees it: `alive` is written when shutdown stops it (the
// shard's state going away), read by every caller that hands a request to it.
struct ModelShard {
  model::Var<int> alive{1};
};

// One caller routes a request while shutdown closes the gate and stops the shard.
struct OneCallerCheck : rl::test_suite<OneCallerCheck, 2> {
  RouteGate<MM> gate;
  ModelShard shard;

  void thread(unsigned index) {
    if (index == 0) {
      gate.route([&] { MODEL_ASSERT(shard.alive.read() == 1, "a request was handed to a stopped shard"); });
    } else {
      gate.close();
      shard.alive.write(0);  // the shard stops: nobody may be inside it now
    }
  }
};

const model::Registrar one_caller{{"lab4.one_caller",
                                   "a caller racing with shutdown is refused, or hands its request over before "
                                   "the shard stops; shutdown is woken when it leaves",
                                   {"caller", "shutdown"}, model::run<OneCallerCheck>, 3}};

// Two callers and shutdown: each caller is let through or refused, never inside when
// the shard stops, and the last one out wakes shutdown.
struct TwoCallersCheck : rl::test_suite<TwoCallersCheck, 3> {
  RouteGate<MM> gate;
  ModelShard shard;

  void thread(unsigned index) {
    if (index < 2) {
      gate.route([&] { MODEL_ASSERT(shard.alive.read() == 1, "a request was handed to a stopped shard"); });
    } else {
      gate.close();
      shard.alive.write(0);
    }
  }
};

const model::Registrar two_callers{{"lab4.two_callers",
                                    "two callers and shutdown: every request handed over before the shard stops, "
                                    "and shutdown woken by the last caller out",
                                    {"caller-1", "caller-2", "shutdown"}, model::run<TwoCallersCheck>, 0, 20000}};

}  // namespace
}  // namespace swlab::lab4
