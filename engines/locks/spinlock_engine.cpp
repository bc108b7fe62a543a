// `spinlock`: a test-and-test-and-set spinlock (engines/locks/spinlock.h) around the
// whole state. Cheapest hand-off when the holder is running on another core;
// degrades to yielding when threads outnumber cores.
#include "engine/engine_registry.h"
#include "locks/locked_engine.h"
#include "locks/spinlock.h"

namespace swlab {
namespace {

const EngineRegistrar registrar{EngineInfo{
    .name = "spinlock",
    .description = "test-and-test-and-set spinlock (pause, then yield)",
    .rank = 30,
    .command_work = true,
    .make = [](const EngineConfig& c, std::string*) -> std::unique_ptr<Engine> {
      return std::make_unique<LockedEngine<Spinlock, false>>("spinlock", c.markets, PersistenceConfig{}, 0,
                                                             c.work_iterations);
    },
}};

}  // namespace
}  // namespace swlab
