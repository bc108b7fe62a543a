// Registers the lab 2 engine as `lab2-rwlock` (std::shared_mutex) and, with your
// writer-preferring lock, as `lab2-rwlock-wp` (given: frozen). Linked straight into
// the lab's binaries, so the registrar objects are not dropped by the linker.
#include <shared_mutex>

#include "engine/engine_registry.h"
#include "platform/memory_model.h"
#include "rwlock_engine.h"
#include "writer_preferring_lock.h"

namespace swlab::lab2 {
namespace {

const EngineRegistrar registrar{EngineInfo{
    .name = "lab2-rwlock",
    .description = "lab 2: std::shared_mutex, queries shared, updates exclusive (your rwlock_engine.h)",
    .make = [](const EngineConfig& c, std::string*) -> std::unique_ptr<Engine> {
      return std::make_unique<RwLockEngine<std::shared_mutex>>("lab2-rwlock", c.markets);
    }}};

const EngineRegistrar writer_preferring{EngineInfo{
    .name = "lab2-rwlock-wp",
    .description = "lab 2: your writer-preferring lock (writer_preferring_lock.h) in your engine",
    .make = [](const EngineConfig& c, std::string*) -> std::unique_ptr<Engine> {
      return std::make_unique<RwLockEngine<WriterPreferringLock<StdMemoryModel>>>("lab2-rwlock-wp", c.markets);
    }}};

}  // namespace
}  // namespace swlab::lab2
