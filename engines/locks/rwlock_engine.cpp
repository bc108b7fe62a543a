// `rwlock`: std::shared_mutex; queries take it shared, everything else exclusive.
// It can only win where queries dominate, and even then every shared acquire is
// an atomic read-modify-write on the lock's reader count: the line holding it
// bounces between the reading cores although none of them writes the state.
#include <shared_mutex>

#include "engine/engine_registry.h"
#include "locks/locked_engine.h"

namespace swlab {
namespace {

const EngineRegistrar registrar{EngineInfo{
    .name = "rwlock",
    .description = "std::shared_mutex: queries shared, updates exclusive",
    .rank = 20,
    .command_work = true,
    .make = [](const EngineConfig& c, std::string*) -> std::unique_ptr<Engine> {
      return std::make_unique<LockedEngine<std::shared_mutex, true>>("rwlock", c.markets, PersistenceConfig{}, 0,
                                                                     c.work_iterations);
    },
}};

}  // namespace
}  // namespace swlab
