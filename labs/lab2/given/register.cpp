// Registers the lab 2 engine as `lab2-rwlock` (given: frozen). Linked straight into
// the lab's binaries, so the registrar object is not dropped by the linker.
#include <shared_mutex>

#include "engine/engine_registry.h"
#include "rwlock_engine.h"

namespace swlab::lab2 {
namespace {

const EngineRegistrar registrar{EngineInfo{
    .name = "lab2-rwlock",
    .description = "lab 2: std::shared_mutex, queries shared, updates exclusive (your rwlock_engine.h)",
    .make = [](const EngineConfig& c, std::string*) -> std::unique_ptr<Engine> {
      return std::make_unique<RwLockEngine<std::shared_mutex>>("lab2-rwlock", c.markets);
    }}};

}  // namespace
}  // namespace swlab::lab2
