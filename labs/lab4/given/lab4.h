// Lab 4: shard it (docs/labs/lab4.md). The contract between your router.cpp and the
// frozen code (given/register.cpp, given/shards.cpp, the tests). Frozen.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/engine.h"
#include "engine/engine_registry.h"

namespace swlab::lab4 {

// Given (given/shards.cpp): one shard, the project's single-writer engine built from
// config (channel, reply path, wait strategy, capacity, batch, overload, markets).
// Every reply it gives carries reply.shard == index, and it numbers its own
// mutations 1, 2, 3, ... (reply.seq): each shard is its own sequencing point.
std::unique_ptr<Engine> make_shard(const EngineConfig& config, uint16_t index, std::string* error);

// Given (given/shards.cpp): the lock-based counterpart, one std::mutex around one
// exchange, no thread of its own; also stamps reply.shard and numbers its mutations.
// `lab4-sharded-mutex` is your router over these: the engine to measure yours against.
std::unique_ptr<Engine> make_mutex_shard(const EngineConfig& config, uint16_t index, std::string* error);

using ShardFactory = std::unique_ptr<Engine> (*)(const EngineConfig& config, uint16_t index, std::string* error);

// In router.cpp (yours; make_lab4_engine comes written, the router is yours):

// The number of shards: config.shards when it is set (> 0), else the smaller of
// config.markets and 4.
uint32_t shard_count(const EngineConfig& config);

// Makes your router over shard_count(config) shards, shard i made by make(config, i):
// `lab4-sharded` with make_shard, `lab4-sharded-mutex` with make_mutex_shard
// (given/register.cpp). Market m is owned by shard m % shards: every command naming
// market m goes to that shard, and to no other. Null with *error if a shard cannot
// be made.
std::unique_ptr<Engine> make_lab4_engine(const EngineConfig& config, ShardFactory make, std::string* error);

}  // namespace swlab::lab4
