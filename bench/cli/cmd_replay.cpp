#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "cli/cli.h"
#include "cli/flags.h"
#include "core/exchange.h"
#include "persistence/dir_lock.h"
#include "persistence/file_io.h"
#include "persistence/persistence.h"
#include "persistence/shard_layout.h"
#include "persistence/snapshot.h"
#include "persistence/state_meta.h"

namespace swlab::cli {

namespace {

namespace fs = std::filesystem;

struct Options {
  std::string dir;
  uint64_t until = 0;
  bool verify = false, use_snapshots = true, repair = false, take_snapshot = false;
};

struct Summary {
  uint64_t commands = 0;
  int failed = 0;
};

// The subdirectories of dir that hold state of their own or shards: the run
// directories `swlab run --journal DIR` makes.
std::vector<std::string> run_dirs(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_directory(ec) && (fs::exists(e.path() / kStateMetaFile, ec) || is_sharded_directory(e.path().string())))
      out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Recovers one state directory and reports it: in full (label empty), or as one
// line per shard. Returns the exit status for it.
int replay_state(const Options& o, const std::string& dir, uint32_t markets, const std::string& label, Summary* total,
                 ShardPlace shard = {}) {
  std::string error;
  std::unique_ptr<StateDirLock> lock;
  if (o.repair || o.take_snapshot) {
    // Both write into the directory: never while an engine is appending to it.
    bool busy = false;
    lock = StateDirLock::acquire(dir, &error, &busy);
    if (!lock && busy) {
      std::fprintf(stderr, "swlab replay: %s%s\n", error.c_str(),
                   o.repair ? "; --repair would cut the journal it is writing" : "");
      return kExitUsage;
    }
    if (!lock) {  // a lock file that is a link, a fifo, or cannot be made
      std::fprintf(stderr, "swlab replay: %s\n", error.c_str());
      if (!label.empty()) std::printf("%-10s FAILED\n", label.c_str());
      ++total->failed;
      return kExitFailure;
    }
    // As any writer that takes the lock: a crashed writer's .tmp files go first.
    remove_stale_temporaries(posix_file_system(), dir);
  }
  Exchange exchange(markets);
  RecoveryReport report;
  if (!recover(dir, &exchange, o.until, o.use_snapshots, o.repair, &report, &error, nullptr, shard)) {
    std::fprintf(stderr, "swlab replay: recovery failed: %s\n", error.c_str());
    if (!label.empty()) std::printf("%-10s FAILED\n", label.c_str());
    ++total->failed;
    return kExitFailure;
  }
  if (!report.warning.empty()) std::fprintf(stderr, "swlab replay: warning: %s\n", report.warning.c_str());
  if (!report.note.empty()) std::fprintf(stderr, "swlab replay: note: %s\n", report.note.c_str());
  if (report.until_past_end)
    std::fprintf(stderr, "swlab replay: note: --until %" PRIu64 " is past the end of the history; stopped at the last record, seq %" PRIu64 "\n",
                 o.until, report.last_seq);
  int rc = kExitOk;
  std::string why;
  const bool invariants_ok = !o.verify || exchange.check_invariants(&why);
  if (!invariants_ok) rc = kExitFailure;
  total->commands += report.last_seq;
  const std::string snapshot = report.snapshot.empty()
                                   ? std::string("none")
                                   : fs::path(report.snapshot).filename().string() + " (seq " +
                                         std::to_string(report.snapshot_seq) + ")";
  if (label.empty()) {
    std::printf("snapshot   %s\n", snapshot.c_str());
    std::printf("journal    %" PRIu64 " segments, %" PRIu64 " records replayed\n", report.segments, report.replayed);
    std::printf("last_seq   %" PRIu64 "\n", report.last_seq);
    std::printf("commands   %" PRIu64 "\n", report.last_seq);
    std::printf("digest     %016" PRIx64 "\n", exchange.digest());
    if (o.verify) {
      if (invariants_ok) std::printf("invariants ok\n");
      else std::printf("invariants VIOLATED: %s\n", why.c_str());
    }
  } else {
    std::printf("%-10s last_seq %" PRIu64 ", digest %016" PRIx64 ", snapshot %s, %" PRIu64 " records replayed%s\n",
                label.c_str(), report.last_seq, exchange.digest(), snapshot.c_str(), report.replayed,
                !o.verify ? "" : invariants_ok ? ", invariants ok" : (", invariants VIOLATED: " + why).c_str());
  }
  if (o.take_snapshot) {
    if (!write_snapshot(dir, report.last_seq, exchange, &error)) {
      std::fprintf(stderr, "swlab replay: %s\n", error.c_str());
      ++total->failed;
      return kExitFailure;
    }
    std::printf("%-10s written: %s\n", label.empty() ? "snapshot" : label.c_str(), snapshot_file_name(report.last_seq).c_str());
  }
  if (rc != kExitOk) ++total->failed;
  return rc;
}

// The shards of a sharded run directory, as its swlab.shards records them
// (shard_layout.h), or, for a directory written before the record, as its shard-N
// directories number them (0..K-1, no gap). False with the refusal printed.
bool shard_layout_of(const std::string& dir, ShardLayout* layout) {
  std::string error;
  switch (read_shard_layout(dir, layout, &error)) {
    case TextFileStatus::kDamaged:
      std::fprintf(stderr, "swlab replay: %s\n", error.c_str());
      return false;
    case TextFileStatus::kOk:
      if (check_shard_directories(dir, *layout, &error)) return true;
      std::fprintf(stderr, "swlab replay: %s\n", error.c_str());
      return false;
    case TextFileStatus::kMissing:
      break;
  }
  const std::vector<uint64_t> found = shard_indexes(dir);
  for (uint64_t i = 0; i < found.size(); ++i) {
    if (found[i] == i) continue;
    std::fprintf(stderr, "swlab replay: %s is missing: %s has shard directories up to shard-%" PRIu64
                 " and no %s to say how many there should be\n",
                 shard_directory(dir, static_cast<uint32_t>(i)).c_str(), dir.c_str(), found.back(), kShardLayoutFile);
    return false;
  }
  layout->shards = static_cast<uint32_t>(found.size());
  layout->markets = 0;  // unknown: each shard's swlab.meta says
  std::fprintf(stderr,
               "swlab replay: note: %s has no %s (written before the layout record): its %u shard directories are "
               "taken as the layout, so a deleted last shard cannot be detected\n",
               dir.c_str(), kShardLayoutFile, layout->shards);
  for (uint32_t i = 0; i < layout->shards; ++i)
    if (is_symlink(shard_directory(dir, i))) {
      std::fprintf(stderr, "swlab replay: %s\n", symlink_refusal(shard_directory(dir, i)).c_str());
      return false;
    }
  return true;
}

// A sharded run: every shard in turn, a line each, then the total. A damaged shard
// does not stop the others from being reported.
int replay_shards(const Options& o, const std::string& dir) {
  ShardLayout layout;
  if (!shard_layout_of(dir, &layout)) return kExitFailure;
  Summary total;
  int rc = kExitOk;
  for (uint32_t i = 0; i < layout.shards; ++i) {
    const std::string shard = shard_directory(dir, i);
    uint32_t markets = 0;
    std::string error;
    const std::string label = shard_directory_name(i);
    if (read_state_meta(shard, &markets, &error) == MetaStatus::kOk && layout.markets != 0 && markets != layout.markets)
      error = shard + "/" + kStateMetaFile + " says " + std::to_string(markets) + " markets, but " +
              join_path(dir, kShardLayoutFile) + " records " + describe(layout);
    if (!error.empty()) {
      std::fprintf(stderr, "swlab replay: %s\n", error.c_str());
      std::printf("%-10s FAILED\n", label.c_str());
      ++total.failed;
      rc = kExitFailure;
      continue;
    }
    const int r = replay_state(o, shard, markets, label, &total, ShardPlace{i, layout.shards});
    if (r == kExitUsage) return r;
    if (r != kExitOk) rc = kExitFailure;
  }
  std::printf("total      %u shards, commands %" PRIu64 "%s\n", layout.shards, total.commands,
              total.failed ? (", " + std::to_string(total.failed) + " FAILED").c_str() : "");
  return rc;
}

int replay_main(const std::vector<std::string>& args) {
  Options o;
  bool no_snapshot = false;
  Flags f("replay", "--dir DIR [--until SEQ] [--verify] [--no-snapshot] [--repair] [--snapshot]",
          "Recovers the state a journaling engine left in DIR: loads the newest snapshot,\n"
          "replays the journal after it, and prints the last sequence number, the number\n"
          "of commands in the history and the state's digest (docs/replay.md).");
  f.text("--dir", "DIR",
         "the journal directory (a run's <journal>/<run id>/); for a sharded engine's run, every shard-N "
         "under it is replayed",
         &o.dir);
  f.count("--until", "SEQ", "stop after command SEQ (or at the last one, if SEQ is past it)", &o.until, 1,
          UINT64_MAX);
  f.flag("--verify", "check the invariants of the recovered state", &o.verify);
  f.flag("--no-snapshot", "ignore snapshots: replay the whole journal from the start", &no_snapshot);
  f.flag("--repair", "truncate a torn tail (otherwise it is reported and left alone)", &o.repair);
  f.flag("--snapshot", "write a snapshot of the recovered state into DIR", &o.take_snapshot);
  f.epilogue(
      "--repair and --snapshot write into DIR: refused while an engine holds it.\n"
      "\n"
      "Exit status: 0 recovered (a torn tail is a warning), 1 the journal, a snapshot or\n"
      "swlab.meta is damaged (the message names the file and byte offset) or an\n"
      "invariant fails, 2 bad options, a directory without state, or one in use.");
  if (int rc = f.parse(args); rc >= 0) return rc;
  o.use_snapshots = !no_snapshot;
  if (o.dir.empty()) return usage_error("replay", "--dir is required");
  std::error_code ec;
  if (!fs::is_directory(o.dir, ec)) return usage_error("replay", "--dir: '" + o.dir + "' is not a directory");
  if (o.take_snapshot && o.until > 0) return usage_error("replay", "--snapshot takes the whole history; drop --until");

  uint32_t markets = 0;
  std::string error;
  switch (read_state_meta(o.dir, &markets, &error)) {
    case MetaStatus::kOk:
      break;
    case MetaStatus::kDamaged:
      std::fprintf(stderr, "swlab replay: %s\n", error.c_str());
      return kExitFailure;
    case MetaStatus::kMissing: {
      // A sharded engine's run directory: one state per shard-N under it.
      if (is_sharded_directory(o.dir)) {
        if (o.until > 0)
          return usage_error("replay", "--until: each shard of " + o.dir +
                                           " numbers its own commands; replay one shard-N directory to stop at a seq");
        return replay_shards(o, o.dir);
      }
      // `swlab run --journal DIR` puts each run in DIR/<run id>/.
      std::vector<std::string> runs = run_dirs(o.dir);
      if (!runs.empty()) {
        std::string list;
        for (const auto& r : runs) list += "\n  " + r;
        return usage_error("replay", "--dir: " + o.dir +
                                         " holds no swlab state itself, but holds run directories; replay one of them:" +
                                         list);
      }
      return usage_error("replay", "--dir: " + error);
    }
  }
  Summary total;
  return replay_state(o, o.dir, markets, "", &total);
}

}  // namespace

// Every failure ends in one line and exit 1: an exception (memory running out
// while a state is rebuilt, a file system error in a listing) must not abort.
int cmd_replay(const std::vector<std::string>& args) {
  try {
    return replay_main(args);
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "swlab replay: out of memory while recovering the state\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "swlab replay: %s\n", e.what());
  }
  return kExitFailure;
}

}  // namespace swlab::cli
