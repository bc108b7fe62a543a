// `single-writer`: the registration, the spec options, and the dispatch from a
// spec's names to the template instantiation that implements it.
#include <array>
#include <utility>

#include "engine/engine_registry.h"
#include "single_writer/single_writer_factory.h"
#include "single_writer/single_writer_family.h"

namespace swlab {

namespace {

using Family = SingleWriterFamily<Channels, ReplyPaths, WaitStrategies>;
static_assert(Family::kCombinations <= SWLAB_SW_MAX_COMBINATIONS,
              "more single-writer combinations than the generated units instantiate: raise "
              "SWLAB_SW_MAX_COMBINATIONS in CMakeLists.txt");

std::vector<std::string> summaries(const std::vector<PolicyDescription>& v) {
  std::vector<std::string> out;
  for (const auto& d : v) out.push_back(d.summary);
  return out;
}

}  // namespace

std::unique_ptr<Engine> make_single_writer(const EngineConfig& c, const std::string& name, uint16_t shard,
                                           std::string* error) {
  std::size_t index = 0;
  if (!Family::index_of(c, &index, error)) return nullptr;
  // Only declared here: each entry is defined in one generated unit.
  static constexpr auto table = []<std::size_t... Is>(std::index_sequence<Is...>) {
    return std::array{&make_single_writer_combination<Is>...};
  }(std::make_index_sequence<Family::kCombinations>{});
  return table[index](name, c, shard, error);
}

const std::vector<std::string>& single_writer_channels() {
  static const std::vector<std::string> v = names_of(Family::channels());
  return v;
}
const std::vector<std::string>& single_writer_replies() {
  static const std::vector<std::string> v = names_of(Family::replies());
  return v;
}
const std::vector<std::string>& single_writer_waits() {
  static const std::vector<std::string> v = names_of(Family::waits());
  return v;
}

std::vector<EngineOption> single_writer_options() {
  EngineOption channel = choice_option("channel", "how requests reach the engine thread", &EngineConfig::channel,
                                       names_of(Family::channels()), summaries(Family::channels()));
  for (const PolicyDescription& d : unbuilt_channels()) channel.unbuilt.emplace_back(d.name, d.summary);
  return {
      std::move(channel),
      choice_option("reply", "how a reply reaches its caller", &EngineConfig::reply, names_of(Family::replies()),
                    summaries(Family::replies())),
      choice_option("wait", "what the idle engine thread does", &EngineConfig::wait, names_of(Family::waits()),
                    summaries(Family::waits())),
      overload_option(),
      capacity_option(),
      batch_option(),
      durability_option(),
  };
}

namespace {

const EngineRegistrar registrar{EngineInfo{
    .name = "single-writer",
    .description = "one engine thread owns the state; bounded channel, per-request reply slot",
    .rank = 40,
    .options = single_writer_options(),
    .journals = true,
    .command_work = true,
    .make = [](const EngineConfig& c, std::string* error) { return make_single_writer(c, "single-writer", 0, error); },
}};

}  // namespace

}  // namespace swlab
