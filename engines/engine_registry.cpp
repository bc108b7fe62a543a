#include "engine_registry.h"

#include <stdexcept>

namespace swlab {

EngineRegistry& EngineRegistry::instance() {
  static EngineRegistry* registry = [] {
    auto* r = new EngineRegistry;
    register_mutex_engine(*r);
    register_rwlock_engine(*r);
    register_spinlock_engine(*r);
    register_single_writer_engine(*r);
    return r;
  }();
  return *registry;
}

void EngineRegistry::add(EngineInfo info) {
  if (find(info.name) != nullptr) throw std::logic_error("engine registered twice: " + info.name);
  engines_.push_back(std::move(info));
}

const EngineInfo* EngineRegistry::find(std::string_view name) const {
  for (const EngineInfo& e : engines_)
    if (e.name == name) return &e;
  return nullptr;
}

std::unique_ptr<Engine> EngineRegistry::create(std::string_view name,
                                               const EngineConfig& config) const {
  const EngineInfo* e = find(name);
  return e ? e->make(config) : nullptr;
}

std::vector<std::string> EngineRegistry::names() const {
  std::vector<std::string> out;
  for (const EngineInfo& e : engines_) out.push_back(e.name);
  return out;
}

}  // namespace swlab
