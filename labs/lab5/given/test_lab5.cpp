// Lab 5 autograder, on top of the shared suites the registered `lab5-journal` gets
// (golden scripts, reference model, concurrency, load, gap-free numbering; in
// memory). These check the journal and recovery against the project's own reader
// (engines/persistence/persistence.h: recover, scan_journal); a real crash (the test
// binary runs itself as a child that journals under load, kills it with SIGKILL, and
// checks that nothing it acknowledged was lost); and power loss, which a process
// kill cannot show (the page cache survives a kill): the engine runs on a simulated
// disk (tests/support/simulated_disk.h) that forgets every byte not made durable by
// an fdatasync, with the power cut at every file operation in turn.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "engine/engine_registry.h"
#include "persistence/journal.h"
#include "lab5.h"
#include "lab_support.h"
#include "load/load_generator.h"
#include "persistence/persistence.h"
#include "protocol/protocol.h"
#include "commands.h"
#include "random_script.h"
#include "script_runner.h"
#include "sequenced_history.h"
#include "simulated_disk.h"
#include "temp_dir.h"

extern char** environ;

namespace swlab::lab5 {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::deposit;
using test::run_script;
using test::TempDir;

// Each test's directory: /tmp/swlab-lab5-XXXXXX.
constexpr const char* kTempPrefix = "/tmp/swlab-lab5";

std::unique_ptr<Engine> make(const std::string& dir, Durability d = Durability::kBatch, std::string* error = nullptr,
                             uint32_t markets = 8) {
  EngineConfig c;
  c.markets = markets;
  c.persistence.dir = dir;
  c.persistence.durability = d;
  c.persistence.segment_bytes = 16 << 10;  // small: the history spans several segments
  std::string why;
  auto e = EngineRegistry::instance().create("lab5-journal", c, &why);
  if (error) *error = why;
  return e;
}

std::string encoded(const Command& c) {
  std::string s;
  encode_command(c, &s);
  return s;
}

// Every record of dir's journal, in order, checked by the project's reader.
std::vector<std::pair<uint64_t, Command>> journal_of(const std::string& dir) {
  std::vector<std::pair<uint64_t, Command>> v;
  JournalScan scan;
  std::string why;
  EXPECT_TRUE(scan_journal(
      dir, 1,
      [&](uint64_t seq, const Command& c) {
        v.emplace_back(seq, c);
        return true;
      },
      &scan, &why, false))
      << why;
  return v;
}

// ---- Part A: sequencing ------------------------------------------------------------

TEST(Lab5Sequencing, MutationsAreNumberedFromOneQueriesCarryTheCurrentNumber) {
  std::string why;
  auto e = EngineRegistry::instance().create("lab5-journal", EngineConfig{}, &why);
  ASSERT_TRUE(e) << why;
  uint64_t n = 0;
  for (int i = 0; i < 4; ++i) EXPECT_EQ(e->execute(deposit(i, 5), nullptr).seq, ++n);
  Command top;
  top.type = CommandType::kTop;
  EXPECT_EQ(e->execute(top, nullptr).seq, n) << "a query carries the number of the state it read";
  Command cancel;
  cancel.type = CommandType::kCancel;
  cancel.order_id = 77;
  Reply r = e->execute(cancel, nullptr);
  EXPECT_EQ(r.reason, RejectReason::kUnknownOrder);
  EXPECT_EQ(r.seq, ++n) << "a rejected mutation is part of the history: it is numbered";
}

// ---- Part B: the journal -----------------------------------------------------------

TEST(Lab5Journal, TheJournalIsTheHistoryInOrder) {
  TempDir dir(kTempPrefix);
  const std::string script = test::random_script(labs::lab_seed(51), 1500);
  uint64_t digest = 0;
  {
    std::string why;
    auto e = make(dir.path(), Durability::kNone, &why);
    ASSERT_TRUE(e) << why;
    run_script(*e, script);
    digest = e->digest();
    e->shutdown();
  }
  const auto want = test::sequenced_commands(script);
  const auto got = journal_of(dir.path());
  ASSERT_EQ(got.size(), want.size()) << "one record per state-changing command, rejected ones included";
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].first, i + 1) << "record " << i;
    ASSERT_EQ(encoded(got[i].second), encoded(want[i])) << "record " << i << " (seq " << i + 1 << ") is not the command applied";
  }
  EXPECT_GT(list_segments(dir.path()).size(), 1u) << "16 KiB segments should have rotated";
  Exchange ex(8);
  RecoveryReport report;
  std::string why;
  ASSERT_TRUE(recover(dir.path(), &ex, 0, false, false, &report, &why)) << why;
  EXPECT_EQ(ex.digest(), digest) << "replaying the journal must rebuild the engine's state exactly";
  EXPECT_EQ(report.last_seq, want.size());
}

TEST(Lab5Journal, ARestartRecoversTheStateAndContinuesTheSequence) {
  TempDir dir(kTempPrefix);
  const std::string script = test::random_script(labs::lab_seed(52), 600);
  const uint64_t n = test::sequenced_commands(script).size();
  uint64_t digest = 0;
  {
    std::string why;
    auto e = make(dir.path(), Durability::kBatch, &why);
    ASSERT_TRUE(e) << why;
    run_script(*e, script);
    digest = e->digest();
  }
  uint64_t digest2 = 0;
  {
    std::string why;
    auto e = make(dir.path(), Durability::kBatch, &why);
    ASSERT_TRUE(e) << why;
    EXPECT_EQ(e->digest(), digest) << "the restarted engine must start from the recovered state";
    Reply r = e->execute(deposit(3, 5), nullptr);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.seq, n + 1) << "the sequence continues after the last recovered number";
    digest2 = e->digest();
  }
  Exchange ex(8);
  RecoveryReport report;
  std::string why;
  ASSERT_TRUE(recover(dir.path(), &ex, 0, false, false, &report, &why)) << why;
  EXPECT_EQ(report.last_seq, n + 1);
  EXPECT_EQ(ex.digest(), digest2);
}

TEST(Lab5Journal, EveryDurabilityModeWritesTheSameHistory) {
  const std::string script = test::random_script(labs::lab_seed(53), 300);
  std::vector<std::string> histories;
  for (Durability d : {Durability::kNone, Durability::kBatch, Durability::kAlways}) {
    TempDir dir(kTempPrefix);
    {
      std::string why;
      auto e = make(dir.path(), d, &why);
      ASSERT_TRUE(e) << to_string(d) << ": " << why;
      run_script(*e, script);
    }
    std::string h;
    for (const auto& [seq, c] : journal_of(dir.path())) h += std::to_string(seq) + ":" + encoded(c);
    histories.push_back(h);
  }
  EXPECT_FALSE(histories[0].empty());
  EXPECT_EQ(histories[0], histories[1]) << "none and batch";
  EXPECT_EQ(histories[0], histories[2]) << "none and always";
}

TEST(Lab5Journal, ATornTailIsDroppedAndTheSequenceContinuesAfterTheLastWholeRecord) {
  TempDir dir(kTempPrefix);
  const std::string script = test::random_script(labs::lab_seed(54), 300);
  const uint64_t n = test::sequenced_commands(script).size();
  {
    std::string why;
    auto e = make(dir.path(), Durability::kBatch, &why);
    ASSERT_TRUE(e) << why;
    run_script(*e, script);
  }
  // A crash in the middle of writing the last record: its last 7 bytes never made it.
  const auto segments = list_segments(dir.path());
  ASSERT_FALSE(segments.empty());
  fs::resize_file(segments.back(), fs::file_size(segments.back()) - 7);
  Exchange expected(8);
  RecoveryReport report;
  std::string why;
  ASSERT_TRUE(recover(dir.path(), &expected, 0, false, false, &report, &why)) << why;
  ASSERT_EQ(report.last_seq, n - 1);
  ASSERT_FALSE(report.warning.empty());
  {
    auto e = make(dir.path(), Durability::kBatch, &why);
    ASSERT_TRUE(e) << "a torn tail was never acknowledged: drop it and start, do not refuse: " << why;
    EXPECT_EQ(e->digest(), expected.digest());
    Reply r = e->execute(deposit(9, 5), nullptr);
    EXPECT_EQ(r.seq, n) << "the torn record's number was never acknowledged: it is given again";
  }
  Exchange after(8);
  ASSERT_TRUE(recover(dir.path(), &after, 0, false, false, &report, &why)) << why;
  EXPECT_EQ(report.last_seq, n);
  EXPECT_TRUE(report.warning.empty()) << "the restart should have truncated the torn tail: " << report.warning;
}

TEST(Lab5Journal, ADamagedJournalIsRefusedNotSkipped) {
  TempDir dir(kTempPrefix);
  {
    std::string why;
    auto e = make(dir.path(), Durability::kNone, &why);
    ASSERT_TRUE(e) << why;
    run_script(*e, test::random_script(labs::lab_seed(55), 1200));
  }
  const auto segments = list_segments(dir.path());
  ASSERT_GT(segments.size(), 1u);
  {
    // One flipped bit in a record of the first segment: acknowledged data is damaged.
    std::fstream f(segments.front(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(200);
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x10);
    f.seekp(200);
    f.write(&c, 1);
  }
  std::string why;
  EXPECT_FALSE(make(dir.path(), Durability::kNone, &why)) << "the engine started on a damaged history";
  EXPECT_NE(why.find(segments.front()), std::string::npos) << "the error should name the damaged file: " << why;
}

// A disk that fills up: RLIMIT_FSIZE makes writes past a size fail (EFBIG), the same
// path as ENOSPC. The engine must stop, and every command it acknowledged before
// must be in the journal.
TEST(Lab5Journal, AFullDiskStopsTheEngineAndLosesNothingAcknowledged) {
  TempDir dir(kTempPrefix);
  uint64_t last_acked = 0;
  std::string failure;
  {
    std::string why;
    auto e = make(dir.path(), Durability::kBatch, &why);
    ASSERT_TRUE(e) << why;
    rlimit old{};
    getrlimit(RLIMIT_FSIZE, &old);
    auto old_handler = signal(SIGXFSZ, SIG_IGN);
    rlimit lim = old;
    lim.rlim_cur = 8 << 10;  // below the 16 KiB segment size
    setrlimit(RLIMIT_FSIZE, &lim);
    bool failed = false;
    for (int i = 0; i < 5000 && !failed; ++i) {
      Reply r = e->execute(deposit(i, 1), nullptr);
      if (r.ok()) {
        last_acked = r.seq;
      } else {
        EXPECT_EQ(r.reason, RejectReason::kJournalFailed);
        failed = true;
      }
    }
    Reply after = e->execute(deposit(1, 1), nullptr);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, old_handler);
    EXPECT_TRUE(failed) << "writes past 8 KiB should have failed, and the engine should have said so";
    EXPECT_EQ(after.reason, RejectReason::kJournalFailed) << "the engine must accept nothing more";
    failure = e->failure();
    e->shutdown();
  }
  EXPECT_FALSE(failure.empty()) << "failure() should say what went wrong";
  Exchange ex(8);
  RecoveryReport report;
  std::string why;
  ASSERT_TRUE(recover(dir.path(), &ex, 0, false, true, &report, &why)) << why;
  EXPECT_GE(report.last_seq, last_acked) << "an acknowledged command is missing from the journal";
  EXPECT_GT(last_acked, 50u);
}

// ---- Part C: a real crash ----------------------------------------------------------

// The child: journals under load (durability batch) and logs every acknowledged
// number (LoadConfig::ack_log_dir), until it is killed.
int crash_child(int argc, char** argv) {
  if (argc < 3) return 2;
  const std::string dir = argv[2];
  EngineConfig c;
  c.markets = 2;
  c.persistence.dir = dir + "/j";
  c.persistence.durability = Durability::kBatch;
  std::string why;
  auto e = EngineRegistry::instance().create("lab5-journal", c, &why);
  if (!e) {
    std::fprintf(stderr, "lab5 child: %s\n", why.c_str());
    return 3;
  }
  LoadConfig cfg;
  cfg.threads = 2;
  cfg.window = 4;
  cfg.duration_s = 60;
  cfg.warmup_s = 0;
  cfg.seed = labs::lab_seed(56);
  cfg.workload.markets = 2;
  cfg.workload.accounts = 50;
  cfg.ack_log_dir = dir + "/acks";
  run_load(*e, cfg);
  return 0;
}
const bool child_registered = (labs::child_main_hook() = &crash_child, true);

// The largest number in the complete lines of the ack files, 0 if none.
uint64_t max_acknowledged(const std::string& dir) {
  uint64_t max = 0;
  std::error_code ec;
  for (const auto& f : fs::directory_iterator(dir, ec)) {
    std::ifstream in(f.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t start = 0;
    for (size_t nl = text.find('\n'); nl != std::string::npos; start = nl + 1, nl = text.find('\n', start))
      max = std::max<uint64_t>(max, std::strtoull(text.c_str() + start, nullptr, 10));
  }
  return max;
}

TEST(Lab5Crash, AKilledEngineLosesNothingItAcknowledged) {
  ASSERT_TRUE(child_registered);
  TempDir dir(kTempPrefix);
  fs::create_directories(dir.path() + "/acks");
  std::string self = fs::read_symlink("/proc/self/exe").string();
  std::string mode = "--lab-child";
  std::string arg = dir.path();
  char* args[] = {self.data(), mode.data(), arg.data(), nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, self.c_str(), nullptr, nullptr, args, environ), 0);
  // Wait for acknowledgements, then let it run a random moment longer.
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 400 && max_acknowledged(dir.path() + "/acks") == 0; ++i) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  std::mt19937_64 rng(labs::lab_seed(57));
  if (!exited) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 300));
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  ASSERT_FALSE(exited) << "the child exited by itself (status " << status << "): could it create the engine?";
  const uint64_t acked = max_acknowledged(dir.path() + "/acks");
  ASSERT_GT(acked, 0u) << "the child acknowledged nothing before it was killed";
  const std::string j = dir.path() + "/j";
  Exchange recovered(2);
  RecoveryReport report;
  std::string why;
  ASSERT_TRUE(recover(j, &recovered, 0, true, false, &report, &why)) << why;
  EXPECT_GE(report.last_seq, acked) << "command " << acked << " was acknowledged but is not in the journal";
  EXPECT_TRUE(recovered.check_invariants(&why)) << why;
  // The lab's engine restarts on it: same state, and the history goes on.
  EngineConfig c;
  c.markets = 2;
  c.persistence.dir = j;
  auto e = EngineRegistry::instance().create("lab5-journal", c, &why);
  ASSERT_TRUE(e) << why;
  EXPECT_EQ(e->digest(), recovered.digest());
  Reply r = e->execute(deposit(1, 5), nullptr);
  EXPECT_EQ(r.seq, report.last_seq + 1);
}

// ---- Part D: power loss ----------------------------------------------------------
//
// A process kill cannot tell a synced write from an unsynced one: the page cache
// survives it. A lost machine can. The engine runs on a simulated disk that keeps
// what was written but never fdatasync'd apart, and at a power cut drops it (all of
// it, or, with a seed, any suffix of it: a disk that got part of its queue out). The
// power is cut at every file operation of a run in turn; after each cut the
// directory is recovered with the project's reader and checked against the mode's
// promise (docs/replay.md):
//   batch, always: every command whose reply was released survives;
//   none:          what survives is a prefix of the history with that prefix's
//                  state; before the cut every acknowledged command was in the page
//                  cache (written to the kernel at the end of its batch).
// The disk also counts syncs: `always` promises one per state-changing command.

constexpr uint32_t kPowerMarkets = 3;  // random_script's S0..S2

constexpr const char* kPowerTempPrefix = "/tmp/swlab-lab5-power";

// The state-changing commands of a random script, and the digest after each prefix.
using PowerHistory = test::SequencedHistory;

struct PowerRun {
  bool started = false;       // the engine opened
  uint64_t acknowledged = 0;  // the highest seq whose reply was released (not journal_failed)
  uint64_t file_syncs = 0;
  uint64_t operations = 0;
  bool in_page_cache = true;  // none: every acknowledged command readable before the cut
  std::string page_cache_error;
};

// Sends the history through the lab engine on `disk`, 4 requests in flight from one
// client (so the engine's batches hold 1 to 4 commands), until it ends or a reply
// says the journal failed. With durability none, also reads the directory back
// after each round (the page cache, which a process crash keeps).
PowerRun power_run(const std::string& dir, test::SimulatedDisk& disk, Durability d, const PowerHistory& h) {
  PowerRun out;
  EngineConfig c;
  c.markets = kPowerMarkets;
  c.persistence.dir = dir;
  c.persistence.durability = d;
  c.persistence.segment_bytes = 2048;  // ~35 records: the history spans several segments
  std::string why;
  auto e = make_lab5_engine(c, &disk, &why);
  if (!e) return out;
  out.started = true;
  constexpr std::size_t kWindow = 4;
  std::vector<Request> reqs(kWindow);
  bool failed = false;
  for (std::size_t i = 0; i < h.cmds.size() && !failed;) {
    std::size_t n = 0;
    for (; n < kWindow && i < h.cmds.size(); ++n, ++i) {
      reqs[n].cmd = h.cmds[i];
      reqs[n].out = nullptr;
      e->submit(reqs[n]);
    }
    for (std::size_t k = 0; k < n; ++k) {
      e->wait(reqs[k]);
      const Reply& r = reqs[k].reply;
      if (r.reason == RejectReason::kJournalFailed || r.reason == RejectReason::kShutdown) {
        failed = true;
      } else if (r.status != Status::kUnset && r.seq > out.acknowledged) {
        out.acknowledged = r.seq;
      }
    }
    if (d == Durability::kNone && !failed && out.in_page_cache) {
      // What a killed process would leave: the kernel's view of the files.
      Exchange ex(kPowerMarkets);
      RecoveryReport report;
      std::string error;
      if (!recover(dir, &ex, 0, false, false, &report, &error)) {
        out.in_page_cache = false;
        out.page_cache_error = error;
      } else if (report.last_seq < out.acknowledged) {
        out.in_page_cache = false;
        out.page_cache_error = "command " + std::to_string(out.acknowledged) +
                               " was acknowledged but the files hold only " + std::to_string(report.last_seq) +
                               ": with durability none the records are written (flushed to the kernel) "
                               "at the end of every batch";
      }
    }
  }
  e->shutdown();
  out.file_syncs = disk.file_syncs();
  out.operations = disk.operations();
  return out;
}

struct PowerTally {
  uint64_t cuts = 0;
  uint64_t lost_acknowledged = 0;  // cuts after which an acknowledged command was gone
};

// One cut: the power fails at operation `cut` (1: the very first), then the disk
// loses what was not synced (with a seed: keeps a random prefix of it).
void cut_once(Durability d, const PowerHistory& h, uint64_t cut, std::optional<uint64_t> seed, PowerTally* tally) {
  SCOPED_TRACE("durability " + std::string(to_string(d)) + ", power cut at file operation " + std::to_string(cut) +
               (seed ? ", seed " + std::to_string(*seed) + " (a random part of the unsynced writes survives)"
                     : " (nothing unsynced survives)"));
  TempDir dir(kPowerTempPrefix);
  PowerRun run;
  {
    test::SimulatedDisk disk(dir.path());
    disk.fail_after(cut);
    run = power_run(dir.path(), disk, d, h);
    disk.power_cut(seed);
  }
  ++tally->cuts;
  uint32_t markets = 0;
  std::string error;
  const MetaStatus meta = read_state_meta(dir.path(), &markets, &error);
  ASSERT_NE(meta, MetaStatus::kDamaged) << error;
  uint64_t recovered = 0;
  if (meta == MetaStatus::kMissing) {
    ASSERT_EQ(run.acknowledged, 0u) << "commands were acknowledged before swlab.meta was durable "
                                       "(ensure_state_meta through the file layer makes it so)";
  } else {
    Exchange ex(kPowerMarkets);
    RecoveryReport report;
    ASSERT_TRUE(recover(dir.path(), &ex, 0, false, false, &report, &error))
        << "after the power cut the journal cannot be read: " << error;
    recovered = report.last_seq;
    ASSERT_LE(recovered, h.cmds.size());
    ASSERT_EQ(ex.digest(), h.digest_after[recovered])
        << "the recovered state is not that of the first " << recovered << " commands";
    if (d != Durability::kNone) {
      ASSERT_GE(recovered, run.acknowledged)
          << "command " << run.acknowledged << " was acknowledged with durability " << to_string(d)
          << ", but after the power cut the journal ends at " << recovered
          << ": its reply went out before an fdatasync covered it";
    }
  }
  if (recovered < run.acknowledged) ++tally->lost_acknowledged;
  if (d == Durability::kNone) {
    ASSERT_TRUE(run.in_page_cache) << run.page_cache_error;
  }
}

// The whole history without a cut: how many file operations it takes (every one
// is a cut point), and the checks that need no cut.
uint64_t uncut_run(Durability d, const PowerHistory& h) {
  TempDir dir(kPowerTempPrefix);
  test::SimulatedDisk disk(dir.path());
  PowerRun run = power_run(dir.path(), disk, d, h);
  EXPECT_TRUE(run.started) << "the engine did not start on the simulated disk";
  EXPECT_EQ(run.acknowledged, h.cmds.size()) << "not every command was acknowledged";
  EXPECT_GT(run.operations, h.cmds.size() / 8)
      << "only " << run.operations << " file operations went through the file layer for " << h.cmds.size()
      << " journaled commands: do open(), apply() and end_batch() use file_layer(cfg) (given/lab5.h)? "
         "The power-loss tests cannot see a write made around it";
  if (d == Durability::kAlways) {
    EXPECT_GE(run.file_syncs, h.cmds.size())
        << "durability always promises an fdatasync after every state-changing command: " << h.cmds.size()
        << " commands, " << run.file_syncs << " syncs";
  }
  if (d == Durability::kBatch) {
    EXPECT_GE(run.file_syncs, h.cmds.size() / 4)
        << "durability batch: one fdatasync per batch (at most 4 commands here), so at least " << h.cmds.size() / 4
        << " for " << h.cmds.size() << " commands; there were " << run.file_syncs;
  }
  if (d == Durability::kNone) {
    EXPECT_TRUE(run.in_page_cache) << run.page_cache_error;
  }
  return run.operations;
}

PowerTally cut_everywhere(Durability d) {
  const PowerHistory h = test::random_history(labs::lab_seed(58), 160, kPowerMarkets);
  PowerTally tally;
  const uint64_t operations = uncut_run(d, h);
  if (::testing::Test::HasFailure()) return tally;
  // Every operation boundary, nothing unsynced surviving; and every third one with
  // a random part of the unsynced writes surviving.
  for (uint64_t cut = 1; cut <= operations + 1; ++cut) {
    cut_once(d, h, cut, std::nullopt, &tally);
    if (::testing::Test::HasFailure()) return tally;
    if (cut % 3 == 0) {
      cut_once(d, h, cut, labs::lab_seed(59, cut), &tally);
      if (::testing::Test::HasFailure()) return tally;
    }
  }
  return tally;
}

TEST(Lab5PowerLoss, BatchLosesNothingAcknowledged) {
  const PowerTally t = cut_everywhere(Durability::kBatch);
  EXPECT_GT(t.cuts, 40u);
}

TEST(Lab5PowerLoss, AlwaysLosesNothingAcknowledgedAndSyncsEveryCommand) {
  const PowerTally t = cut_everywhere(Durability::kAlways);
  EXPECT_GT(t.cuts, 40u);
}

TEST(Lab5PowerLoss, NoneWritesEveryBatchToTheKernelAndRecoversAPrefix) {
  const PowerTally t = cut_everywhere(Durability::kNone);
  EXPECT_GT(t.cuts, 10u);
}

}  // namespace
}  // namespace swlab::lab5
