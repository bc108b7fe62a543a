#include "single_writer_engine.h"

#include "engine_registry.h"
#include "moodycamel_channel.h"

namespace swlab {

void register_single_writer_engine(EngineRegistry& r) {
  r.add({"single-writer",
         "one engine thread owns the state; moodycamel channel, per-request reply slot",
         [](const EngineConfig& c) {
           return std::make_unique<SingleWriterEngine<MoodycamelChannel>>(
               "single-writer", c.markets, c.capacity, c.batch);
         }});
}

}  // namespace swlab
