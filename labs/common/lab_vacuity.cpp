// The do-nothing engines under lab names, so that the lab suite (lab_suite.cpp, which
// covers the engines named "lab...") is proven honest along with the shared engine
// suites: each of them must fail every test for these engines. Registered only in
// labs_vacuity_tests, never in a grader; tests/support/null_engines.h says what they do.
#include <memory>
#include <string>

#include "engine/engine_registry.h"
#include "null_engines.h"

namespace swlab::labs {
namespace {

const EngineRegistrar lab_null_unset{
    test::null_engine("lab-null-unset", "answers every command at once with an unset reply", std::nullopt)};

const EngineRegistrar lab_null_not_implemented{
    test::null_engine("lab-null-not-implemented", "a starter whose every stub answers `not_implemented` at once",
                      RejectReason::kNotImplemented)};

}  // namespace
}  // namespace swlab::labs
