// Every test suite that takes an engine is parameterised over the registry, so an
// engine added later (a lab's, a new variant) gets all of them by registering.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/engine_registry.h"

namespace swlab::test {

inline std::vector<std::string> all_engines() { return EngineRegistry::instance().names(); }

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
