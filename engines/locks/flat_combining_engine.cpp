// `flat-combining`: one lock; the thread that takes it applies every request the
// others have published (flat_combining_engine.h). Journals like the single-writer
// engine: each combiner pass is one batch, made durable with one end_batch().
#include "engine/engine_registry.h"
#include "locks/flat_combining_engine.h"

namespace swlab {
namespace {

const EngineRegistrar registrar{EngineInfo{
    .name = "flat-combining",
    .description = "one lock; whoever takes it applies every published request (Hendler et al. 2010)",
    .rank = 35,
    .options = {durability_option()},
    .journals = true,
    .command_work = true,
    .make = [](const EngineConfig& c, std::string* error) -> std::unique_ptr<Engine> {
      auto e = std::make_unique<FlatCombiningEngine<>>("flat-combining", c.markets, c.persistence(),
                                                       c.work_iterations);
      if (std::string f = e->failure(); !f.empty()) {
        if (error) *error = f;
        return nullptr;
      }
      return e;
    },
}};

}  // namespace
}  // namespace swlab
