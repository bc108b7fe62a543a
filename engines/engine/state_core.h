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
// plus error() (why open() or end_batch() failed). A core may also offer
// snapshot(&error): engines call it when asked for a snapshot and answer "this
// engine's core takes no snapshots" otherwise.
//
// The project's core is ExchangeCore (exchange_core.h); lab 5's students write
// their own and run it behind the real single-writer engine.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>

#include "core/exchange.h"
#include "core/types.h"
#include "persistence/persistence.h"

namespace swlab {

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

}  // namespace swlab
