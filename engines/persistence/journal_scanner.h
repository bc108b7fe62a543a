// Reading the journal back: every segment in order, every record verified, and the
// torn-tail rule of journal_format.h deciding what a crash may have left.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/types.h"
#include "persistence/file_system.h"
#include "persistence/journal_format.h"

namespace swlab {

struct JournalScan {
  uint64_t first_seq = 0;  // first_seq of the first segment; 0 if there is none
  // seq of the last good record; first_seq - 1 if the segments hold none, 0 if there
  // are no segments. The writer's next_seq is last_seq + 1.
  uint64_t last_seq = 0;
  uint64_t records = 0;   // records passed to apply (seq >= from_seq)
  uint64_t segments = 0;  // segment files read
  bool torn_tail = false;
  std::string torn_file;     // the last segment, if torn_tail
  uint64_t torn_offset = 0;  // end of its last good record: where it is (or would be) cut
  std::string warning;       // says what was dropped, and whether the file was truncated
  // The journal has no manifest (journal_manifest.h): written before it existed, so
  // where it ends could not be checked. Empty otherwise.
  std::string note;
};

// Which shard of a sharded state (shard_layout.h) a journal belongs to: every
// record must name a market the route gives that shard. count 0: not a shard.
struct ShardPlace {
  uint32_t index = 0;
  uint32_t count = 0;
};

struct ScanOptions {
  std::string dir;
  // Records before from_seq are verified and skipped; 0 replays whatever the journal
  // holds. If from_seq >= 1 and the first segment starts after it, the records in
  // between are missing: an error.
  uint64_t from_seq = 0;
  // Truncate a torn tail to the end of the last good record (and fdatasync it).
  bool truncate_torn_tail = false;
  // When > 0, every record must fit a state with this many markets
  // (check_record_fits); 0 checks the format only.
  uint32_t markets = 0;
  // When count > 0, every record must belong to this shard.
  ShardPlace shard;
  // The truncation goes through it; null: the real file system.
  FileSystem* fs = nullptr;
};

// Reads every segment of opt.dir in order and verifies all of it (headers,
// continuity, every record's length, CRC, seq and, with opt.markets, its fit to
// the state), calling apply(seq, cmd) for each record with seq >= from_seq, in
// order. Segments are read in bounded chunks: memory does not grow with a file's
// size, and a file larger than the format allows, or not a regular file, is refused
// by name without being read.
// A torn tail (see the rule in journal_format.h) is not an error: it is described
// in out->warning and, if truncate_torn_tail, cut off. With a manifest
// (journal_manifest.h), the newest segment it records must be there and the
// records must reach its `through`, before anything is truncated; without one,
// out->note says the end was not checked. Any corruption returns false
// with an error naming the file and byte offset; nothing is skipped. If apply
// returns false, returns false with error "stopped by caller". apply has been
// called for every record before the point where the scan stopped, so a caller that
// must not apply anything from a damaged journal scans twice (first with a no-op
// apply). *out is filled in as far as the scan got, in every case. A missing dir is
// an empty journal.
bool scan_journal(const ScanOptions& opt,
                  const std::function<bool(uint64_t seq, const Command& cmd)>& apply,
                  JournalScan* out, std::string* error);

// The same, with the format checks only (no state to fit) and the real file system.
bool scan_journal(const std::string& dir, uint64_t from_seq,
                  const std::function<bool(uint64_t seq, const Command& cmd)>& apply,
                  JournalScan* out, std::string* error, bool truncate_torn_tail);

}  // namespace swlab
