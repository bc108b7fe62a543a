// The `swlab exec` text protocol (docs/protocol.md): parsing a line into a
// Command, and printing a reply. Shared by the CLI and the tests.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "core/types.h"

namespace swlab {

struct ParsedLine {
  enum class Kind { kEmpty, kError, kCommand };
  Kind kind = Kind::kEmpty;
  Command cmd;
  std::string error;  // kError: what is wrong, without the "error line n: " prefix
};

class Protocol {
 public:
  explicit Protocol(std::vector<std::string> symbols);

  const std::vector<std::string>& symbols() const { return symbols_; }

  ParsedLine parse(std::string_view line) const;

  // Appends the reply lines for cmd to *out. line_no is needed for the one reply
  // that is an error line (a deposit that would overflow the market total).
  void format(const Command& cmd, const Reply& reply, const ReplyBuffers& buffers, int line_no,
              std::string* out) const;

  // Executes one script line (line_no counts from 1): appends its reply lines, or
  // its error line, to *out; true when that is an error line. A line the reader cut
  // (too_long) is an error line whatever it holds.
  bool execute_line(Engine& engine, std::string_view line, bool too_long, int line_no, ReplyBuffers* buffers,
                    std::string* out) const;

  // Reads the script line by line (LineReader: lines are bounded), executes every
  // command on the engine one at a time, and writes every reply. Returns the number
  // of error lines printed.
  int run(Engine& engine, std::istream& in, std::ostream& out) const;

 private:
  std::vector<std::string> symbols_;
};

// A token as error messages echo it: in single quotes, with a quote, a backslash,
// and any byte outside printable ASCII written as \xNN, and cut after 32 bytes
// ("...' (N bytes)"): input bytes never reach a terminal raw.
std::string quote_token(std::string_view tok);

// The most markets a session holds: as many as `swlab run --markets` allows. Each
// market keeps its book and ledger whether or not the script uses it, so the limit
// bounds what a command line can make the process allocate.
inline constexpr std::size_t kMaxSymbols = 4096;

// The default symbols: S0..S(n-1).
std::vector<std::string> default_symbols(int n = 8);
// Parses "A,B,C": 1..16 characters of [A-Za-z0-9._-] each, no duplicates. On
// failure returns false and says why in *error.
bool parse_symbols(std::string_view list, std::vector<std::string>* out, std::string* error);

}  // namespace swlab
