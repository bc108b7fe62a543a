// From the names in a spec (channel, reply, wait) to one instantiation of
// SingleWriterEngine, for any lists of policies. Combination I of the lists is
// channel I / (replies * waits), reply (I / waits) % replies, wait I % waits.
//
// The project's own lists are instantiated in generated translation units, a few
// combinations each (CMakeLists.txt, single_writer_factory.h), so no one file
// compiles them all; a test or a lab with a small list of its own uses create()
// here, which instantiates its whole list in place.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <tuple>
#include <utility>

#include "engine/engine_config.h"
#include "engine/engine_registry.h"
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

  // Builds combination I (nothing when I is past the last combination).
  template <std::size_t I>
  static std::unique_ptr<Engine> make(const std::string& name, const SingleWriterOptions& o, std::string* error) {
    if constexpr (I >= kCombinations) {
      if (error) *error = "no such single-writer combination";
      return nullptr;
    } else {
      using Reply = typename PolicyAt<(I / WaitL::size) % ReplyL::size, ReplyL>::type;
      using Wait = typename PolicyAt<I % WaitL::size, WaitL>::type;
      using Built = SingleWriterEngine<ChannelAt<I / (ReplyL::size * WaitL::size), ChannelL>::template type, Reply,
                                       Wait, Core>;
      if (const uint64_t max = Built::max_capacity(o.overload); max > 0 && o.capacity > max) {
        if (error)
          *error = "channel " + channels()[I / (ReplyL::size * WaitL::size)].name + " holds at most " +
                   std::to_string(max) + " requests" +
                   (o.overload == OverloadPolicy::kPriority ? " with overload=priority" : "") +
                   ": lower the capacity";
        return nullptr;
      }
      return unless_failed(std::make_unique<Built>(name, o), error);
    }
  }

  // Builds the engine c names, instantiating every combination here.
  static std::unique_ptr<Engine> create(const std::string& name, const EngineConfig& c, uint16_t shard,
                                        std::string* error) {
    std::size_t index = 0;
    if (!index_of(c, &index, error)) return nullptr;
    static constexpr auto table = []<std::size_t... Is>(std::index_sequence<Is...>) {
      return std::array{&make<Is>...};
    }(std::make_index_sequence<kCombinations>{});
    return table[index](name, options(c, shard), error);
  }

  static SingleWriterOptions options(const EngineConfig& c, uint16_t shard) {
    SingleWriterOptions o;
    o.markets = c.markets;
    o.capacity = c.capacity;
    o.batch = c.batch;
    o.overload = c.overload;
    o.shard = shard;
    o.journal = c.persistence();
    o.work_iterations = c.work_iterations;
    return o;
  }
};

}  // namespace swlab
