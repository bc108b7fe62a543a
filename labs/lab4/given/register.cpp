// Registers the lab 4 engine as `lab4-sharded` (given: frozen).
#include "engine/engine_registry.h"
#include "single_writer/single_writer_factory.h"
#include "lab4.h"

namespace swlab::lab4 {
namespace {

const EngineRegistrar registrar{EngineInfo{
    .name = "lab4-sharded",
    .description = "lab 4: one single-writer engine per shard of markets (market % shards), your router in front",
    .options =
        [] {
          std::vector<EngineOption> v{shards_option()};
          for (EngineOption& o : single_writer_options())
            if (o.name != "durability") v.push_back(std::move(o));
          return v;
        }(),
    .make = [](const EngineConfig& c, std::string* error) { return make_lab4_engine(c, make_shard, error); }}};

// The same router over mutex shards: what to measure yours against (the project's
// `sharded-mutex` is the same split with the project's router).
const EngineRegistrar mutex_registrar{EngineInfo{
    .name = "lab4-sharded-mutex",
    .description = "lab 4: one std::mutex per shard of markets (market % shards), your router in front",
    .options = {shards_option()},
    .make = [](const EngineConfig& c, std::string* error) { return make_lab4_engine(c, make_mutex_shard, error); }}};

}  // namespace
}  // namespace swlab::lab4
