#include "persistence/journal_manifest.h"

#include <algorithm>

#include "persistence/file_io.h"
#include "persistence/journal_segment.h"

namespace swlab {

TextFileStatus read_journal_manifest(const std::string& dir, JournalManifest* m, std::string* error) {
  const std::string path = join_path(dir, kJournalManifestFile);
  std::vector<KeyedField> fields{{"newest"}, {"through"}};
  const TextFileStatus s = read_keyed_text_file(path, kJournalManifestKind, kJournalManifestVersion, &fields, error);
  if (s != TextFileStatus::kOk) return s;
  JournalManifest read;
  if (!parse_decimal(fields[0].value, &read.newest) || read.newest == 0) {
    *error = file_error_at(path, fields[0].offset, "newest is not a segment's first seq (a count from 1)");
    return TextFileStatus::kDamaged;
  }
  if (!parse_decimal(fields[1].value, &read.through)) {
    *error = file_error_at(path, fields[1].offset, "through is not a decimal seq");
    return TextFileStatus::kDamaged;
  }
  // Every update records at least the seq before the newest segment (open, roll)
  // or a later one (a snapshot, a close).
  if (read.through < read.newest - 1) {
    *error = file_error_at(path, fields[1].offset,
                           "through " + std::to_string(read.through) + " is before the newest segment (seq " +
                               std::to_string(read.newest) + " on): no writer records that");
    return TextFileStatus::kDamaged;
  }
  *m = read;
  return TextFileStatus::kOk;
}

bool write_journal_manifest(FileSystem& fs, const std::string& dir, const JournalManifest& m, std::string* error) {
  return write_keyed_text_file(fs, join_path(dir, kJournalManifestFile), kJournalManifestKind,
                               kJournalManifestVersion,
                               {{"newest", std::to_string(m.newest)}, {"through", std::to_string(m.through)}}, error);
}

bool check_journal_end(const std::string& dir, const JournalManifest& m, const std::vector<std::string>& segments,
                       uint64_t last_seq, bool torn_tail, std::string* error) {
  const std::string manifest = join_path(dir, kJournalManifestFile);
  const bool has_newest = std::any_of(segments.begin(), segments.end(),
                                      [&](const std::string& p) { return segment_first_seq(p) == m.newest; });
  if (!has_newest) {
    *error = join_path(dir, segment_file_name(m.newest)) + " is missing: " + manifest +
             " records it as the newest segment (seq " + std::to_string(m.newest) + " on), and the journal " +
             (segments.empty() ? std::string("has no segment at all")
                               : "ends with " + segments.back().substr(segments.back().find_last_of('/') + 1)) +
             " (a deleted segment?)";
    return false;
  }
  // A torn final record is the torn-tail rule's to judge (journal_format.h): it
  // cannot be told from a write the crash cut, whatever the manifest says.
  const bool final_record_torn = torn_tail && last_seq + 1 == m.through;
  if (last_seq < m.through && !final_record_torn) {
    *error = "the journal in " + dir + " ends at seq " + std::to_string(last_seq) + ", but " + manifest +
             " records seq " + std::to_string(m.through) + " as durable: records " + std::to_string(last_seq + 1) +
             ".." + std::to_string(m.through) + " are missing (a segment cut short or deleted)";
    return false;
  }
  return true;
}

}  // namespace swlab
