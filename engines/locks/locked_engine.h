// The lock-based engines: one lock around one Exchange. The lock type is a
// template parameter so the hot path has no indirection; kSharedQueries selects
// the reader-writer behaviour (queries under a shared lock).
//
// With a journal (--journal), each mutating command is logged and, with durability
// batch or always, fsync'd inside the critical section: every other caller waits
// for the disk too. That is the cost the replay audit puts next to the
// single-writer engine's group commit.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "engine/engine.h"
#include "core/exchange.h"
#include "persistence/persistence.h"

namespace swlab {

template <class Lock, bool kSharedQueries>
class LockedEngine final : public Engine {
 public:
  LockedEngine(std::string name, uint32_t markets, const PersistenceConfig& journal = {})
      : name_(std::move(name)), exchange_(markets) {
    if (!journal.dir.empty()) {
      RecoveryReport report;
      uint64_t next = 1;
      persistence_ = Persistence::open(journal, &exchange_, &next, &report, &failure_);
      seq_ = next - 1;
    }
  }

  std::string_view name() const override { return name_; }

  Reply execute(const Command& cmd, ReplyBuffers* out) override {
    // A relaxed load of a line nobody writes until shutdown: stays in every
    // core's cache in the shared state and costs nothing measurable.
    if (stopped_.load(std::memory_order_relaxed)) return rejected(RejectReason::kShutdown);
    if constexpr (kSharedQueries) {
      if (is_query(cmd.type)) {
        std::shared_lock guard(lock_);
        Reply r = exchange_.apply(cmd, out);
        r.seq = seq_;
        return r;
      }
    }
    std::lock_guard guard(lock_);
    if (!is_sequenced(cmd.type)) {
      Reply r = exchange_.apply(cmd, out);
      r.seq = seq_;
      return r;
    }
    if (broken_) return rejected(RejectReason::kJournalFailed);
    Reply r = exchange_.apply(cmd, out);
    r.seq = ++seq_;
    if (persistence_ && !(persistence_->log(seq_, cmd) && persistence_->end_batch() &&
                          persistence_->maybe_snapshot(seq_, exchange_))) {
      broken_ = true;
      return rejected(RejectReason::kJournalFailed);
    }
    return r;
  }

  void submit(Request& req) override {
    req.reply = execute(req.cmd, req.out);
    req.done.complete_inline();
  }

  void for_each_market(const std::function<void(uint32_t, const Market&)>& f) override {
    std::lock_guard guard(lock_);
    for (uint32_t i = 0; i < exchange_.markets(); ++i) f(i, exchange_.market(i));
  }

  void shutdown() override { stopped_.store(true, std::memory_order_relaxed); }

  std::string failure() const override {
    std::lock_guard guard(lock_);
    if (!failure_.empty()) return failure_;
    return persistence_ && persistence_->failed() ? persistence_->error() : std::string();
  }

  bool snapshot(std::string* error) override {
    std::lock_guard guard(lock_);
    if (!persistence_) return Engine::snapshot(error);
    if (persistence_->snapshot(seq_, exchange_)) return true;
    if (error) *error = persistence_->error();
    return false;
  }

 private:
  static Reply rejected(RejectReason reason) {
    Reply r;
    r.status = Status::kRejected;
    r.reason = reason;
    return r;
  }

  const std::string name_;
  mutable Lock lock_;
  Exchange exchange_;
  uint64_t seq_ = 0;  // under lock_
  std::unique_ptr<Persistence> persistence_;
  bool broken_ = false;  // under lock_
  std::string failure_;  // set once in the constructor
  std::atomic<bool> stopped_{false};
};

}  // namespace swlab
