// The state-changing commands of a script, in order, and the exchange's digest after
// each prefix of them: what a recovered journal is checked against.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/types.h"

namespace swlab::test {

// The commands of a script (docs/protocol.md, the default symbols) that change the
// state (persistence/persistence.h: is_sequenced), in order: what a journal holds.
std::vector<Command> sequenced_commands(const std::string& script);

struct SequencedHistory {
  std::vector<Command> cmds;
  std::vector<uint64_t> digest_after;  // [k]: after the first k commands
};

// The sequenced commands of random_script(seed, lines) (markets S0..S2) applied to an
// exchange of `markets` markets.
SequencedHistory random_history(uint64_t seed, int lines, uint32_t markets = 3);

}  // namespace swlab::test
