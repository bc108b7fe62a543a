#include "budget/engine_alone.h"

#include <memory>

#include "budget/end_to_end.h"
#include "budget/round_trip_timer.h"
#include "load/load_generator.h"
#include "measure/ping_pong.h"

namespace swlab {

std::optional<Quantiles> measure_engine_alone(const std::string& spec, uint32_t markets, ClockKind clock,
                                              double seconds, const std::atomic<bool>* stop, std::string* error) {
  std::unique_ptr<Engine> engine = make_engine(spec, markets, error);
  if (!engine) return std::nullopt;
  LoadConfig one_client;
  one_client.threads = 1;
  const LoadConfig lc = placed_as_a_run(one_client, *engine);
  pin_engine_threads(*engine, lc.engine_cpus);
  Quantiles q;
  {
    const ScopedPin caller(lc.client_cpus.empty() ? std::nullopt : std::optional<int>(lc.client_cpus.front()));
    Command top;
    top.type = CommandType::kTop;
    for (int i = 0; i < 1000; ++i) (void)engine->execute(top, nullptr);  // warm: the engine's loop and lines
    q = time_round_trips(clock, seconds, stop, [&] { (void)engine->execute(top, nullptr); });
  }
  engine->shutdown();
  return q;
}

}  // namespace swlab
