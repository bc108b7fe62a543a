// `mutex`: one std::mutex around the whole state. The baseline every other engine
// is measured against, and what most people would write first.
#include <mutex>

#include "engine/engine_registry.h"
#include "locks/locked_engine.h"

namespace swlab {
namespace {

const EngineRegistrar registrar{EngineInfo{
    .name = "mutex",
    .description = "one std::mutex around the whole state (journal written under the lock, synced outside it: group commit)",
    .rank = 10,
    .options = {durability_option()},
    .journals = true,
    .command_work = true,
    .make = [](const EngineConfig& c, std::string* error) -> std::unique_ptr<Engine> {
      auto e = std::make_unique<LockedEngine<std::mutex, false>>("mutex", c.markets, c.persistence(), 0,
                                                                 c.work_iterations);
      if (std::string f = e->failure(); !f.empty()) {
        if (error) *error = f;
        return nullptr;
      }
      return e;
    },
}};

}  // namespace
}  // namespace swlab
