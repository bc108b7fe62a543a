// The single-writer instantiations over the moodycamel-blocking channel.
#include "single_writer/channels/moodycamel_blocking_channel.h"
#include "single_writer/single_writer_factory.h"

namespace swlab {

std::unique_ptr<Engine> make_single_writer_moodycamel_blocking(const EngineConfig& c, const std::string& name, uint16_t shard,
                                                std::string* error) {
  return make_single_writer_with<MoodycamelBlockingChannel>(c, name, shard, error);
}

}  // namespace swlab
