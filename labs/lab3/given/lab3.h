// Lab 3: the single-writer engine (docs/labs/lab3.md). The contract between your
// files (reply_slot.h, ring.h, admission.h, engine_loop.h, single_writer.cpp) and the
// frozen code (given/register.cpp, the tests, the model checker). Frozen.
#pragma once

#include <memory>
#include <string>

#include "engine/engine.h"
#include "engine/engine_registry.h"
#include "platform/memory_model.h"
#include "reply_slot.h"

namespace swlab::lab3 {

// ---- The reply slot (reply_slot.h) ------------------------------------------------
// A request's reply slot is its Completion (engines/engine/completion.h): one 32-bit
// state word, req.done.word(), holding kPending, kDone or kSleeping. The caller resets
// it to kPending before submitting (Engine::submit does it). Its reader side is
// frozen: Completion::ready() is an acquire load that compares with kDone, and tests
// (and the load generator) poll it.
//
// complete_reply<MM>(word), engine side: everything written into the request (reply,
// trade buffers) before it must be visible to a caller who then sees kDone; a caller
// asleep on the word (kSleeping) must be woken (MM::wake_all). The request must not
// be touched after this call: the caller may already be reusing it.
//
// wait_reply<MM>(word), caller side: returns once the word is kDone, after which the
// reply may be read. Spin briefly first (MM::spins rounds of MM::pause), then announce
// the sleep (kPending -> kSleeping) and sleep on the word (MM::wait) until it is
// kDone. Never burn a CPU for long: on a small machine the engine thread needs it.
//
// The same two on a Request, on the machine's memory model (the tests use these):
inline void complete_reply(Request& req) { complete_reply<StdMemoryModel>(req.done.word()); }
inline void wait_reply(Request& req) { wait_reply<StdMemoryModel>(req.done.word()); }

// ---- The engine --------------------------------------------------------------
// Makes the lab 3 engine, `lab3-single-writer`: one engine thread owns an Exchange
// of config.markets markets; callers send requests over their rings and wait on
// their reply slot. Honours config.capacity (requests admitted and not yet answered,
// at most), config.batch (most requests applied per batch) and config.overload:
// kBlock (a caller waits for room) or kReject (refused at once with reason
// `overloaded`). Two kinds of request are never shed, even under kReject: they wait
// for room as under kBlock. Deposits (the set-up that funds the accounts: refusing it
// would change what a run measures) and control requests (req.control: the engine's
// own inspections; a shed invariant check would be a check that silently did not
// run). Any other policy: null, with *error saying so.
//
// The rule of this lab: the engine is yours. A submission that uses the project's
// SingleWriterEngine (engines/single_writer/single_writer_engine.h) scores 0
// (labs/grade.sh checks the compiled code, docs/labs/lab3.md).
std::unique_ptr<Engine> make_lab3_engine(const EngineConfig& config, std::string* error);

}  // namespace swlab::lab3
