// Lab 5, worked solution in the starter's skeleton (instructors only).
//
// Lab 5: determinism and replay (docs/labs/lab5.md). Your core: the owner of the
// state on the engine thread. The project's single-writer engine (given/register.cpp)
// hands it every command in the order it applies them, then calls end_batch() before
// it releases the batch's replies. It numbers, logs and recovers; it runs on one
// thread only and needs no lock. Every file operation goes through the file layer
// in cfg.file_system (given/lab5.h: file_layer), which the power-loss tests replace.
//
// The public interface below is fixed (the shell and the tests call it); the
// private part is yours: add what you need.
#pragma once

#include <lab_reference_guard.h>  // the reference: a student build stops here (labs/common/rules/)
#include <cstdint>
#include <memory>
#include <string>

#include "core/exchange.h"
#include "persistence/journal.h"
#include "persistence/persistence.h"

namespace swlab::lab5 {

class JournaledCore {
 public:
  // Opens the state with `markets` markets. With cfg.dir empty: an empty exchange,
  // no journal, numbering from 1. Otherwise: recovers whatever cfg.dir holds (the
  // journal replayed from its start, a torn tail repaired), then opens the journal
  // to continue the history: the next mutation takes the number after the last
  // recovered one. False, with *error, if the directory is unusable or the journal
  // is damaged (never start on a history you could not read entirely). Every write,
  // sync and truncation goes through file_layer(cfg) (given/lab5.h).
  bool open(uint32_t markets, const PersistenceConfig& cfg, std::string* error);

  // Applies one command. A state-changing command (is_sequenced(), whatever its
  // outcome: a rejected order is part of the history) takes the next number, 1, 2,
  // 3, ... in reply.seq, and is appended to the journal; a query takes no number and
  // carries the current one.
  Reply apply(const Command& cmd, ReplyBuffers* out);

  // After a batch of apply() calls, before any of their replies is released: make
  // the batch as durable as cfg.durability promises (none: written to the kernel;
  // batch: on disk, one sync for the whole batch; always: already synced per
  // command). False if anything since open() failed to reach the journal; then
  // error() says what. The tests cut the power at every file operation in turn:
  // a command whose reply was released must survive (batch, always), and a mode
  // that syncs less than it promises is caught there, not rewarded for its speed.
  bool end_batch();

  const Exchange& exchange() const { return *exchange_; }
  std::string error() const { return error_; }

 private:
  bool fail(const std::string& why);

  std::unique_ptr<Exchange> exchange_;
  std::string error_;
  // What else does the core need to remember?
  uint64_t seq_ = 0;
  Durability durability_ = Durability::kBatch;
  std::unique_ptr<JournalWriter> journal_;  // null: no journal
  bool failed_ = false;
};

}  // namespace swlab::lab5
