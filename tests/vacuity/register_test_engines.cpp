// The test-only engines of swlab_vacuity_tests (tests/support/null_engines.h says what
// each proves); check_suites.py runs the engine suites on them.
#include <memory>
#include <string>

#include "engine/engine_registry.h"
#include "null_engines.h"

namespace swlab::test {
namespace {

const EngineRegistrar null_unset{EngineInfo{
    .name = "null-unset",
    .description = "test only: answers every command at once with an unset reply",
    .make = [](const EngineConfig&, std::string*) -> std::unique_ptr<Engine> {
      return std::make_unique<NullEngine>("null-unset", std::nullopt);
    }}};

const EngineRegistrar null_not_implemented{EngineInfo{
    .name = "null-not-implemented",
    .description = "test only: answers every command at once `not_implemented`",
    .make = [](const EngineConfig&, std::string*) -> std::unique_ptr<Engine> {
      return std::make_unique<NullEngine>("null-not-implemented", RejectReason::kNotImplemented);
    }}};

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
