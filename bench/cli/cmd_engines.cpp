#include <cstdio>

#include "cli.h"
#include "engine_registry.h"

namespace swlab::cli {

int cmd_engines(const std::vector<std::string>& args) {
  bool verbose = false;
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::puts("usage: swlab engines [--verbose]\n\nPrints every engine's name, one a line; "
                "--verbose adds a description.");
      return kExitOk;
    }
    if (a == "--verbose" || a == "-v") {
      verbose = true;
      continue;
    }
    return usage_error("engines", "unknown option '" + a + "'");
  }
  for (const EngineInfo& e : EngineRegistry::instance().engines()) {
    if (verbose) {
      std::printf("%-24s %s\n", e.name.c_str(), e.description.c_str());
    } else {
      std::printf("%s\n", e.name.c_str());
    }
  }
  return kExitOk;
}

}  // namespace swlab::cli
