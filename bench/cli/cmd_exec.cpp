#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cli/cli.h"
#include "cli/flags.h"
#include "engine/engine_registry.h"
#include "protocol/line_reader.h"
#include "protocol/protocol.h"

namespace swlab::cli {

int cmd_exec(const std::vector<std::string>& args) {
  std::string engine_name = "single-writer";
  std::vector<std::string> symbols = default_symbols();
  std::vector<std::string> files;
  Flags f("exec", "[--engine SPEC] [--symbols A,B,...] [FILE]",
          "Reads protocol commands from FILE (default: standard input; - for it too),\n"
          "sends each one through the engine, one at a time, and prints the replies. The\n"
          "protocol is documented in docs/protocol.md.");
  f.text("--engine", "SPEC",
         "engine to use (default: single-writer; 'swlab engines' lists them), with options, e.g. "
         "single-writer:channel=spsc:wait=busy-spin",
         &engine_name);
  f.option("--symbols", "LIST", "comma-separated market symbols (default: S0,S1,...,S7)",
           [&](const std::string& v) {
             std::string error;
             return parse_symbols(v, &symbols, &error) ? std::string() : error;
           });
  f.positionals("FILE", "the script to run", &files, 1);
  f.epilogue(
      "Lines are at most 4096 bytes; a longer one is an error line.\n"
      "\n"
      "Exit status: 0 when every line parsed and applied, 1 when some line printed an\n"
      "error (the run still went on) or the output could not be written, 2 on bad\n"
      "options or an unreadable FILE.");
  if (int rc = f.parse(args); rc >= 0) return rc;
  const std::string file = files.empty() ? std::string() : files.front();
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
