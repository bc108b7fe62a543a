// Building the project's single-writer engines from a configuration: the engine
// `single-writer` and each shard of `sharded-single-writer`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/engine_config.h"
#include "engine/engine_options.h"

namespace swlab {

// Null with *error when the names or settings are unusable.
std::unique_ptr<Engine> make_single_writer(const EngineConfig& c, const std::string& name, uint16_t shard,
                                           std::string* error);

// The spec options every single-writer engine takes: channel, reply, wait (their
// allowed values from the lists in policies.h), overload, capacity, batch,
// durability.
std::vector<EngineOption> single_writer_options();

// The names in the project's lists, in list order (tests sweep them).
const std::vector<std::string>& single_writer_channels();
const std::vector<std::string>& single_writer_replies();
const std::vector<std::string>& single_writer_waits();

// Combination I of the project's lists (single_writer_family.h), defined in the
// generated translation units single_writer_combinations_<k>.cpp: each holds the
// combinations I with I % SWLAB_SW_UNITS == k.
template <std::size_t I>
std::unique_ptr<Engine> make_single_writer_combination(const std::string& name, const EngineConfig& c,
                                                       uint16_t shard, std::string* error);

}  // namespace swlab
