// The lock-based engines: one lock around one state core. The lock type is a
// template parameter so the hot path has no indirection; kSharedQueries selects
// the reader-writer behaviour (queries under a shared lock); Core is the state
// (engine/state_core.h), the same one the single-writer engine drives.
//
// With a journal (--journal), each mutating command is logged under the lock. How it
// is made durable depends on the core and the durability mode:
//   - group commit (a GroupCommitCore, durability batch: the default): the record is
//     written under the lock, the lock is let go, and the caller then syncs outside
//     it, unless a sync that started after its record was written has already
//     covered it (JournalWriter::sync_through). While one caller waits for the disk,
//     the others apply their commands and queue behind that sync; the next sync
//     covers all of them. The reply is released only after the covering sync: an
//     acknowledged command is durable, exactly as with the single-writer engine's
//     batches;
//   - durability always, or a core without group commit (lab cores): the record is
//     synced inside the critical section, one fdatasync per command, and every
//     other caller waits for the disk too: the baseline the group commit is
//     measured against.
#pragma once

#include <atomic>
#include <string>

#include "core/exchange.h"
#include "core/market.h"
#include "engine/command_work.h"
#include "engine/engine.h"
#include "engine/exchange_core.h"
#include "engine/state_core.h"
#include "locks/annotated_lock.h"
#include "persistence/sequenced.h"
#include "platform/cache_line.h"
#include "platform/thread_annotations.h"

namespace swlab {

template <class Lock, bool kSharedQueries, StateCore Core = ExchangeCore>
class LockedEngine final : public Engine {
 public:
  LockedEngine(std::string name, uint32_t markets, const PersistenceConfig& journal = {}, uint16_t shard = 0,
               uint64_t work_iterations = 0)
      : name_(std::move(name)), shard_(shard) {
    if (!core_.open(markets, journal, &failure_) && failure_.empty()) failure_ = "the state core could not be opened";
    configure_command_work(core_, work_iterations);
  }

  std::string_view name() const override { return name_; }

  Reply execute(const Command& cmd, ReplyBuffers* out) override {
    Reply r = execute_unstamped(cmd, out);
    r.shard = shard_;
    return r;
  }

  void submit(Request& req) override {
    req.reply = execute(req.cmd, req.out);
    req.done.complete_inline();
  }

  void for_each_market(const std::function<void(uint32_t, const Market&)>& f) override {
    ExclusiveLock guard(lock_);
    const Exchange& exchange = core_.exchange();
    for (uint32_t i = 0; i < exchange.markets(); ++i) f(i, exchange.market(i));
  }

  void shutdown() override { stopped_.store(true, std::memory_order_relaxed); }

  std::string failure() const override {
    ExclusiveLock guard(lock_);
    if (!failure_.empty()) return failure_;
    return broken_.load(std::memory_order_relaxed) ? core_.error() : std::string();
  }

  // fdatasyncs of the journal so far: group commit makes fewer than acknowledgements.
  uint64_t journal_syncs() const {
    if constexpr (requires(const Core& c) { c.journal_syncs(); }) return core_outside_lock().journal_syncs();
    return 0;
  }

  bool snapshot(std::string* error) override {
    if constexpr (SnapshottingCore<Core>) {
      ExclusiveLock guard(lock_);
      if (!failure_.empty()) return Engine::snapshot(error);
      return core_.snapshot(error);
    } else {
      if (error) *error = "this engine's core takes no snapshots";
      return false;
    }
  }

 private:
  Reply execute_unstamped(const Command& cmd, ReplyBuffers* out) {
    // A relaxed load of a line nobody writes until shutdown: stays in every
    // core's cache in the shared state and costs nothing measurable.
    if (stopped_.load(std::memory_order_relaxed)) return rejected(RejectReason::kShutdown);
    // handout-omit: begin (lab 2's answer: labs/make_handout.sh cuts these lines)
    if constexpr (kSharedQueries) {
      // A query reads: Core::apply changes nothing for it, so readers may share.
      if (is_query(cmd.type)) {
        SharedLock guard(lock_);
        return core_.apply(cmd, out);
      }
    }
    // handout-omit: end
    Reply r;
    {
      ExclusiveLock guard(lock_);
      if (!is_sequenced(cmd.type)) return core_.apply(cmd, out);
      if (broken_.load(std::memory_order_relaxed)) return rejected(RejectReason::kJournalFailed);
      r = core_.apply(cmd, out);
      if constexpr (GroupCommitCore<Core>) {
        // Written (handed to the kernel) under the lock, in mutation order.
        if (!core_.write_batch()) return journal_failed(r.seq);
      } else {
        // Each command is its own batch: durable (as promised) before the lock is let go.
        if (!core_.end_batch()) return journal_failed(r.seq);
        return r;
      }
    }
    // Outside the lock: the next caller applies while this one waits for the disk,
    // and whoever syncs next covers both (a state change's seq is its record's; a
    // refused one carries the current number, whose record is already written).
    if constexpr (GroupCommitCore<Core>) {
      if (!core_outside_lock().sync_through(r.seq)) return journal_failed(r.seq);
    }
    return r;
  }

  static Reply rejected(RejectReason reason) {
    Reply r;
    r.status = Status::kRejected;
    r.reason = reason;
    return r;
  }

  // Nothing may be acknowledged that is not known to be durable; the engine accepts
  // no more state changes. The reply keeps its number, as the single-writer engine's
  // do: the command was applied, and the number says where.
  Reply journal_failed(uint64_t seq) {
    broken_.store(true, std::memory_order_relaxed);
    Reply r = rejected(RejectReason::kJournalFailed);
    r.seq = seq;
    return r;
  }

  // The calls a core allows from any thread, concurrently with the others
  // (state_core.h: sync_through, the group commit's second half, and the count of
  // syncs): the one way to the core without the lock, named so that the analysis
  // checks every other access.
  Core& core_outside_lock() NO_THREAD_SAFETY_ANALYSIS { return core_; }
  const Core& core_outside_lock() const NO_THREAD_SAFETY_ANALYSIS { return core_; }

  // Laid out in three groups by who writes what (docs/architecture.md, "The lock
  // engines' layout"), the lock's alone in its 128-byte pair:
  //   - read by every caller on every call, and written at most once: the vptr
  //     (Engine's, first), the name, the shard, the stop flag and the constructor's
  //     failure. Sharing the lock's lines, every acquisition elsewhere would turn a
  //     caller's virtual call into a miss (it did: the lock sat on the vptr's line);
  //   - the lock, written by every acquisition and release;
  //   - what it guards: the core, whose sequence counter every state-changing command
  //     writes, and the broken flag. A waiter retrying the lock must not take the
  //     holder's state with it, nor the holder's writes invalidate the waiters' copy
  //     of the lock (they shared a 128-byte pair).
  // The price: a new holder fetches the lock's line and then the state's, where one
  // shared line would move once; it touches the market's book, several lines more, in
  // any case.
  const std::string name_;
  const uint16_t shard_;
  std::atomic<bool> stopped_{false};
  std::string failure_;  // set once in the constructor
  mutable AnnotatedLock<Lock> lock_;
  Core core_ GUARDED_BY(lock_);
  // The core failed; mutations are refused. Set under the lock, or by a caller whose
  // sync failed outside it; read under the lock.
  std::atomic<bool> broken_{false};

  static_assert(alignof(AnnotatedLock<Lock>) == kCacheLine && sizeof(AnnotatedLock<Lock>) == kCacheLine,
                "the lock must start and fill a 128-byte pair of its own: nothing before it or after it "
                "shares its lines");
};

}  // namespace swlab
