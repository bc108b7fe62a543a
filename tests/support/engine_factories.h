// Engines for the suites, by name. Every test suite that takes an engine is
// parameterised over the registry, so an engine added later (a lab's, a new
// variant, a test-only one) gets all of them by registering (EngineRegistrar).
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine_registry.h"

namespace swlab::test {

// Specs the engine suites run besides every registered engine (with its defaults).
// A test binary adds its own with a static SuiteSpecRegistrar: swlab_tests adds the
// single-writer engine over every channel of its list
// (test_single_writer_channels.cpp), so that a channel added to the list gets every
// engine suite. Read when GoogleTest expands the suites, after static initialisation.
inline std::vector<std::string>& extra_suite_specs() {
  static std::vector<std::string> specs;
  return specs;
}
struct SuiteSpecRegistrar {
  explicit SuiteSpecRegistrar(const std::vector<std::string>& specs) {
    extra_suite_specs().insert(extra_suite_specs().end(), specs.begin(), specs.end());
  }
};

// Every registered engine, then the extra specs.
inline std::vector<std::string> all_engines() {
  std::vector<std::string> v = EngineRegistry::instance().names();
  v.insert(v.end(), extra_suite_specs().begin(), extra_suite_specs().end());
  return v;
}

// The registered name or spec as a GoogleTest parameter name: "sharded-mutex" ->
// "sharded_mutex", "single-writer:channel=tokio" -> "single_writer_channel_tokio".
inline std::string engine_param_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

inline std::unique_ptr<Engine> make_engine(const std::string& name, uint32_t markets = 8) {
  EngineConfig config;
  config.markets = markets;
  return EngineRegistry::instance().create(name, config);
}

}  // namespace swlab::test
