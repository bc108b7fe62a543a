#include "persistence/recovery.h"

#include "persistence/journal_scanner.h"
#include "persistence/snapshot.h"

namespace swlab {

bool recover(const std::string& dir, Exchange* exchange, uint64_t until, bool use_snapshots, bool repair,
             RecoveryReport* report, std::string* error, FileSystem* fs, ShardPlace shard) {
  *report = RecoveryReport{};
  uint64_t from = 1;
  if (use_snapshots) {
    std::string list_error;
    std::vector<std::string> snaps = list_snapshots(dir, &list_error);
    if (!list_error.empty()) {
      *error = list_error;
      return false;
    }
    // The newest snapshot not past `until`. If it is damaged, recovery stops: an
    // older snapshot would also do, but silently skipping a damaged file is exactly
    // what recovery must never do; the operator decides.
    for (auto it = snaps.rbegin(); it != snaps.rend(); ++it) {
      uint64_t seq = 0;
      parse_snapshot_file_name(it->substr(it->find_last_of('/') + 1), &seq);
      if (until > 0 && seq > until) continue;
      if (!read_snapshot(*it, exchange, &report->snapshot_seq, error)) return false;
      report->snapshot = *it;
      from = report->snapshot_seq + 1;
      break;
    }
  }
  ScanOptions opt;
  opt.dir = dir;
  opt.from_seq = from;
  opt.truncate_torn_tail = repair;
  opt.markets = exchange->markets();
  opt.fs = fs;
  opt.shard = shard;
  JournalScan scan;
  std::string why;
  bool stopped_at_until = false;
  bool ok = scan_journal(
      opt,
      [&](uint64_t seq, const Command& cmd) {
        if (until > 0 && seq > until) {
          stopped_at_until = true;
          return false;
        }
        exchange->apply(cmd, nullptr);
        ++report->replayed;
        report->last_seq = seq;
        return true;
      },
      &scan, &why);
  if (!ok && !stopped_at_until) {
    *error = why;
    return false;
  }
  if (report->replayed == 0) report->last_seq = report->snapshot_seq;
  if (!stopped_at_until && scan.last_seq < report->snapshot_seq && scan.segments > 0) {
    *error = "the journal in " + dir + " ends at seq " + std::to_string(scan.last_seq) + ", before the snapshot at " +
             std::to_string(report->snapshot_seq);
    return false;
  }
  report->segments = scan.segments;
  report->warning = scan.warning;
  report->note = scan.note;
  report->until_past_end = until > 0 && report->last_seq < until;
  return true;
}

}  // namespace swlab
