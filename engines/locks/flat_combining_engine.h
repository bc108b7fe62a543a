// `flat-combining`: one lock, and the thread that gets it does everyone's work
// (Hendler, Incze, Shavit, Tzafrir, "Flat Combining and the Synchronization-
// Parallelism Tradeoff", SPAA 2010). The lock world's own answer to the problem the
// single-writer engine solves: instead of every caller dragging the state's cache
// lines to its own core in turn, one thread (the combiner) applies a whole batch of
// requests while the state stays hot in its cache.
//
// A caller publishes its request in a publication record and then either
//   - finds it answered (some combiner applied it), or
//   - takes the lock and becomes the combiner: it scans every record, applies each
//     pending request in record order (a deterministic order; the core numbers them
//     gap-free), makes the pass durable with one end_batch() (with a journal: one
//     fdatasync per pass, the group commit), answers them all, and scans again while
//     the scan finds work (at most kMaxPasses), then lets the lock go.
// A caller that did neither spins briefly and then sleeps on its record's state
// word (a futex). A combiner that lets the lock go wakes one sleeper whose request
// is still pending, so that it combines next: with more threads than cores (2 CPUs
// here) a combiner may be descheduled, and nothing may wait on a thread that is not
// running. The hand-off is a Dekker pairing in the seq_cst order (a sleeper announces
// itself, then reads the lock; the combiner frees the lock, then reads the records),
// so either the sleeper sees the lock free and combines itself, or the combiner sees
// the sleeper and wakes it: a request is never stranded.
//
// Records are claimed per call, with a per-thread hint, so in steady state each thread
// reuses the same record (Hendler's per-thread record) without tying a record to a
// thread's lifetime. The scan covers the records ever claimed (high_), not all of them.
//
// Like the lock engines it borrows the callers' threads (no thread of its own) and
// completes submit inline, so asynchronous() is false. Shutdown: a request published
// before shutdown() is answered by whoever combines next; one arriving after it is
// refused `shutdown`.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/exchange.h"
#include "core/market.h"
#include "engine/command_work.h"
#include "engine/engine.h"
#include "engine/exchange_core.h"
#include "engine/state_core.h"
#include "locks/annotated_lock.h"
#include "persistence/sequenced.h"
#include "platform/cache_line.h"
#include "platform/cpu_relax.h"
#include "platform/futex.h"
#include "platform/thread_annotations.h"

namespace swlab {

template <StateCore Core = ExchangeCore>
class FlatCombiningEngine final : public Engine {
 public:
  // Callers that can have a request published at once; a further one waits for a
  // free record (yielding). Far above any thread count this machine can run.
  static constexpr uint32_t kRecords = 64;
  // A caller checks its record this many times (with PAUSE) before it sleeps: about
  // one combiner pass of a few requests, so a request answered soon costs no syscall.
  static constexpr int kSpins = 256;
  // Passes one combiner makes while requests keep arriving: more passes keep the
  // state hot for longer, but the combiner's own caller waits for all of them.
  static constexpr int kMaxPasses = 3;

  FlatCombiningEngine(std::string name, uint32_t markets, const PersistenceConfig& journal = {},
                      uint64_t work_iterations = 0)
      : name_(std::move(name)) {
    if (!core_.open(markets, journal, &init_error_) && init_error_.empty())
      init_error_ = "the state core could not be opened";
    configure_command_work(core_, work_iterations);
  }

  std::string_view name() const override { return name_; }

  Reply execute(const Command& cmd, ReplyBuffers* out) override {
    // Relaxed: as in the lock engines, a line nobody writes until shutdown.
    if (signals_.stopped.load(std::memory_order_relaxed)) return rejected(RejectReason::kShutdown);
    Record& rec = claim();
    rec.cmd = &cmd;
    rec.out = out;
    rec.control = nullptr;
    return publish_and_wait(rec);
  }

  void submit(Request& req) override {
    req.reply = execute(req.cmd, req.out);
    req.done.complete_inline();
  }

  void for_each_market(const std::function<void(uint32_t, const Market&)>& f) override {
    run_control([&](Core& core) {
      const Exchange& exchange = core.exchange();
      for (uint32_t i = 0; i < exchange.markets(); ++i) f(i, exchange.market(i));
    });
  }

  void for_market(uint32_t market, const std::function<void(const Market&)>& f) override {
    run_control([&](Core& core) { f(core.exchange().market(market)); });
  }

  void shutdown() override { signals_.stopped.store(true, std::memory_order_relaxed); }

  std::string failure() const override {
    if (!init_error_.empty()) return init_error_;
    ExclusiveLock guard(failure_mutex_);
    return failure_;
  }

  bool snapshot(std::string* error) override {
    if constexpr (SnapshottingCore<Core>) {
      if (!init_error_.empty()) return Engine::snapshot(error);
      bool ok = false;
      std::string why;
      run_control([&](Core& core) { ok = core.snapshot(&why); });
      if (!ok && error) *error = why;
      return ok;
    } else {
      if (error) *error = "this engine's core takes no snapshots";
      return false;
    }
  }

 private:
  // Inspection, run by the combiner (under the lock) on the core, serialised with
  // commands.
  using Control = std::function<void(Core&)>;

  // Record states; the word is also the futex a sleeping owner waits on.
  static constexpr uint32_t kFree = 0;      // nobody's
  static constexpr uint32_t kClaimed = 1;   // an owner is filling it in
  static constexpr uint32_t kPending = 2;   // published: any combiner may apply it
  static constexpr uint32_t kSleeping = 3;  // published, and its owner sleeps on the word
  static constexpr uint32_t kDone = 4;      // answered: reply is final

  // One caller's request and its reply. Each record on its own lines: the combiner
  // writes a reply into one record while that record's owner polls it, and no other
  // owner's polling may share those lines.
  struct alignas(kCacheLine) Record {
    std::atomic<uint32_t> state{kFree};
    // Written by the owner before it publishes (a release), read by the combiner
    // after it sees kPending or kSleeping (an acquire).
    const Command* cmd = nullptr;
    ReplyBuffers* out = nullptr;
    const Control* control = nullptr;  // inspection, serialised with commands
    // Written by the combiner before kDone (a release), read by the owner after it.
    Reply reply;
  };
  static_assert(alignof(Record) == kCacheLine, "each record starts on its own line");
  static_assert(sizeof(Record) % kCacheLine == 0, "no record shares a line with the next");

  // The combiner's lock: a word, taken only by trying (a caller that finds it held
  // waits on its own record instead), and a capability the analysis checks
  // (platform/thread_annotations.h): what only the combiner touches is GUARDED_BY it.
  class CAPABILITY("combiner lock") CombinerLock {
   public:
    bool try_lock() TRY_ACQUIRE(true) {
      return word_.load(std::memory_order_relaxed) == 0 && word_.exchange(1, std::memory_order_seq_cst) == 0;
    }
    // seq_cst: the combiner's half of the Dekker pairing with a sleeper's "announce,
    // then read the lock" (hand_off()).
    void unlock() RELEASE() { word_.store(0, std::memory_order_seq_cst); }
    bool free() const { return word_.load(std::memory_order_seq_cst) == 0; }

   private:
    std::atomic<uint32_t> word_{0};
  };

  // The words every caller touches, each on its own line.
  struct Signals {
    // Written by every combiner on acquire and release.
    alignas(kCacheLine) CombinerLock lock;
    // Read by every combiner pass; written only when a record beyond it is first claimed.
    alignas(kCacheLine) std::atomic<uint32_t> high{0};
    std::atomic<bool> stopped{false};
  };
  static_assert(offsetof(Signals, high) - offsetof(Signals, lock) >= kCacheLine,
                "the lock word and the scan bound must not share a line");
  static_assert(sizeof(Signals) % kCacheLine == 0, "the records must not share the signals' last line");

  static Reply rejected(RejectReason reason) {
    Reply r;
    r.status = Status::kRejected;
    r.reason = reason;
    return r;
  }

  Record& claim() {
    // The record this thread used last: in steady state, its own.
    thread_local uint32_t hint = 0;
    for (;;) {
      for (uint32_t k = 0; k < kRecords; ++k) {
        const uint32_t i = (hint + k) % kRecords;
        uint32_t expected = kFree;
        if (records_[i].state.load(std::memory_order_relaxed) == kFree &&
            records_[i].state.compare_exchange_strong(expected, kClaimed, std::memory_order_acquire)) {
          hint = i;
          // Raise the scan bound before publishing, so a combiner that sees the
          // request also scans far enough to find it (both seq_cst: see publish).
          uint32_t high = signals_.high.load(std::memory_order_seq_cst);
          while (high < i + 1 &&
                 !signals_.high.compare_exchange_weak(high, i + 1, std::memory_order_seq_cst)) {
          }
          return records_[i];
        }
      }
      std::this_thread::yield();  // every record in use: more callers than kRecords
    }
  }

  Reply publish_and_wait(Record& rec) {
    rec.state.store(kPending, std::memory_order_seq_cst);
    int spins = 0;
    for (;;) {
      const uint32_t s = rec.state.load(std::memory_order_acquire);
      if (s == kDone) break;
      if (signals_.lock.try_lock()) {
        combine();  // our own request was published before the lock: this pass answers it
        continue;
      }
      if (++spins < kSpins) {
        cpu_relax();
        continue;
      }
      spins = 0;
      // Announce the sleep (or find it announced before a wake-up meant for an
      // earlier request of ours, or a spurious one).
      uint32_t expected = kPending;
      if (!rec.state.compare_exchange_strong(expected, kSleeping, std::memory_order_seq_cst) &&
          expected != kSleeping)
        continue;  // answered meanwhile
      // Announced; now the lock. Free: nobody is combining and nobody will wake us,
      // so take our request back and combine ourselves.
      if (signals_.lock.free()) {
        expected = kSleeping;
        rec.state.compare_exchange_strong(expected, kPending, std::memory_order_seq_cst);
        continue;
      }
      futex_wait(rec.state, kSleeping);
    }
    Reply r = rec.reply;
    rec.state.store(kFree, std::memory_order_release);
    return r;
  }

  // The caller holds the lock; lets it go before returning.
  void combine() RELEASE(signals_.lock) {
    std::array<uint32_t, kRecords * kMaxPasses> woken;  // owners asleep on records answered here
    uint32_t wake = 0;
    for (int pass = 0; pass < kMaxPasses; ++pass) {
      const uint32_t high = signals_.high.load(std::memory_order_acquire);
      uint32_t n = 0;
      for (uint32_t i = 0; i < high; ++i) {
        const uint32_t s = records_[i].state.load(std::memory_order_acquire);
        if (s != kPending && s != kSleeping) continue;
        apply(records_[i]);
        batch_[n++] = i;
      }
      if (n == 0) break;
      end_batch(n);
      for (uint32_t k = 0; k < n; ++k)
        if (records_[batch_[k]].state.exchange(kDone, std::memory_order_acq_rel) == kSleeping) woken[wake++] = batch_[k];
    }
    signals_.lock.unlock();
    // Syscalls after the lock is free: the next combiner need not wait for them. A
    // record's owner may already have moved on; a wake-up it does not need is harmless.
    for (uint32_t k = 0; k < wake; ++k) futex_wake_all(records_[woken[k]].state);
    hand_off();
  }

  // A request published after our last scan, whose owner went to sleep while we held
  // the lock, would wait forever: wake one such owner to combine next.
  void hand_off() {
    const uint32_t high = signals_.high.load(std::memory_order_seq_cst);
    for (uint32_t i = 0; i < high; ++i) {
      uint32_t expected = kSleeping;
      if (records_[i].state.load(std::memory_order_seq_cst) == kSleeping &&
          records_[i].state.compare_exchange_strong(expected, kPending, std::memory_order_seq_cst)) {
        futex_wake_all(records_[i].state);
        return;
      }
    }
  }

  void apply(Record& rec) REQUIRES(signals_.lock) {
    if (rec.control) {
      (*rec.control)(core_);
      rec.reply = Reply{};
      return;
    }
    if (broken_ && is_sequenced(rec.cmd->type)) {
      rec.reply = rejected(RejectReason::kJournalFailed);
      return;
    }
    rec.reply = core_.apply(*rec.cmd, rec.out);
  }

  // The pass is one batch: durable (as promised) before any of its replies is released.
  void end_batch(uint32_t n) REQUIRES(signals_.lock) {
    if (broken_ || core_.end_batch()) return;
    broken_ = true;
    {
      ExclusiveLock guard(failure_mutex_);
      if (failure_.empty()) failure_ = core_.error().empty() ? "the journal failed" : core_.error();
    }
    for (uint32_t k = 0; k < n; ++k) {
      Record& rec = records_[batch_[k]];
      if (rec.control || !is_sequenced(rec.cmd->type)) continue;
      const uint64_t seq = rec.reply.seq;
      rec.reply = rejected(RejectReason::kJournalFailed);
      rec.reply.seq = seq;
    }
  }

  // Inspection goes through a record like a command, so it is serialised with them.
  void run_control(const Control& f) {
    if (!init_error_.empty()) return;
    Record& rec = claim();
    rec.cmd = nullptr;
    rec.out = nullptr;
    rec.control = &f;
    publish_and_wait(rec);
  }

  const std::string name_;
  Signals signals_;
  std::array<Record, kRecords> records_;
  // The combiner's (under the lock).
  Core core_ GUARDED_BY(signals_.lock);
  std::array<uint32_t, kRecords> batch_ GUARDED_BY(signals_.lock){};
  bool broken_ GUARDED_BY(signals_.lock) = false;  // the journal failed: state changes are refused
  std::string init_error_;  // set once in the constructor
  mutable AnnotatedLock<std::mutex> failure_mutex_;
  std::string failure_ GUARDED_BY(failure_mutex_);
};

}  // namespace swlab
