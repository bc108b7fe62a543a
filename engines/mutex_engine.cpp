// `mutex`: one std::mutex around the whole state. The baseline every other engine
// is measured against, and what most people would write first.
#include <mutex>

#include "engine_registry.h"
#include "locked_engine.h"

namespace swlab {

void register_mutex_engine(EngineRegistry& r) {
  r.add({"mutex", "one std::mutex around the whole state", {},
         [](const EngineConfig& c, std::string*) -> std::unique_ptr<Engine> {
           return std::make_unique<LockedEngine<std::mutex, false>>("mutex", c.markets);
         }});
}

}  // namespace swlab
