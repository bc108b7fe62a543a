// The shards of lab 4 (given: frozen): the project's single-writer engine.
#include "lab4.h"
#include "single_writer/single_writer_factory.h"

namespace swlab::lab4 {

std::unique_ptr<Engine> make_shard(const EngineConfig& config, uint16_t index, std::string* error) {
  return make_single_writer(config, "single-writer", index, error);
}

}  // namespace swlab::lab4
