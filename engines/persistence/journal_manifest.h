// journal.manifest: where the journal ends. The segments alone cannot say it: each
// continues the previous one, so a deleted or cut-away segment in the middle is
// found, but the last one leaves no trace (and every restart of a writer starts a
// new segment, so the last one can be a whole run). The manifest is a durable
// record, kept beside the segments, of
//
//   newest   the first_seq of the newest segment when it was written: that segment
//            must exist (later ones may: a segment started just before a crash,
//            whose manifest update never happened);
//   through  records 1..through were durable when it was written: the journal must
//            reach at least that seq.
//
// FORMAT, version 1 (keyed_text_file.h):
//   swlab-journal 1
//   newest <first_seq of the newest segment>
//   through <seq>
//   crc32c <8 hex digits>
//
// WHEN IT IS WRITTEN (JournalWriter), always after what it records is durable:
//   open   a writer syncs the segment it continues after, starts its own, and then
//          records newest = its first_seq, through = first_seq - 1;
//   roll   the finished segment synced, the next one started: the same;
//   mark   a snapshot (the journal is synced first): through = the snapshot's seq;
//   close  a clean close (JournalWriter::close, which an engine's Persistence calls
//          when it shuts down) syncs the last records, then records through = the
//          last seq. A writer destroyed without it records nothing more.
// So `through` never claims a record the disk may not hold, and what the manifest
// cannot protect is only what was written after its last update by a writer that
// then died: the torn-tail rule of journal_format.h covers that part, unchanged.
// The rule also keeps its one blind spot: damage to the very last record reads as
// a torn write, so a torn tail may take the record `through` itself (not more).
//
// A directory without a manifest was written before it existed: it is read as
// before (the segments' own continuity is all there is to check), and the first
// writer to open it writes one. Recovery says so in a note.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "persistence/file_system.h"
#include "persistence/keyed_text_file.h"

namespace swlab {

inline constexpr const char* kJournalManifestFile = "journal.manifest";
inline constexpr const char* kJournalManifestKind = "swlab-journal";
inline constexpr uint32_t kJournalManifestVersion = 1;

struct JournalManifest {
  uint64_t newest = 0;   // first_seq of the newest segment
  uint64_t through = 0;  // records 1..through were durable
};

// Reads dir/journal.manifest: kOk with *m, kMissing (an older journal), or
// kDamaged with *error naming the file and the offset.
TextFileStatus read_journal_manifest(const std::string& dir, JournalManifest* m, std::string* error);

// Writes it durably through fs.
bool write_journal_manifest(FileSystem& fs, const std::string& dir, const JournalManifest& m, std::string* error);

// Checks a scanned journal against its manifest: the segments listed (paths, in
// seq order) must include the newest one, and the last good record must be at or
// after `through`, but for one thing: the torn-tail rule of journal_format.h still
// holds for the final record, so when the scan found a torn tail, the record
// `through` itself may be the one torn. False with *error naming the manifest and
// what is missing.
bool check_journal_end(const std::string& dir, const JournalManifest& m, const std::vector<std::string>& segments,
                       uint64_t last_seq, bool torn_tail, std::string* error);

}  // namespace swlab
