// The shards of lab 4 (given: frozen): the project's single-writer engine, and one
// std::mutex around one exchange for the lock-based counterpart.
#include <mutex>

#include "lab4.h"
#include "locks/locked_engine.h"
#include "single_writer/single_writer_factory.h"

namespace swlab::lab4 {

std::unique_ptr<Engine> make_shard(const EngineConfig& config, uint16_t index, std::string* error) {
  return make_single_writer(config, "single-writer", index, error);
}

std::unique_ptr<Engine> make_mutex_shard(const EngineConfig& config, uint16_t index, std::string*) {
  return std::make_unique<LockedEngine<std::mutex, false>>("mutex", config.markets, PersistenceConfig{}, index);
}

}  // namespace swlab::lab4
