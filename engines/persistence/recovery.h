// Rebuilding a state from its directory: the newest usable snapshot, then the
// journal after it (docs/replay.md, "Recovery").
#pragma once

#include <cstdint>
#include <string>

#include "core/exchange.h"
#include "persistence/file_system.h"
#include "persistence/journal_scanner.h"

namespace swlab {

struct RecoveryReport {
  std::string snapshot;       // file loaded, empty if none
  uint64_t snapshot_seq = 0;
  uint64_t replayed = 0;      // journal records applied after the snapshot
  uint64_t last_seq = 0;      // the state is after this command
  uint64_t segments = 0;
  std::string warning;        // a torn tail, if any
  std::string note;           // what could not be checked (an older journal without a manifest)
  // `until` asked for a command after the end of the history: recovery stopped at
  // the last record (last_seq) instead.
  bool until_past_end = false;
};

// Rebuilds `exchange` (freshly constructed, with as many markets as the directory's
// swlab.meta says) from dir: the newest snapshot (at or below `until` when
// until > 0), then the journal after it, up to `until`. Every record must fit the
// exchange's shape. A bad snapshot, a bad record, a gap: false with an error naming
// the file and offset. A torn tail: a warning, and the file truncated (through fs;
// null: the real file system) when `repair`. The caller holds the directory's lock
// (dir_lock.h) when it repairs. For one shard of a sharded state, `shard` says
// which: every journaled command must belong to it.
bool recover(const std::string& dir, Exchange* exchange, uint64_t until, bool use_snapshots, bool repair,
             RecoveryReport* report, std::string* error, FileSystem* fs = nullptr, ShardPlace shard = {});

}  // namespace swlab
