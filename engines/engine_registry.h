// Engines by name. Cold path: a virtual factory per engine, looked up once per run.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine.h"

namespace swlab {

struct EngineConfig {
  uint32_t markets = 8;
  uint32_t capacity = 1024;  // bound of an engine's channel (single-writer engines)
  uint32_t batch = 64;       // most commands an engine thread drains per wake-up
};

struct EngineInfo {
  std::string name;
  std::string description;
  std::function<std::unique_ptr<Engine>(const EngineConfig&)> make;
};

class EngineRegistry {
 public:
  // The registry with every built-in engine registered.
  static EngineRegistry& instance();

  void add(EngineInfo info);
  const EngineInfo* find(std::string_view name) const;
  std::unique_ptr<Engine> create(std::string_view name, const EngineConfig& config) const;
  const std::vector<EngineInfo>& engines() const { return engines_; }
  std::vector<std::string> names() const;

 private:
  std::vector<EngineInfo> engines_;
};

// Each built-in engine's file defines its registration function; the registry
// calls them explicitly (static registrar objects in a static library are
// dropped by the linker unless something references them).
void register_mutex_engine(EngineRegistry&);
void register_rwlock_engine(EngineRegistry&);
void register_spinlock_engine(EngineRegistry&);
void register_single_writer_engine(EngineRegistry&);

}  // namespace swlab
