// From the names in a spec (channel, reply, wait) to one instantiation of
// SingleWriterEngine, for any lists of policies. Combination I of the lists is
// channel I / (replies * waits), reply (I / waits) % replies, wait I % waits.
//
// The project's own lists are instantiated in generated translation units, a few
// combinations each (CMakeLists.txt, single_writer_factory.h), so no one file
// compiles them all; a test with a list of its own instantiates what it needs with
// make<I>() (tests/extension/).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "engine/engine_config.h"
#include "engine/engine_registry.h"
#include "engine/exchange_core.h"
#include "single_writer/policies.h"
#include "single_writer/single_writer_engine.h"

namespace swlab {

template <std::size_t I, class L>
struct ChannelAt;
template <std::size_t I, template <class> class C, template <class> class... Cs>
struct ChannelAt<I, ChannelList<C, Cs...>> : ChannelAt<I - 1, ChannelList<Cs...>> {};
template <template <class> class C, template <class> class... Cs>
struct ChannelAt<0, ChannelList<C, Cs...>> {
  template <class T>
  using type = C<T>;
};

template <std::size_t I, class L>
struct PolicyAt;
template <std::size_t I, class... Ts>
struct PolicyAt<I, PolicyList<Ts...>> {
  using type = std::tuple_element_t<I, std::tuple<Ts...>>;
};

template <class ChannelL, class ReplyL, class WaitL, class Core = ExchangeCore>
struct SingleWriterFamily {
  static constexpr std::size_t kCombinations = ChannelL::size * ReplyL::size * WaitL::size;

  static std::vector<PolicyDescription> channels() { return describe_channels(ChannelL{}); }
  static std::vector<PolicyDescription> replies() { return describe_policies(ReplyL{}); }
  static std::vector<PolicyDescription> waits() { return describe_policies(WaitL{}); }

  // The combination c's names select; false with *error when a name is unknown.
  static bool index_of(const EngineConfig& c, std::size_t* index, std::string* error) {
    auto find = [&](const std::vector<PolicyDescription>& v, const std::string& name, const char* what,
                    std::size_t* at) {
      for (std::size_t i = 0; i < v.size(); ++i)
        if (v[i].name == name) {
          *at = i;
          return true;
        }
      if (error) *error = "unknown " + std::string(what) + " '" + name + "'";
      return false;
    };
    std::size_t ch = 0, re = 0, wa = 0;
    if (!find(channels(), c.channel, "channel", &ch) || !find(replies(), c.reply, "reply path", &re) ||
        !find(waits(), c.wait, "wait strategy", &wa))
      return false;
    *index = (ch * ReplyL::size + re) * WaitL::size + wa;
    return true;
  }

  // Builds combination I from c (nothing when I is past the last combination);
  // `shard` is stamped on its replies.
  template <std::size_t I>
  static std::unique_ptr<Engine> make(const std::string& name, const EngineConfig& c, uint16_t shard,
                                      std::string* error) {
    if constexpr (I >= kCombinations) {
      if (error) *error = "no such single-writer combination";
      return nullptr;
    } else {
      using Reply = typename PolicyAt<(I / WaitL::size) % ReplyL::size, ReplyL>::type;
      using Wait = typename PolicyAt<I % WaitL::size, WaitL>::type;
      using Built = SingleWriterEngine<ChannelAt<I / (ReplyL::size * WaitL::size), ChannelL>::template type, Reply,
                                       Wait, Core>;
      if (const uint64_t max = Built::max_capacity(c.overload); max > 0 && c.capacity > max) {
        if (error)
          *error = "channel " + channels()[I / (ReplyL::size * WaitL::size)].name + " holds at most " +
                   std::to_string(max) + " requests" +
                   (c.overload == OverloadPolicy::kPriority ? " with overload=priority" : "") +
                   ": lower the capacity";
        return nullptr;
      }
      return unless_failed(std::make_unique<Built>(name, c, shard), error);
    }
  }
};

}  // namespace swlab
