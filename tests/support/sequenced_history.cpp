#include "sequenced_history.h"

#include <sstream>

#include "core/exchange.h"
#include "persistence/persistence.h"
#include "protocol/protocol.h"
#include "random_script.h"

namespace swlab::test {

std::vector<Command> sequenced_commands(const std::string& script) {
  Protocol p(default_symbols());
  std::istringstream in(script);
  std::string line;
  std::vector<Command> out;
  while (std::getline(in, line)) {
    ParsedLine pl = p.parse(line);
    if (pl.kind == ParsedLine::Kind::kCommand && is_sequenced(pl.cmd.type)) out.push_back(pl.cmd);
  }
  return out;
}

SequencedHistory random_history(uint64_t seed, int lines, uint32_t markets) {
  SequencedHistory h;
  Exchange ex(markets);
  h.digest_after.push_back(ex.digest());
  for (const Command& c : sequenced_commands(random_script(seed, lines))) {
    h.cmds.push_back(c);
    ex.apply(c, nullptr);
    h.digest_after.push_back(ex.digest());
  }
  return h;
}

}  // namespace swlab::test
