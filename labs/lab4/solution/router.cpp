// Lab 4 reference solution (instructors only: labs/make_handout.sh leaves solution/
// out). The project's own ShardedEngine (engines/sharded/sharded_engine.h) over single-writer
// shards: what the built-in `sharded-single-writer` is.
#include <lab_reference_guard.h>  // the reference: a student build stops here (labs/common/rules/)
#include "lab4.h"
#include "sharded/sharded_engine.h"

namespace swlab::lab4 {

uint32_t shard_count(const EngineConfig& c) {
  if (c.shards > 0) return c.shards;
  return c.markets < 4 ? c.markets : 4;
}

std::unique_ptr<Engine> make_lab4_engine(const EngineConfig& c, ShardFactory make, std::string* error) {
  const uint32_t n = shard_count(c);
  std::vector<std::unique_ptr<Engine>> shards;
  for (uint32_t i = 0; i < n; ++i) {
    auto s = make(c, static_cast<uint16_t>(i), error);
    if (!s) return nullptr;
    shards.push_back(std::move(s));
  }
  const char* name = make == make_mutex_shard ? "lab4-sharded-mutex" : "lab4-sharded";
  return std::make_unique<ShardedEngine>(name, c.markets, std::move(shards));
}

}  // namespace swlab::lab4
