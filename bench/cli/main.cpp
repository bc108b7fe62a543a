#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli.h"

namespace {

constexpr const char* kUsage =
    "usage: swlab <command> [options]\n"
    "\n"
    "commands:\n"
    "  engines   list the engines, one name a line\n"
    "  exec      run a protocol script through one engine and print the replies\n"
    "  run       the default comparison: drive engines with the load generator\n"
    "  sweep     engines x threads x presets (x rates), with repetitions and knee search\n"
    "  replay    recover a journal directory: last sequence number, digest, invariants\n"
    "  audit     determinism: same streams twice per engine, journals replayed\n"
    "  machine   what results record about this machine, and the default results directory\n"
    "\n"
    "'swlab <command> --help' explains a command's options.\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace swlab::cli;
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  std::string cmd = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (cmd == "engines") return cmd_engines(args);
  if (cmd == "exec") return cmd_exec(args);
  if (cmd == "run") return cmd_run(args);
  if (cmd == "sweep") return cmd_sweep(args);
  if (cmd == "replay") return cmd_replay(args);
  if (cmd == "audit") return cmd_audit(args);
  if (cmd == "machine") return cmd_machine(args);
  std::fprintf(stderr, "swlab: unknown command '%s'\n\n%s", cmd.c_str(), kUsage);
  return kExitUsage;
}
