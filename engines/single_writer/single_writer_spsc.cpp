// The single-writer instantiations over the spsc channel.
#include "single_writer/channels/spsc_channel.h"
#include "single_writer/single_writer_factory.h"

namespace swlab {

std::unique_ptr<Engine> make_single_writer_spsc(const EngineConfig& c, const std::string& name, uint16_t shard,
                                                std::string* error) {
  return make_single_writer_with<SpscChannel>(c, name, shard, error);
}

}  // namespace swlab
