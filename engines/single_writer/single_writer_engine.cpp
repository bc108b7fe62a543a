#include "engine/engine_registry.h"
#include "single_writer/single_writer_factory.h"

namespace swlab {

std::unique_ptr<Engine> make_single_writer(const EngineConfig& c, const std::string& name, uint16_t shard,
                                           std::string* error) {
  if (c.channel == "boost-queue" && (c.overload == OverloadPolicy::kPriority ? 2 * c.capacity : c.capacity) > 65534) {
    if (error) *error = "boost-queue holds at most 65534 requests: lower the capacity";
    return nullptr;
  }
  if (c.channel == "moodycamel") return make_single_writer_moodycamel(c, name, shard, error);
  if (c.channel == "moodycamel-blocking") return make_single_writer_moodycamel_blocking(c, name, shard, error);
  if (c.channel == "boost-queue") return make_single_writer_boost_queue(c, name, shard, error);
  if (c.channel == "spsc") return make_single_writer_spsc(c, name, shard, error);
  if (c.channel == "mutex-deque") return make_single_writer_mutex_deque(c, name, shard, error);
  if (error) *error = "unknown channel '" + c.channel + "'";
  return nullptr;
}

void register_single_writer_engine(EngineRegistry& r) {
  r.add({"single-writer",
         "one engine thread owns the state; bounded channel, per-request reply slot",
         {"channel", "reply", "wait", "overload", "capacity", "batch", "durability"},
         true,
         [](const EngineConfig& c, std::string* error) { return make_single_writer(c, "single-writer", 0, error); }});
}

}  // namespace swlab
