// The project's state core (state_core.h): the Exchange, the sequence counter and,
// with a journal directory, the Persistence that journals, snapshots and recovers
// it. Single-threaded: the engine that owns it serialises every call, except
// sync_through() (the group commit's second half), which any thread may call.
// It offers every optional capability: snapshots, group commit, command work.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/exchange.h"
#include "engine/command_work.h"
#include "engine/state_core.h"
#include "persistence/journal_codec.h"
#include "persistence/persistence.h"

namespace swlab {

class ExchangeCore {
 public:
  bool open(uint32_t markets, const PersistenceConfig& journal, std::string* error);

  Reply apply(const Command& cmd, ReplyBuffers* out) {
    // Command work (command_work.h): part of applying every state-changing command,
    // whatever its outcome, so every engine does it inside its mutation step.
    if (work_iterations_ > 0 && is_sequenced(cmd.type)) {
      spin_work(work_iterations_, static_cast<uint64_t>(cmd.account) ^ static_cast<uint64_t>(cmd.order_id));
      ++worked_;
    }
    Reply r = exchange_->apply(cmd, out);
    // A query reads the state as of the current number. So does a command that does
    // not fit the state's shape (an unknown market, a negative account, a deposit
    // out of range): the market refuses it, it changes nothing, and journaling it
    // would leave a record that recovery must refuse as damage.
    if (!is_sequenced(cmd.type) || !record_fits(cmd, markets_)) {
      r.seq = seq_;
      return r;
    }
    r.seq = ++seq_;
    // After a failure nothing more is logged: the engine refuses everything from the
    // batch that failed on, so the journal must not grow past it either.
    if (persistence_ && !persistence_->failed()) persistence_->log(seq_, cmd);
    return r;
  }

  bool end_batch() {
    if (!persistence_) return true;
    return !persistence_->failed() && persistence_->end_batch() && persistence_->maybe_snapshot(seq_, *exchange_);
  }

  // Group commit (GroupCommitCore): end_batch() as write, then sync outside the lock.
  bool write_batch() {
    if (!persistence_) return true;
    return !persistence_->failed() && persistence_->write_batch() && persistence_->maybe_snapshot(seq_, *exchange_);
  }
  // Any thread: persistence_ is set once, in open().
  bool sync_through(uint64_t seq) { return !persistence_ || persistence_->sync_through(seq); }
  uint64_t journal_syncs() const { return persistence_ ? persistence_->journal_syncs() : 0; }

  void set_command_work(uint64_t iterations) { work_iterations_ = iterations; }
  // State-changing commands that performed the work: a test's evidence that it ran.
  uint64_t worked_commands() const { return worked_; }

  bool snapshot(std::string* error);

  const Exchange& exchange() const { return *exchange_; }
  uint64_t last_seq() const { return seq_; }
  bool journaled() const { return persistence_ != nullptr; }
  std::string error() const { return error_.empty() && persistence_ ? persistence_->error() : error_; }

 private:
  std::unique_ptr<Exchange> exchange_;
  uint32_t markets_ = 0;
  uint64_t seq_ = 0;
  uint64_t work_iterations_ = 0;
  uint64_t worked_ = 0;
  std::unique_ptr<Persistence> persistence_;  // null: no journal
  std::string error_;                         // set by open() only
};
static_assert(SnapshottingCore<ExchangeCore>);
static_assert(GroupCommitCore<ExchangeCore>);
static_assert(CommandWorkCore<ExchangeCore>);

}  // namespace swlab
