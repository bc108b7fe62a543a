// `mutex`: one std::mutex around the whole state. The baseline every other engine
// is measured against, and what most people would write first.
#include <mutex>

#include "engine/engine_registry.h"
#include "locks/locked_engine.h"

namespace swlab {

void register_mutex_engine(EngineRegistry& r) {
  r.add({"mutex", "one std::mutex around the whole state (journal written under the lock)", {}, true,
         [](const EngineConfig& c, std::string* error) -> std::unique_ptr<Engine> {
           auto e = std::make_unique<LockedEngine<std::mutex, false>>("mutex", c.markets, c.persistence());
           if (std::string f = e->failure(); !f.empty()) {
             if (error) *error = f;
             return nullptr;
           }
           return e;
         }});
}

}  // namespace swlab
