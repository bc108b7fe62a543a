// Lab 3: the single-writer engine (docs/labs/lab3.md). The contract between your
// single_writer.cpp and the frozen code (given/register.cpp, the tests). Frozen.
#pragma once

#include <memory>
#include <string>

#include "engine/engine.h"
#include "engine/engine_registry.h"

namespace swlab::lab3 {

// ---- The reply slot ----------------------------------------------------------
// A request's reply slot is its Completion (engines/engine/completion.h): one 32-bit
// state word, req.done.word(), holding Completion::kPending, kDone or kSleeping.
// The caller resets it to kPending before submitting (Engine::submit does it).
// Its reader side is frozen: Completion::ready() is an acquire load that compares
// with kDone, and tests (and the load generator) poll it.

// Engine side: everything written into req (reply, trade buffers) must be visible
// to a caller who then sees kDone; a caller asleep on the word (kSleeping) must
// be woken (futex_wake_all in engines/platform/futex.h). The request must not be touched
// after this call: the caller may already be reusing it.
void complete_reply(Request& req);

// Caller side: returns once the word is kDone, after which the reply may be read.
// Spin briefly first (the reply is often a few hundred nanoseconds away), then
// announce the sleep (kPending -> kSleeping) and sleep on the word with
// futex_wait until it is kDone. Never burn a CPU for long: on a small machine the
// engine thread needs it.
void wait_reply(Request& req);

// ---- The engine --------------------------------------------------------------
// Makes the lab 3 engine, `lab3-single-writer`: one engine thread owns an Exchange
// of config.markets markets; callers send requests over a bounded channel and wait
// on their reply slot. Honours config.capacity (requests admitted and not yet
// answered, at most), config.batch (most requests applied per batch) and
// config.overload: kBlock (a caller waits for room) or kReject (refused at once
// with reason `overloaded`). Two kinds of request are never shed, even under
// kReject: they wait for room as under kBlock. Deposits (the set-up that funds the
// accounts: refusing it would change what a run measures) and control requests
// (req.control: the engine's own inspections; a shed invariant check would be a
// check that silently did not run). Any other policy: null, with *error saying so.
std::unique_ptr<Engine> make_lab3_engine(const EngineConfig& config, std::string* error);

}  // namespace swlab::lab3
