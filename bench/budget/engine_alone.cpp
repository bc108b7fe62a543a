#include "budget/engine_alone.h"

#include <pthread.h>
#include <sched.h>

#include <memory>
#include <vector>

#include "budget/round_trip_timer.h"
#include "engine/engine_registry.h"
#include "run/run_plan.h"
#include "run/thread_placement.h"

namespace swlab {

namespace {

void pin(pthread_t thread, int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(thread, sizeof set, &set);
}

// The caller's CPU mask for the probe's length; given back so that the pinning does not
// leak into the end-to-end run that follows.
class CallerPinning {
 public:
  explicit CallerPinning(const std::vector<int>& cpus) {
    CPU_ZERO(&saved_);
    saved_ok_ = pthread_getaffinity_np(pthread_self(), sizeof saved_, &saved_) == 0;
    if (saved_ok_ && !cpus.empty()) pin(pthread_self(), cpus.front());
  }
  CallerPinning(const CallerPinning&) = delete;
  CallerPinning& operator=(const CallerPinning&) = delete;
  ~CallerPinning() {
    if (saved_ok_) pthread_setaffinity_np(pthread_self(), sizeof saved_, &saved_);
  }

 private:
  cpu_set_t saved_;
  bool saved_ok_ = false;
};

}  // namespace

std::optional<Quantiles> measure_engine_alone(const std::string& spec, uint32_t markets, ClockKind clock,
                                              double seconds, const std::atomic<bool>* stop, std::string* error) {
  EngineConfig ec;
  ec.markets = markets;
  ResolvedSpec resolved;
  if (!EngineRegistry::instance().resolve(spec, ec, &resolved, error)) return std::nullopt;
  std::unique_ptr<Engine> engine = EngineRegistry::instance().create(resolved, error);
  if (!engine) return std::nullopt;
  LoadConfig lc;
  lc.threads = 1;
  Topology topology;
  std::string why;
  if (load_topology("", &topology, &why))
    lc = pinned_load(lc, plan_threads(RunPlan{}, topology, engine->worker_threads(), 1));
  const std::vector<pthread_t> workers = engine->worker_handles();
  for (std::size_t j = 0; j < workers.size() && !lc.engine_cpus.empty(); ++j)
    pin(workers[j], lc.engine_cpus[j % lc.engine_cpus.size()]);
  Quantiles q;
  {
    const CallerPinning caller(lc.client_cpus);
    Command top;
    top.type = CommandType::kTop;
    for (int i = 0; i < 1000; ++i) (void)engine->execute(top, nullptr);  // warm: the engine's loop and lines
    q = time_round_trips(clock, seconds, stop, [&] { (void)engine->execute(top, nullptr); });
  }
  engine->shutdown();
  return q;
}

}  // namespace swlab
