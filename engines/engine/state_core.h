// The state an engine owns, as a policy: what the engines are parameterised on.
//
// An engine decides *who* mutates the state and *when* (one engine thread, or
// whoever holds the lock); the core is *what* is mutated and how each mutation is
// numbered and made durable. Both the single-writer engine and the lock engines
// drive a core through the same four steps, so any core runs behind any engine:
//
//   open(markets, journal, &error)  once, before any command: recover the state the
//                                   journal directory holds (if any) and continue it
//   apply(cmd, out)                 one command, in mutation order: the reply, with
//                                   reply.seq numbered (state-changing commands take
//                                   the next number; queries carry the current one)
//   end_batch()                     after a batch of apply() calls and BEFORE any of
//                                   their replies is released: make them as durable
//                                   as the durability mode promises (group commit).
//                                   False: something since open() did not reach the
//                                   journal; nothing of the batch may be acknowledged
//   exchange()                      the state, for inspection serialised with commands
//
// plus error() (why open() or end_batch() failed). That is the required part (lab 5's
// students implement it). A core may also offer, and engines use when it does:
//
//   snapshot(&error)       SnapshottingCore: a snapshot on request; otherwise "this
//                          engine's core takes no snapshots"
//   write_batch()          GroupCommitCore: end_batch() split in two for engines
//   sync_through(seq)      whose batches end on several threads at once (the lock
//                          engines): the owner writes the batch under its lock; any
//                          thread, after the lock is let go, makes everything up to
//                          seq as durable as end_batch() would have. sync_through is
//                          the one call that may run concurrently with the others
//   set_command_work(n)    CommandWorkCore (command_work.h): n iterations of CPU work
//                          per state-changing command, inside apply()
//
// The project's core is ExchangeCore (exchange_core.h); lab 5's students write
// their own and run it behind the real single-writer engine.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>

#include "core/types.h"
#include "persistence/persistence_config.h"

namespace swlab {

class Exchange;  // core/exchange.h: what a core owns

template <class C>
concept StateCore = std::default_initializable<C> &&
                    requires(C core, const C ccore, uint32_t markets, const PersistenceConfig& journal,
                             const Command& cmd, ReplyBuffers* out, std::string* error) {
                      { core.open(markets, journal, error) } -> std::same_as<bool>;
                      { core.apply(cmd, out) } -> std::same_as<Reply>;
                      { core.end_batch() } -> std::same_as<bool>;
                      { ccore.exchange() } -> std::same_as<const Exchange&>;
                      { ccore.error() } -> std::convertible_to<std::string>;
                    };

template <class C>
concept SnapshottingCore = StateCore<C> && requires(C core, std::string* error) {
  { core.snapshot(error) } -> std::same_as<bool>;
};

// Group commit across threads. Promise: write_batch() then sync_through(s) for every
// s of the batch make it exactly as durable as end_batch() would have: an
// acknowledged command (durability batch or always) is on disk. A false from either
// means: nothing of that batch may be acknowledged.
template <class C>
concept GroupCommitCore = StateCore<C> && requires(C core, uint64_t seq) {
  { core.write_batch() } -> std::same_as<bool>;
  { core.sync_through(seq) } -> std::same_as<bool>;
};

}  // namespace swlab
