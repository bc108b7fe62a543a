// The test-only engines of swlab_vacuity_tests (tests/support/null_engines.h says what
// each proves); check_suites.py runs the engine suites on them.
#include <memory>
#include <string>

#include "engine/engine_registry.h"
#include "null_engines.h"

namespace swlab::test {
namespace {

const EngineRegistrar null_unset{
    null_engine("null-unset", "answers every command at once with an unset reply", std::nullopt)};

const EngineRegistrar null_not_implemented{null_engine(
    "null-not-implemented", "answers every command at once `not_implemented`", RejectReason::kNotImplemented)};

const EngineRegistrar inline_mutex{EngineInfo{
    .name = "inline-mutex",
    .description = "test only: the mutex engine, completing every submit inline",
    .make = [](const EngineConfig& c, std::string* error) -> std::unique_ptr<Engine> {
      auto inner = EngineRegistry::instance().create("mutex", c, error);
      if (!inner) return nullptr;
      return std::make_unique<InlineEngine>("inline-mutex", std::move(inner));
    }}};

}  // namespace
}  // namespace swlab::test
