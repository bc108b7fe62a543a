#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli.h"
#include "engine/engine_registry.h"
#include "protocol/protocol.h"

namespace swlab::cli {

namespace {

constexpr const char* kHelp =
    "usage: swlab exec [--engine NAME] [--symbols A,B,...] [FILE]\n"
    "\n"
    "Reads protocol commands from FILE (default: standard input), sends each one\n"
    "through the engine, one at a time, and prints the replies. The protocol is\n"
    "documented in docs/protocol.md.\n"
    "\n"
    "  --engine SPEC     engine to use (default: single-writer; 'swlab engines' lists them),\n"
    "                    with options, e.g. single-writer:channel=spsc:wait=busy-spin\n"
    "  --symbols LIST    comma-separated market symbols (default: S0,S1,...,S7)\n"
    "\n"
    "Exit status: 0 when every line parsed and applied, 1 when some line printed an\n"
    "error (the run still went on), 2 on bad options or an unreadable FILE.\n";

}  // namespace

int cmd_exec(const std::vector<std::string>& args) {
  std::string engine_name = "single-writer";
  std::vector<std::string> symbols = default_symbols();
  std::string file;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* v) {
      if (i + 1 >= args.size()) return false;
      *v = args[++i];
      return true;
    };
    if (a == "--help" || a == "-h") {
      std::fputs(kHelp, stdout);
      return kExitOk;
    } else if (a == "--engine") {
      if (!value(&engine_name)) return usage_error("exec", "--engine needs a value");
    } else if (a == "--symbols") {
      std::string list, error;
      if (!value(&list)) return usage_error("exec", "--symbols needs a value");
      if (!parse_symbols(list, &symbols, &error)) return usage_error("exec", "--symbols: " + error);
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      return usage_error("exec", "unknown option '" + a + "'");
    } else if (file.empty()) {
      file = a;
    } else {
      return usage_error("exec", "more than one FILE given ('" + file + "', '" + a + "')");
    }
  }
  EngineConfig config;
  config.markets = static_cast<uint32_t>(symbols.size());
  std::string why;
  auto engine = EngineRegistry::instance().create(engine_name, config, &why);
  if (!engine) return usage_error("exec", "--engine: " + why);
  std::ifstream in_file;
  std::istream* in = &std::cin;
  if (!file.empty() && file != "-") {
    in_file.open(file);
    if (!in_file) return usage_error("exec", "cannot open '" + file + "'");
    in = &in_file;
  }
  Protocol protocol(symbols);
  int errors = protocol.run(*engine, *in, std::cout);
  engine->shutdown();
  std::cout.flush();
  return errors == 0 ? kExitOk : kExitFailure;
}

}  // namespace swlab::cli
