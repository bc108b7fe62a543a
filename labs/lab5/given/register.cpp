// Registers the lab 5 engine as `lab5-journal` (given: frozen): the engine shell of
// core_engine.h around your JournaledCore (core.h).
#include "core.h"
#include "core_engine.h"
#include "engine/engine_registry.h"

namespace swlab::lab5 {
namespace {

const EngineRegistrar registrar{EngineInfo{
    "lab5-journal",
    "lab 5: single writer; your core numbers, journals and recovers (core.cpp)",
    {"capacity", "batch", "durability"},
    true,
    [](const EngineConfig& c, std::string* error) -> std::unique_ptr<Engine> {
      auto e = std::make_unique<CoreEngine<JournaledCore>>("lab5-journal", c);
      if (std::string f = e->failure(); !f.empty()) {
        if (error) *error = f;
        return nullptr;
      }
      return e;
    }}};

}  // namespace
}  // namespace swlab::lab5
