// The swlab tool: one table of commands gives the names, the usage text and the
// dispatch.
#include <cstdio>
#include <exception>
#include <new>
#include <system_error>
#include <string>
#include <vector>

#include "cli/cli.h"

namespace {

using namespace swlab::cli;

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>&);
};

constexpr Command kCommands[] = {
    {"engines", "list the engines, one name a line", cmd_engines},
    {"exec", "run a protocol script through one engine and print the replies", cmd_exec},
    {"run", "the default comparison: drive engines with the load generator", cmd_run},
    {"sweep", "engines x threads x presets (x rates), with repetitions and knee search", cmd_sweep},
    {"replay", "recover a journal directory: last sequence number, digest, invariants", cmd_replay},
    {"explain", "a latency budget: one round trip as a sum of measured parts and a residual", cmd_explain},
    {"audit", "determinism: same streams twice per engine, journals replayed", cmd_audit},
    {"machine", "what results record about this machine, and the default results directory", cmd_machine},
    {"schema", "every run setting and result field, as JSON (what the Python scripts read)", cmd_schema},
};

std::string usage() {
  std::string u = "usage: swlab <command> [options]\n\ncommands:\n";
  for (const Command& c : kCommands) {
    std::string name = c.name;
    name.resize(10, ' ');
    u += "  " + name + c.summary + "\n";
  }
  return u + "\n'swlab <command> --help' explains a command's options.\n";
}

int dispatch(const std::string& cmd, const std::vector<std::string>& args) {
  for (const Command& c : kCommands)
    if (cmd == c.name) return c.run(args);
  std::fprintf(stderr, "swlab: unknown command '%s'\n\n%s", cmd.c_str(), usage().c_str());
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(usage().c_str(), stderr);
    return kExitUsage;
  }
  const std::string cmd = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::fputs(usage().c_str(), stdout);
    return kExitOk;
  }
  // Every failure ends in one line and an exit status, never an abort: what the
  // commands cannot foresee (memory, threads the system will not create) is caught here.
  try {
    return dispatch(cmd, args);
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "swlab %s: out of memory (the inputs ask for more than this machine can give)\n", cmd.c_str());
  } catch (const std::system_error& e) {
    std::fprintf(stderr, "swlab %s: the system refused: %s\n", cmd.c_str(), e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "swlab %s: %s\n", cmd.c_str(), e.what());
  }
  return kExitFailure;
}
