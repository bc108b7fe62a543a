#include <cstdio>

#include "cli/cli.h"
#include "engine/engine_registry.h"
#include "cli/flags.h"

namespace swlab::cli {

int cmd_engines(const std::vector<std::string>& args) {
  bool verbose = false;
  Flags f("engines", "[--verbose]",
          "Prints every engine's name, one a line; --verbose adds what each engine is and\n"
          "every option its spec takes: values, default and what each value means.");
  f.flag("--verbose", "describe each engine and its options", &verbose);
  if (int rc = f.parse(args); rc >= 0) return rc;
  const EngineConfig defaults;
  for (const EngineInfo& e : EngineRegistry::instance().engines()) {
    if (!verbose) {
      std::printf("%s\n", e.name.c_str());
      // On stderr: stdout stays one engine name a line for scripts.
      for (const EngineOption& o : e.options)
        for (const auto& [value, why] : o.unbuilt)
          std::fprintf(stderr, "note: %s:%s=%s is %s\n", e.name.c_str(), o.name.c_str(), value.c_str(), why.c_str());
      continue;
    }
    std::printf("%s\n  %s%s\n", e.name.c_str(), e.description.c_str(), e.journals ? " (journals)" : "");
    for (const EngineOption& o : e.options) {
      std::string def = o.get(defaults);
      if (o.name == "shards" && def == "0") def = "chosen for the machine";
      std::printf("  %-12s %s (default %s)\n", o.name.c_str(), o.help.c_str(), def.c_str());
      if (o.is_count() || o.choice_help.empty()) {
        std::printf("  %-12s   %s\n", "", o.values().c_str());
        continue;
      }
      for (std::size_t i = 0; i < o.choices.size(); ++i)
        std::printf("  %-12s   %-20s %s\n", "", o.choices[i].c_str(),
                    i < o.choice_help.size() ? o.choice_help[i].c_str() : "");
      for (const auto& [value, why] : o.unbuilt) std::printf("  %-12s   %-20s %s\n", "", value.c_str(), why.c_str());
    }
    std::printf("\n");
  }
  if (verbose)
    std::printf("engine specs: NAME[:option=value]..., e.g. single-writer:channel=spsc:wait=busy-spin\n");
  return kExitOk;
}

}  // namespace swlab::cli
