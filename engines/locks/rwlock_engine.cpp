// `rwlock`: std::shared_mutex; queries take it shared, everything else exclusive.
// It can only win where queries dominate, and even then every shared acquire is
// an atomic read-modify-write on the lock's reader count: the line holding it
// bounces between the reading cores although none of them writes the state.
#include <shared_mutex>

#include "engine/engine_registry.h"
#include "locks/locked_engine.h"

namespace swlab {

void register_rwlock_engine(EngineRegistry& r) {
  r.add({"rwlock", "std::shared_mutex: queries shared, updates exclusive", {}, false,
         [](const EngineConfig& c, std::string*) -> std::unique_ptr<Engine> {
           return std::make_unique<LockedEngine<std::shared_mutex, true>>("rwlock", c.markets);
         }});
}

}  // namespace swlab
