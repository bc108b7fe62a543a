// `spinlock`: a test-and-test-and-set spinlock (engines/locks/spinlock.h) around the
// whole state. Cheapest hand-off when the holder is running on another core;
// degrades to yielding when threads outnumber cores.
#include "locks/lock_engine_info.h"
#include "locks/locked_engine.h"
#include "locks/spinlock.h"

namespace swlab {
namespace {

const EngineRegistrar registrar{lock_engine_info(
    "spinlock", "test-and-test-and-set spinlock (pause, then yield)", 30, Journals::kNo,
    [](std::string name, uint32_t markets, const PersistenceConfig& journal, uint64_t work) {
      return std::make_unique<LockedEngine<Spinlock, false>>(std::move(name), markets, journal, 0, work);
    })};

}  // namespace
}  // namespace swlab
