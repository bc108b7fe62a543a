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

inline std::vector<std::string> all_engines() { return EngineRegistry::instance().names(); }

// The registered name as a GoogleTest parameter name: "sharded-mutex" -> "sharded_mutex".
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
