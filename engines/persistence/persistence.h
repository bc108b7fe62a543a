// Journal + snapshots + recovery for one engine's state, owned by the thread that
// mutates it (the single-writer engine's thread, or whoever holds a lock engine's
// lock). Only sync_through() may be called from other threads, concurrently with
// the owner: that is the lock engines' group commit. docs/replay.md describes the
// promise of each durability mode.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/enum_names.h"
#include "core/exchange.h"
#include "persistence/dir_lock.h"
#include "persistence/file_system.h"
#include "persistence/journal.h"
#include "persistence/persistence_config.h"
#include "persistence/recovery.h"
#include "persistence/sequenced.h"
#include "persistence/state_meta.h"

namespace swlab {

// Checks, before any work starts, that dir can hold a journal: it exists or can be
// created, is a directory, a file can be created in it, and no other process holds
// its lock (dir_lock.h). False with a message naming dir: a caller reports it as a
// usage error (exit 2) rather than failing later, mid-run.
bool check_state_directory(const std::string& dir, std::string* error);

// Makes `dir` a state directory for `markets` markets: creates it if needed; if it
// has a swlab.meta, checks that it says `markets`; otherwise refuses a directory
// that holds journal or snapshot files already, and writes one (durably). The
// swlab.meta file is what `swlab replay` reads first. False with *error naming the
// directory or file. Every write goes through fs (a test's simulated disk).
bool ensure_state_meta(const std::string& dir, uint32_t markets, std::string* error,
                       FileSystem& fs = posix_file_system());

// Deletes the .tmp files a crash can leave beside swlab.meta, the manifest, the
// segments and the snapshots of dir (links under those names included: unlink
// never follows one). Only the directory's lock holder may: a writer's .tmp is
// complete only once it is renamed.
void remove_stale_temporaries(FileSystem& fs, const std::string& dir);

class Persistence {
 public:
  // Takes cfg.dir's lock (one writer per directory), recovers any state already
  // there into `exchange` (repairing a torn tail), then opens the journal to
  // continue after it. *next_seq is the first number the engine will give. Null
  // with *error on failure; the lock is held until the Persistence is destroyed.
  static std::unique_ptr<Persistence> open(const PersistenceConfig& cfg, Exchange* exchange, uint64_t* next_seq,
                                           RecoveryReport* report, std::string* error);
  // The clean close (JournalWriter::close): the journal synced and its end recorded
  // in the manifest, then the lock let go. Errors are ignored: the manifest then
  // keeps its last record, which is still true.
  ~Persistence();

  // Logs one applied command. With kAlways it is durable when this returns true.
  bool log(uint64_t seq, const Command& cmd);
  // After a batch of log() calls: kNone writes, kBatch syncs.
  bool end_batch();
  // end_batch() in two halves, for a batch that ends on one thread while the next is
  // being applied on another (a lock engine's group commit):
  //   write_batch()     the owner: the batch's records handed to the kernel (write(2))
  //   sync_through(seq) any thread, after the owner's write_batch() for seq: as
  //                     durable as end_batch() would have made it. With kBatch one
  //                     fdatasync covers every record written before it started, so
  //                     a thread whose record an earlier sync covered makes none.
  // Together they promise exactly what end_batch() promises.
  bool write_batch();
  bool sync_through(uint64_t seq);
  // fdatasyncs of the journal so far (segment changes and snapshots included); any thread.
  uint64_t journal_syncs() const;
  // Takes a snapshot when snapshot_every commands have passed since the last one.
  bool maybe_snapshot(uint64_t seq, const Exchange& exchange);
  // Syncs the journal (a snapshot must never be ahead of it), writes a snapshot,
  // and then, the new one being durable, deletes all but the newest keep_snapshots.
  bool snapshot(uint64_t seq, const Exchange& exchange);

  bool failed() const { return failed_.load(std::memory_order_acquire); }
  std::string error() const {
    std::lock_guard guard(error_mutex_);
    return error_;
  }
  Durability durability() const { return cfg_.durability; }

 private:
  Persistence(PersistenceConfig cfg, std::unique_ptr<StateDirLock> lock, std::unique_ptr<JournalWriter> writer,
              uint64_t last_snapshot);
  bool fail(const std::string& e);
  FileSystem& fs() const { return cfg_.file_system != nullptr ? *cfg_.file_system : posix_file_system(); }

  PersistenceConfig cfg_;
  std::unique_ptr<StateDirLock> lock_;
  std::unique_ptr<JournalWriter> writer_;
  uint64_t last_snapshot_;
  std::atomic<bool> failed_{false};
  mutable std::mutex error_mutex_;
  std::string error_;  // under error_mutex_: the first failure
};

}  // namespace swlab
