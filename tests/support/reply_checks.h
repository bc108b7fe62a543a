// What every engine suite asks of the replies it collected, and of the engine after
// the run. Each check must be able to fail for an engine that does nothing: a reply
// left unset, a starter's `not_implemented`, an inspection that visits no market and
// numbers that were never given all fail here.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "core/types.h"
#include "engine/engine.h"

namespace swlab::test {

// Where the engine put a state change: the shard that applied it and its number there.
struct Numbered {
  uint16_t shard;
  uint64_t seq;
};

// The replies one client (or, merged, every client) got.
struct ReplyTally {
  int64_t replies = 0;
  int64_t ok = 0;
  int64_t unset = 0;                                // status never set: not an answer
  std::array<int64_t, kRejectReasonCount> rejected{};  // by reason
  int64_t trades_mismatched = 0;  // reply.trades != the trades appended to the buffers
  // Every state change the engine applied (accepted or rejected by the book's rules),
  // with its shard and number. Not the ones refused before they reached the engine's
  // sequencing point (overloaded, shutdown, journal_failed), nor non-answers.
  std::vector<Numbered> numbered;

  // `out` is the buffers the command was executed with (null: none).
  void add(const Command& cmd, const Reply& reply, const ReplyBuffers* out);
  void merge(const ReplyTally& other);
  int64_t refused(RejectReason r) const { return rejected[static_cast<std::size_t>(r)]; }
};

// Every reply is an answer: its status set, not `not_implemented`, and its trade count
// equal to the trades it appended.
::testing::AssertionResult every_reply_answered(const ReplyTally& tally);

// Per shard, the numbers of the state changes are exactly 1..n: none twice, none
// skipped (every state change came from the tally's clients). An engine that numbers
// nothing (every seq 0: core/types.h allows it) passes only when `required` is false;
// a shard where some state changes are numbered and some are not fails.
::testing::AssertionResult numbered_without_gaps(const ReplyTally& tally, bool required);

// The engine's invariants hold, checked on every one of its `markets` markets (an
// inspection that visited no market would pass Engine::check_invariants vacuously).
::testing::AssertionResult invariants_hold(Engine& engine, uint32_t markets);

}  // namespace swlab::test
