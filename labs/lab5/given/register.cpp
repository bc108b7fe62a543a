// Registers the lab 5 engine as `lab5-journal` (given: frozen): the project's own
// single-writer engine (engines/single_writer/single_writer_engine.h: the channel,
// the batches, the reply slots, shutdown) with your JournaledCore (core.h) as the
// state it owns. Per batch the engine thread calls
//
//   core.apply(cmd, out)   for each command, in the order it dequeued them
//   core.end_batch()       once, after the batch and BEFORE any of its replies is
//                          released: with durability `batch`, this is the group
//                          commit (one fdatasync for everything in the batch)
//
// If end_batch() fails, nothing the batch changed is acknowledged: every state-
// changing command of the batch is answered `journal_failed` (keeping its seq), and
// the engine refuses every later command with `journal_failed`; failure() then
// returns core.error(). The Core concept is in engines/engine/state_core.h; a core
// with a snapshot(&error) member also answers snapshot requests (optional).
//
// Your core's open() gets the journal's file layer in cfg.file_system (lab5.h:
// file_layer): the real file system for `lab5-journal`, a simulated disk in the
// power-loss tests (make_lab5_engine).
#include "core.h"
#include "engine/engine_registry.h"
#include "lab5.h"
#include "single_writer/channels/spsc_channel.h"
#include "single_writer/reply/reply_futex.h"
#include "single_writer/single_writer_engine.h"
#include "single_writer/wait/wait_blocking.h"

namespace swlab::lab5 {

using Lab5Engine = SingleWriterEngine<SpscChannel, FutexReply, BlockingWait, JournaledCore>;

std::unique_ptr<Engine> make_lab5_engine(const EngineConfig& c, FileSystem* fs, std::string* error) {
  EngineConfig o = c;
  o.persistence.file_system = fs;  // your core reaches it as cfg.file_system (lab5.h: file_layer)
  auto e = std::make_unique<Lab5Engine>("lab5-journal", o);
  if (std::string f = e->failure(); !f.empty()) {
    if (error) *error = f;
    return nullptr;
  }
  return e;
}

namespace {

const EngineRegistrar registrar{EngineInfo{
    .name = "lab5-journal",
    .description = "lab 5: single writer; your core numbers, journals and recovers (core.cpp)",
    .options = {capacity_option(), batch_option(), durability_option()},
    .journals = true,
    .make = [](const EngineConfig& c, std::string* error) { return make_lab5_engine(c, nullptr, error); }}};

}  // namespace
}  // namespace swlab::lab5
