// Adding a channel is one header plus one list entry (docs/architecture.md). This
// file is the proof: vector_channel.h is the header, the `append` below is the
// entry, and from them alone the channel gets its name in the spec option, its
// dispatch, and an engine that every engine suite of this binary runs against
// (it registers below as `single-writer-test-vector`).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "engine/engine_registry.h"
#include "vector_channel.h"
#include "single_writer/single_writer_factory.h"
#include "single_writer/single_writer_family.h"

namespace swlab::test {
namespace {

using ExtendedChannels = Channels::append<VectorChannel>;  // the one list entry
using Extended = SingleWriterFamily<ExtendedChannels, ReplyPaths, WaitStrategies>;

// Builds only the new channel's combinations here (the project's own are built
// in the generated units): combination index = channel * replies * waits + ...
std::unique_ptr<Engine> make_vector_channel_engine(const EngineConfig& config, std::string* error) {
  EngineConfig c = config;
  c.channel = VectorChannel<Handoff>::kName;
  std::size_t index = 0;
  if (!Extended::index_of(c, &index, error)) return nullptr;
  constexpr std::size_t kPer = ReplyPaths::size * WaitStrategies::size;
  constexpr std::size_t kFirst = (ExtendedChannels::size - 1) * kPer;
  static constexpr auto table = []<std::size_t... Is>(std::index_sequence<Is...>) {
    return std::array{&Extended::make<kFirst + Is>...};
  }(std::make_index_sequence<kPer>{});
  return table[index - kFirst]("single-writer-test-vector", c, 0, error);
}

const EngineRegistrar registrar{EngineInfo{
    .name = "single-writer-test-vector",
    .description = "single-writer over the test-only vector channel (tests/extension/)",
    .rank = 1000,
    .options = [] {
      std::vector<EngineOption> v;
      for (EngineOption& o : single_writer_options())
        if (o.name != "channel") v.push_back(std::move(o));
      return v;
    }(),
    .journals = true,
    .make = make_vector_channel_engine,
}};

TEST(AddingAChannel, TheListEntryNamesIt) {
  const auto names = names_of(Extended::channels());
  ASSERT_EQ(names.size(), Channels::size + 1);
  EXPECT_EQ(names.back(), "test-vector");
  // The project's own list is untouched.
  EXPECT_EQ(std::count(single_writer_channels().begin(), single_writer_channels().end(), "test-vector"), 0);
  EngineConfig c;
  c.channel = "test-vector";
  std::size_t index = 0;
  std::string why;
  ASSERT_TRUE(Extended::index_of(c, &index, &why)) << why;
  EXPECT_GE(index, Channels::size * ReplyPaths::size * WaitStrategies::size);
}

TEST(AddingAChannel, EveryReplyAndWaitBuildsAndServes) {
  for (const auto& reply : single_writer_replies())
    for (const auto& wait : single_writer_waits()) {
      std::string why;
      auto e = EngineRegistry::instance().create("single-writer-test-vector:reply=" + reply + ":wait=" + wait,
                                                 EngineConfig{}, &why);
      ASSERT_TRUE(e) << why;
      Command d;
      d.type = CommandType::kDeposit;
      d.account = 1;
      d.qty = 100;
      Reply r = e->execute(d, nullptr);
      EXPECT_EQ(r.status, Status::kOk) << reply << "/" << wait;
      EXPECT_EQ(r.seq, 1u) << reply << "/" << wait;
      e->shutdown();
    }
}

}  // namespace
}  // namespace swlab::test
