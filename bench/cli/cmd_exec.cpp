#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cli.h"
#include "engine/engine_registry.h"
#include "protocol/line_reader.h"
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
    "Lines are at most 4096 bytes; a longer one is an error line.\n"
    "\n"
    "Exit status: 0 when every line parsed and applied, 1 when some line printed an\n"
    "error (the run still went on) or the output could not be written, 2 on bad\n"
    "options or an unreadable FILE.\n";

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
  // The input is checked before the first command runs: a directory (which
  // open(2) accepts and read(2) refuses) is a usage error, like a missing file.
  int fd = STDIN_FILENO;
  const std::string input = file.empty() || file == "-" ? "standard input" : "'" + file + "'";
  if (!file.empty() && file != "-") {
    fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return usage_error("exec", "cannot open " + input + ": " + std::strerror(errno));
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) return usage_error("exec", input + " is a directory");

  Protocol protocol(symbols);
  LineReader reader = LineReader::from_fd(fd);
  std::string line, reply;
  ReplyBuffers buffers;
  bool too_long = false;
  int read_error = 0, line_no = 0, errors = 0;
  int rc = kExitOk;
  while (true) {
    const LineReader::Result r = reader.next(&line, &too_long, &read_error);
    if (r == LineReader::Result::kEnd) break;
    if (r == LineReader::Result::kError) {
      std::fprintf(stderr, "swlab exec: cannot read %s: %s\n", input.c_str(), std::strerror(read_error));
      rc = kExitUsage;
      break;
    }
    reply.clear();
    if (protocol.execute_line(*engine, line, too_long, ++line_no, &buffers, &reply)) ++errors;
    // Stop at the first failed write: nobody reads the rest.
    if (std::fwrite(reply.data(), 1, reply.size(), stdout) != reply.size()) break;
  }
  engine->shutdown();
  if (fd != STDIN_FILENO) ::close(fd);
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fprintf(stderr, "swlab exec: cannot write the output: %s\n", std::strerror(errno));
    return kExitFailure;
  }
  if (rc != kExitOk) return rc;
  return errors == 0 ? kExitOk : kExitFailure;
}

}  // namespace swlab::cli
