// Registers the lab 4 engine as `lab4-sharded` (given: frozen).
#include "engine/engine_registry.h"
#include "lab4.h"

namespace swlab::lab4 {
namespace {

const EngineRegistrar registrar{EngineInfo{
    "lab4-sharded",
    "lab 4: one single-writer engine per shard of markets (market % shards), your router in front",
    {"shards", "channel", "reply", "wait", "overload", "capacity", "batch"},
    false,
    [](const EngineConfig& c, std::string* error) { return make_lab4_engine(c, error); }}};

}  // namespace
}  // namespace swlab::lab4
