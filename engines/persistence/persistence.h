// Journal + snapshots + recovery for one engine's state, owned by the thread that
// mutates it (the single-writer engine's thread, or the mutex engine's critical
// section). docs/replay.md describes the promise of each durability mode.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/exchange.h"
#include "persistence/journal.h"

namespace swlab {

enum class Durability {
  kNone,    // records written with write(2) after each batch; no fsync: a crash of
            // the machine may lose acknowledged commands (a crash of the process
            // does not: the page cache survives it)
  kBatch,   // group commit: one fdatasync per engine batch, and the batch's replies
            // are released only after it: an acknowledged command is durable
  kAlways,  // fdatasync after every command: durable, and the slowest
};
std::string_view to_string(Durability d);
bool parse_durability(std::string_view s, Durability* out);

// Commands that change state are sequenced and journaled, whatever their outcome
// (a rejected order is replayed to the same rejection). Queries read the state at
// the current sequence number and take no number of their own.
constexpr bool is_sequenced(CommandType t) { return !is_query(t); }

struct PersistenceConfig {
  std::string dir;
  Durability durability = Durability::kBatch;
  uint64_t snapshot_every = 0;  // commands between snapshots; 0 = only on request
  std::size_t segment_bytes = 64 << 20;
};

struct RecoveryReport {
  std::string snapshot;       // file loaded, empty if none
  uint64_t snapshot_seq = 0;
  uint64_t replayed = 0;      // journal records applied after the snapshot
  uint64_t last_seq = 0;      // the state is after this command
  uint64_t segments = 0;
  std::string warning;        // a torn tail, if any
};

// Rebuilds `exchange` (freshly constructed) from dir: the newest snapshot (at or
// below `until` when until > 0), then the journal after it, up to `until`. A bad
// snapshot, a bad record, a gap: false with an error naming the file and offset.
// A torn tail: a warning, and the file truncated when `repair`.
bool recover(const std::string& dir, Exchange* exchange, uint64_t until, bool use_snapshots, bool repair,
             RecoveryReport* report, std::string* error);

// The number of markets a directory's state has (from its swlab.meta file); false
// if the directory holds no swlab state.
bool read_markets(const std::string& dir, uint32_t* markets, std::string* error);

// Makes `dir` a state directory for `markets` markets: creates it if needed; if it
// has a swlab.meta, checks that it says `markets`; otherwise refuses a directory
// that holds journal or snapshot files already, and writes one (durably). The
// swlab.meta file is what `swlab replay` reads first. False with *error naming the
// directory or file.
bool ensure_state_meta(const std::string& dir, uint32_t markets, std::string* error);

class Persistence {
 public:
  // Recovers any state already in cfg.dir into `exchange` (repairing a torn tail),
  // then opens the journal to continue after it. *next_seq is the first number the
  // engine will give. Null with *error on failure.
  static std::unique_ptr<Persistence> open(const PersistenceConfig& cfg, Exchange* exchange, uint64_t* next_seq,
                                           RecoveryReport* report, std::string* error);

  // Logs one applied command. With kAlways it is durable when this returns true.
  bool log(uint64_t seq, const Command& cmd);
  // After a batch of log() calls: kNone writes, kBatch syncs.
  bool end_batch();
  // Takes a snapshot when snapshot_every commands have passed since the last one.
  bool maybe_snapshot(uint64_t seq, const Exchange& exchange);
  // Syncs the journal (a snapshot must never be ahead of it) and writes a snapshot.
  bool snapshot(uint64_t seq, const Exchange& exchange);

  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }
  Durability durability() const { return cfg_.durability; }

 private:
  Persistence(PersistenceConfig cfg, std::unique_ptr<JournalWriter> writer, uint64_t last_snapshot);
  bool fail(const std::string& e);

  PersistenceConfig cfg_;
  std::unique_ptr<JournalWriter> writer_;
  uint64_t last_snapshot_;
  bool failed_ = false;
  std::string error_;
};

}  // namespace swlab
