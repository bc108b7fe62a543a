// `mutex`: one std::mutex around the whole state. The baseline every other engine
// is measured against, and what most people would write first.
#include <mutex>

#include "locks/lock_engine_info.h"
#include "locks/locked_engine.h"

namespace swlab {
namespace {

const EngineRegistrar registrar{lock_engine_info(
    "mutex", "one std::mutex around the whole state (journal written under the lock, synced outside it: group commit)",
    10, Journals::kYes, [](std::string name, uint32_t markets, const PersistenceConfig& journal, uint64_t work) {
      return std::make_unique<LockedEngine<std::mutex, false>>(std::move(name), markets, journal, 0, work);
    })};

}  // namespace
}  // namespace swlab
