// Every setting an engine can be built with. Each engine accepts a subset of them
// in its spec (`single-writer:channel=spsc:capacity=64`) and describes that subset
// itself (EngineOption, engine_options.h): the spec parser, `swlab engines
// --verbose`, `--help` and the results' `engine_config` are all derived from those
// descriptions, so a setting is spelled, checked and recorded in one place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/overload_policy.h"
#include "persistence/persistence_config.h"

namespace swlab {

struct EngineConfig {
  // The state's shape: set from the workload, recorded with every run.
  uint32_t markets = 8;
  // Single-writer engines (plain and sharded):
  uint32_t capacity = 1024;  // bound of the channel: requests admitted and not yet answered
  uint32_t batch = 64;       // most requests the engine thread drains per wake-up; 1 = no batching
  std::string channel = "spsc";  // docs/single-writer.md: why
  std::string reply = "futex";
  std::string wait = "blocking";
  OverloadPolicy overload = OverloadPolicy::kBlock;
  // Sharded engines: 0 until the engine resolves its automatic default.
  uint32_t shards = 0;
  // Engines with EngineInfo::command_work: spin_work iterations the core performs for
  // every state-changing command it applies (command_work.h; swlab run --work-ns).
  uint64_t work_iterations = 0;
  // A positive control (option inject-ns, docs/claims.md): this configuration alone does
  // inject_ns more command work per state-changing command, converted to iterations at
  // work_iterations_per_ns (the invocation's calibration; 0: calibrated when needed).
  uint32_t inject_ns = 0;
  double work_iterations_per_ns = 0;
  // Journal and snapshots (engines that journal; docs/replay.md): persistence.dir
  // empty means no journal. Tests put a simulated disk in persistence.file_system.
  PersistenceConfig persistence;
};

}  // namespace swlab
