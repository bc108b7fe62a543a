// `rwlock`: std::shared_mutex; queries take it shared, everything else exclusive.
// It can only win where queries dominate, and even then every shared acquire is
// an atomic read-modify-write on the lock's reader count: the line holding it
// bounces between the reading cores although none of them writes the state.
#include <shared_mutex>

#include "locks/lock_engine_info.h"
#include "locks/locked_engine.h"

namespace swlab {
namespace {

const EngineRegistrar registrar{lock_engine_info(
    "rwlock", "std::shared_mutex: queries shared, updates exclusive", 20, Journals::kNo,
    [](std::string name, uint32_t markets, const PersistenceConfig& journal, uint64_t work) {
      return std::make_unique<LockedEngine<std::shared_mutex, true>>(std::move(name), markets, journal, 0, work);
    })};

}  // namespace
}  // namespace swlab
