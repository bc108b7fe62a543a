// `flat-combining`: one lock; the thread that takes it applies every request the
// others have published (flat_combining_engine.h). Journals like the single-writer
// engine: each combiner pass is one batch, made durable with one end_batch().
#include "locks/flat_combining_engine.h"
#include "locks/lock_engine_info.h"

namespace swlab {
namespace {

const EngineRegistrar registrar{lock_engine_info(
    "flat-combining", "one lock; whoever takes it applies every published request (Hendler et al. 2010)", 35,
    Journals::kYes, [](std::string name, uint32_t markets, const PersistenceConfig& journal, uint64_t work) {
      return std::make_unique<FlatCombiningEngine<>>(std::move(name), markets, journal, work);
    })};

}  // namespace
}  // namespace swlab
