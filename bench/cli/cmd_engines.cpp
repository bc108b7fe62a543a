#include <cstdio>

#include "cli.h"
#include "engine/engine_registry.h"

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
    if (!verbose) {
      std::printf("%s\n", e.name.c_str());
      continue;
    }
    std::printf("%-24s %s\n", e.name.c_str(), e.description.c_str());
    if (!e.options.empty()) {
      std::string opts;
      for (const auto& o : e.options) opts += (opts.empty() ? "" : ", ") + o;
      std::printf("%-24s options: %s\n", "", opts.c_str());
    }
  }
  if (verbose) {
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
      return s;
    };
    std::printf("\nengine specs: NAME[:option=value]..., e.g. single-writer:channel=spsc:wait=busy-spin\n");
    std::printf("  channel   %s\n", join(single_writer_channels()).c_str());
    std::printf("  reply     %s\n", join(single_writer_replies()).c_str());
    std::printf("  wait      %s\n", join(single_writer_waits()).c_str());
    std::printf("  overload  block, reject, priority\n");
    std::printf("  capacity, batch, shards: positive integers\n");
  }
  return kExitOk;
}

}  // namespace swlab::cli
