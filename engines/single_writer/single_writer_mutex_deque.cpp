// The single-writer instantiations over the mutex-deque channel.
#include "single_writer/channels/mutex_deque_channel.h"
#include "single_writer/single_writer_factory.h"

namespace swlab {

std::unique_ptr<Engine> make_single_writer_mutex_deque(const EngineConfig& c, const std::string& name, uint16_t shard,
                                                std::string* error) {
  return make_single_writer_with<MutexDequeChannel>(c, name, shard, error);
}

}  // namespace swlab
