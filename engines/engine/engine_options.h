// The settings an engine accepts in its spec, each described once: its name, what
// it does, its values (a list of names, or a count with a range) and where it lives
// in EngineConfig. Everything user-facing about an option is derived from this
// description: parsing and checking a spec, the listing of `swlab engines
// --verbose`, the `swlab run --help` text and the `engine_config` a results file
// records. An engine lists the options it takes in its EngineInfo.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine_config.h"

namespace swlab {

struct EngineOption {
  std::string name;
  std::string help;
  std::vector<std::string> choices;  // the allowed names; empty: a count
  std::vector<std::string> choice_help;  // optional: one line per choice
  // Values this build left out (a channel whose toolchain was missing), each with
  // why: listed apart from the choices, and refused with the reason.
  std::vector<std::pair<std::string, std::string>> unbuilt;
  uint64_t min = 0, max = 0;         // a count's range (inclusive)
  std::function<std::string(const EngineConfig&)> get;
  // Called with a value check() accepted.
  std::function<void(EngineConfig&, const std::string&)> set;

  // Left out of the canonical spec and the recorded engine_config while 0 (a control no
  // ordinary run sets), so specs recorded before the option existed still name the
  // same configuration.
  bool spec_only_when_set = false;

  bool is_count() const { return choices.empty(); }
  // Empty when `value` is allowed, else why not ("capacity must be 1..16777216").
  std::string check(const std::string& value) const;
  // "spsc, moodycamel, ..." or "1..16777216".
  std::string values() const;
};

// A count option bound to a uint32_t member of EngineConfig.
EngineOption count_option(std::string name, std::string help, uint32_t EngineConfig::*field, uint64_t min,
                          uint64_t max);
// A name option bound to a std::string member of EngineConfig; `choice_help` may
// be empty or give one line per choice.
EngineOption choice_option(std::string name, std::string help, std::string EngineConfig::*field,
                           std::vector<std::string> choices, std::vector<std::string> choice_help = {});

// The options more than one kind of engine shares.
const EngineOption& capacity_option();
const EngineOption& batch_option();
const EngineOption& overload_option();
const EngineOption& durability_option();
const EngineOption& shards_option();
// Every engine that performs command work takes it (EngineRegistry::add).
const EngineOption& inject_option();

}  // namespace swlab
