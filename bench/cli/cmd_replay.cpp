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
#include "persistence/persistence.h"
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

// The shard-N directories of a sharded engine's run directory, in shard order,
// if any of them holds state; all of them then, so that a shard whose swlab.meta is
// gone is reported, not skipped.
std::vector<std::string> shard_dirs(const std::string& dir) {
  std::vector<std::pair<uint64_t, std::string>> found;
  bool any_state = false;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!e.is_directory(ec) || name.rfind("shard-", 0) != 0 || name.size() == 6 || name.size() > 16 ||
        name.find_first_not_of("0123456789", 6) != std::string::npos)
      continue;
    any_state = any_state || fs::exists(e.path() / kStateMetaFile, ec);
    found.emplace_back(std::stoull(name.substr(6)), e.path().string());
  }
  if (!any_state) return {};
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(f.second);
  return out;
}

// The subdirectories of dir that hold state of their own or shards that do: the
// run directories `swlab run --journal DIR` makes.
std::vector<std::string> run_dirs(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_directory(ec) && (fs::exists(e.path() / kStateMetaFile, ec) || !shard_dirs(e.path().string()).empty()))
      out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Recovers one state directory and reports it: in full (label empty), or as one
// line per shard. Returns the exit status for it.
int replay_state(const Options& o, const std::string& dir, uint32_t markets, const std::string& label, Summary* total) {
  std::string error;
  std::unique_ptr<StateDirLock> lock;
  if (o.repair || o.take_snapshot) {
    // Both write into the directory: never while an engine is appending to it.
    lock = StateDirLock::acquire(dir, &error);
    if (!lock) {
      std::fprintf(stderr, "swlab replay: %s%s\n", error.c_str(),
                   o.repair ? "; --repair would cut the journal it is writing" : "");
      return kExitUsage;
    }
  }
  Exchange exchange(markets);
  RecoveryReport report;
  if (!recover(dir, &exchange, o.until, o.use_snapshots, o.repair, &report, &error)) {
    std::fprintf(stderr, "swlab replay: recovery failed: %s\n", error.c_str());
    if (!label.empty()) std::printf("%-10s FAILED\n", label.c_str());
    ++total->failed;
    return kExitFailure;
  }
  if (!report.warning.empty()) std::fprintf(stderr, "swlab replay: warning: %s\n", report.warning.c_str());
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

// A sharded run: every shard in turn, a line each, then the total. A damaged shard
// does not stop the others from being reported.
int replay_shards(const Options& o, const std::vector<std::string>& shards) {
  Summary total;
  int rc = kExitOk;
  for (const std::string& dir : shards) {
    uint32_t markets = 0;
    std::string error;
    const std::string label = fs::path(dir).filename().string();
    if (read_state_meta(dir, &markets, &error) != MetaStatus::kOk) {
      std::fprintf(stderr, "swlab replay: %s\n", error.c_str());
      std::printf("%-10s FAILED\n", label.c_str());
      ++total.failed;
      rc = kExitFailure;
      continue;
    }
    const int r = replay_state(o, dir, markets, label, &total);
    if (r == kExitUsage) return r;
    if (r != kExitOk) rc = kExitFailure;
  }
  std::printf("total      %zu shards, commands %" PRIu64 "%s\n", shards.size(), total.commands,
              total.failed ? (", " + std::to_string(total.failed) + " FAILED").c_str() : "");
  return rc;
}

}  // namespace

int cmd_replay(const std::vector<std::string>& args) {
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
  if (!fs::is_directory(o.dir)) return usage_error("replay", "--dir: '" + o.dir + "' is not a directory");
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
      std::vector<std::string> shards = shard_dirs(o.dir);
      if (!shards.empty()) {
        if (o.until > 0)
          return usage_error("replay", "--until: each shard of " + o.dir +
                                           " numbers its own commands; replay one shard-N directory to stop at a seq");
        return replay_shards(o, shards);
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

}  // namespace swlab::cli
