#include <cinttypes>
#include <cstdio>
#include <filesystem>

#include "cli.h"
#include "core/exchange.h"
#include "persistence/persistence.h"
#include "persistence/snapshot.h"

namespace swlab::cli {

namespace {

constexpr const char* kHelp =
    "usage: swlab replay --dir DIR [--until SEQ] [--verify] [--no-snapshot] [--repair] [--snapshot]\n"
    "\n"
    "Recovers the state a journaling engine left in DIR: loads the newest snapshot,\n"
    "replays the journal after it, and prints the last sequence number, the number\n"
    "of commands in the history and the state's digest (docs/replay.md).\n"
    "\n"
    "  --dir DIR       the journal directory (a run's <journal>/<run id>/)\n"
    "  --until SEQ     stop after command SEQ\n"
    "  --verify        check the invariants of the recovered state\n"
    "  --no-snapshot   ignore snapshots: replay the whole journal from the start\n"
    "  --repair        truncate a torn tail (otherwise it is reported and left alone)\n"
    "  --snapshot      write a snapshot of the recovered state into DIR\n"
    "\n"
    "Exit status: 0 recovered (a torn tail is a warning), 1 the journal or a snapshot\n"
    "is damaged (the message names the file and byte offset) or an invariant fails,\n"
    "2 bad options.\n";

}  // namespace

int cmd_replay(const std::vector<std::string>& args) {
  std::string dir;
  uint64_t until = 0;
  bool verify = false, use_snapshots = true, repair = false, take_snapshot = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kHelp, stdout);
      return kExitOk;
    } else if (a == "--verify") {
      verify = true;
    } else if (a == "--no-snapshot") {
      use_snapshots = false;
    } else if (a == "--repair") {
      repair = true;
    } else if (a == "--snapshot") {
      take_snapshot = true;
    } else if (a == "--dir" || a == "--until") {
      if (i + 1 >= args.size()) return usage_error("replay", a + " needs a value");
      const std::string& v = args[++i];
      if (a == "--dir") {
        dir = v;
      } else {
        char* end = nullptr;
        errno = 0;
        unsigned long long x = std::strtoull(v.c_str(), &end, 10);
        if (v.empty() || v[0] == '-' || *end != '\0' || errno != 0 || x == 0)
          return usage_error("replay", "--until: '" + v + "' is not a positive sequence number");
        until = x;
      }
    } else {
      return usage_error("replay", "unknown option '" + a + "'");
    }
  }
  if (dir.empty()) return usage_error("replay", "--dir is required");
  if (!std::filesystem::is_directory(dir)) return usage_error("replay", "--dir: '" + dir + "' is not a directory");
  if (take_snapshot && until > 0) return usage_error("replay", "--snapshot takes the whole history; drop --until");

  uint32_t markets = 0;
  std::string error;
  if (!read_markets(dir, &markets, &error)) {
    std::fprintf(stderr, "swlab replay: %s\n", error.c_str());
    return kExitFailure;
  }
  Exchange exchange(markets);
  RecoveryReport report;
  if (!recover(dir, &exchange, until, use_snapshots, repair, &report, &error)) {
    std::fprintf(stderr, "swlab replay: recovery failed: %s\n", error.c_str());
    return kExitFailure;
  }
  if (!report.warning.empty()) std::fprintf(stderr, "swlab replay: warning: %s\n", report.warning.c_str());
  if (report.snapshot.empty()) {
    std::printf("snapshot   none\n");
  } else {
    std::printf("snapshot   %s (seq %" PRIu64 ")\n", std::filesystem::path(report.snapshot).filename().c_str(),
                report.snapshot_seq);
  }
  std::printf("journal    %" PRIu64 " segments, %" PRIu64 " records replayed\n", report.segments, report.replayed);
  std::printf("last_seq   %" PRIu64 "\n", report.last_seq);
  std::printf("commands   %" PRIu64 "\n", report.last_seq);
  std::printf("digest     %016" PRIx64 "\n", exchange.digest());
  int rc = kExitOk;
  if (verify) {
    std::string why;
    if (exchange.check_invariants(&why)) {
      std::printf("invariants ok\n");
    } else {
      std::printf("invariants VIOLATED: %s\n", why.c_str());
      rc = kExitFailure;
    }
  }
  if (take_snapshot) {
    if (!write_snapshot(dir, report.last_seq, exchange, &error)) {
      std::fprintf(stderr, "swlab replay: %s\n", error.c_str());
      return kExitFailure;
    }
    std::printf("snapshot   written: %s\n", snapshot_file_name(report.last_seq).c_str());
  }
  return rc;
}

}  // namespace swlab::cli
