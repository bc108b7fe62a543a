// Engines by name. Cold path: a virtual factory per engine, looked up once per run.
//
// An engine is named by a spec: its registered name, optionally followed by
// options, e.g. `single-writer:channel=spsc:wait=busy-spin` or
// `sharded-mutex:shards=4`. Options given in the spec override the defaults in
// EngineConfig (which the CLI's --channel, --wait, ... flags set).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "single_writer/overload_policy.h"
#include "persistence/persistence.h"

namespace swlab {

struct EngineConfig {
  uint32_t markets = 8;
  // Single-writer engines (plain and sharded):
  uint32_t capacity = 1024;  // bound of the channel: requests admitted and not yet answered
  uint32_t batch = 64;       // most requests the engine thread drains per wake-up; 1 = no batching
  std::string channel = "spsc";  // docs/single-writer.md: why
  std::string reply = "futex";
  std::string wait = "blocking";
  OverloadPolicy overload = OverloadPolicy::kBlock;
  // Sharded engines:
  uint32_t shards = 0;  // 0: min(markets, 4)
  // Journal and snapshots (single-writer and mutex; docs/replay.md):
  std::string journal_dir;  // empty: no journal
  Durability durability = Durability::kBatch;
  uint64_t snapshot_every = 0;
  std::size_t segment_bytes = 64 << 20;

  PersistenceConfig persistence() const {
    return {journal_dir, durability, snapshot_every, segment_bytes};
  }
};

struct EngineInfo {
  std::string name;
  std::string description;
  std::vector<std::string> options;  // spec keys this engine accepts
  bool journals = false;             // honours EngineConfig::journal_dir
  // Returns the engine, or null with *error set when the config is unusable.
  std::function<std::unique_ptr<Engine>(const EngineConfig&, std::string* error)> make;
};

class EngineRegistry {
 public:
  // The registry with every built-in engine registered.
  static EngineRegistry& instance();

  void add(EngineInfo info);
  const EngineInfo* find(std::string_view name) const;  // by registered name
  // Parses spec ("name[:key=value]..."), applies its options over `config` and
  // creates the engine. Null with *error on an unknown name, option or value.
  std::unique_ptr<Engine> create(std::string_view spec, const EngineConfig& config,
                                 std::string* error = nullptr) const;
  // Checks a spec without creating the engine's threads' work (it does create it).
  bool valid(std::string_view spec, const EngineConfig& config, std::string* error) const;
  const std::vector<EngineInfo>& engines() const { return engines_; }
  std::vector<std::string> names() const;

 private:
  std::vector<EngineInfo> engines_;
};

// Parses one option of a spec into config; false with *error when unknown/bad.
bool apply_engine_option(const std::string& key, const std::string& value, EngineConfig* config,
                         std::string* error);

// The single-writer variants this build knows, for help texts and tests.
const std::vector<std::string>& single_writer_channels();
const std::vector<std::string>& single_writer_replies();
const std::vector<std::string>& single_writer_waits();

// Registers an engine from an object file linked straight into an executable (a
// lab's engine, a test's): `static EngineRegistrar registrar{EngineInfo{...}};`.
// Not for engines inside a static library (the linker would drop the object).
struct EngineRegistrar {
  explicit EngineRegistrar(EngineInfo info) { EngineRegistry::instance().add(std::move(info)); }
};

// Each built-in engine's file defines its registration function; the registry
// calls them explicitly (static registrar objects in a static library are
// dropped by the linker unless something references them).
void register_mutex_engine(EngineRegistry&);
void register_rwlock_engine(EngineRegistry&);
void register_spinlock_engine(EngineRegistry&);
void register_single_writer_engine(EngineRegistry&);
void register_sharded_engines(EngineRegistry&);

}  // namespace swlab
