// Lab 5 reference solution: the project's Persistence does the journal, the
// snapshots (snapshot_every) and recovery; the core numbers and calls it, as
// SingleWriterEngine::apply_batch does.
#include <lab_reference_guard.h>  // the reference: a student build stops here (labs/common/rules/)
#include "core.h"

namespace swlab::lab5 {

bool JournaledCore::open(uint32_t markets, const PersistenceConfig& cfg, std::string* error) {
  exchange_ = std::make_unique<Exchange>(markets);
  if (cfg.dir.empty()) return true;
  RecoveryReport report;
  uint64_t next = 1;
  persistence_ = Persistence::open(cfg, exchange_.get(), &next, &report, error);
  if (!persistence_) return false;
  seq_ = next - 1;
  return true;
}

Reply JournaledCore::apply(const Command& cmd, ReplyBuffers* out) {
  Reply r = exchange_->apply(cmd, out);
  if (!is_sequenced(cmd.type)) {
    r.seq = seq_;
    return r;
  }
  r.seq = ++seq_;
  if (persistence_ && !persistence_->failed()) persistence_->log(seq_, cmd);
  return r;
}

bool JournaledCore::snapshot(std::string* error) {
  if (!persistence_) {
    if (error) *error = "this engine keeps no journal (use --journal DIR)";
    return false;
  }
  if (persistence_->snapshot(seq_, *exchange_)) return true;
  if (error) *error = persistence_->error();
  return false;
}

bool JournaledCore::end_batch() {
  if (!persistence_) return true;
  return !persistence_->failed() && persistence_->end_batch() && persistence_->maybe_snapshot(seq_, *exchange_);
}

}  // namespace swlab::lab5
