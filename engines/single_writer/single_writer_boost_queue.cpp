// The single-writer instantiations over the boost-queue channel.
#include "single_writer/channels/boost_queue_channel.h"
#include "single_writer/single_writer_factory.h"

namespace swlab {

std::unique_ptr<Engine> make_single_writer_boost_queue(const EngineConfig& c, const std::string& name, uint16_t shard,
                                                std::string* error) {
  return make_single_writer_with<BoostQueueChannel>(c, name, shard, error);
}

}  // namespace swlab
