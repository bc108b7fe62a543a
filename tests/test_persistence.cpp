// Journal + snapshots through the engines: recovery reproduces the state exactly,
// a restarted engine continues the sequence, damage is an error that names the
// file, and a failing disk stops the engine without losing anything acknowledged.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/engine_registry.h"
#include "persistence/persistence.h"
#include "protocol/protocol.h"
#include "random_script.h"
#include "script_runner.h"
#include "persistence/snapshot.h"
#include "single_writer/single_writer_factory.h"
#include "temp_dir.h"

namespace swlab::test {
namespace {

namespace fs = std::filesystem;

// Each test's directory: /tmp/swlab-persist-XXXXXX.
constexpr const char* kTempPrefix = "/tmp/swlab-persist";

std::unique_ptr<Engine> make(const std::string& spec, const std::string& dir, uint64_t snapshot_every = 0,
                             Durability d = Durability::kBatch, std::string* error = nullptr) {
  EngineConfig c;
  c.persistence.dir = dir;
  c.persistence.snapshot_every = snapshot_every;
  c.persistence.durability = d;
  c.persistence.segment_bytes = 16 << 10;  // small: exercise rotation
  std::string why;
  auto e = EngineRegistry::instance().create(spec, c, &why);
  if (error) *error = why;
  return e;
}

uint64_t recovered_digest(const std::string& dir, bool snapshots, uint64_t until = 0, RecoveryReport* report = nullptr,
                          std::string* error = nullptr) {
  Exchange ex(8);
  RecoveryReport r;
  std::string why;
  EXPECT_TRUE(recover(dir, &ex, until, snapshots, false, &r, &why)) << why;
  if (report) *report = r;
  if (error) *error = why;
  return ex.digest();
}

class Journaling : public ::testing::TestWithParam<std::string> {};

TEST_P(Journaling, RecoveryReproducesTheStateAndRestartContinuesTheSequence) {
  TempDir dir(kTempPrefix);
  const std::string script = random_script(5, 4000);
  uint64_t digest = 0;
  {
    auto e = make(GetParam(), dir.path(), /*snapshot_every=*/700);
    ASSERT_TRUE(e);
    run_script(*e, script);
    digest = e->digest();
    e->shutdown();
  }
  RecoveryReport with, without;
  EXPECT_EQ(recovered_digest(dir.path(), true, 0, &with), digest);
  EXPECT_EQ(recovered_digest(dir.path(), false, 0, &without), digest);
  EXPECT_FALSE(with.snapshot.empty()) << "snapshot_every 700 over ~3500 commands should have left snapshots";
  EXPECT_LT(with.replayed, without.replayed);
  EXPECT_EQ(with.last_seq, without.last_seq);
  EXPECT_GT(list_segments(dir.path()).size(), 1u) << "16 KiB segments should have rotated";

  // Restart: the engine recovers, its next mutation takes the next number.
  auto e = make(GetParam(), dir.path());
  ASSERT_TRUE(e);
  EXPECT_EQ(e->digest(), digest);
  Command dep;
  dep.type = CommandType::kDeposit;
  dep.account = 1;
  dep.qty = 5;
  Reply r = e->execute(dep, nullptr);
  EXPECT_EQ(r.seq, without.last_seq + 1);
  e->shutdown();
  EXPECT_EQ(recovered_digest(dir.path(), true, 0, &with), e->digest());
  EXPECT_EQ(with.last_seq, without.last_seq + 1);
}

TEST_P(Journaling, UntilStopsAtThatCommand) {
  TempDir dir(kTempPrefix);
  const std::string script = random_script(6, 1500);
  {
    auto e = make(GetParam(), dir.path(), 400);
    run_script(*e, script);
  }
  // The state after command k must equal running the first k sequenced commands
  // alone: rebuild it from the journal itself with a fresh exchange.
  Exchange expected(8);
  uint64_t k = 0;
  JournalScan scan;
  std::string why;
  ASSERT_TRUE(scan_journal(dir.path(), 1, [&](uint64_t seq, const Command& c) {
    if (seq > 777) return false;
    expected.apply(c, nullptr);
    k = seq;
    return true;
  }, &scan, &why, false) || k == 777) << why;
  RecoveryReport report;
  EXPECT_EQ(recovered_digest(dir.path(), true, 777, &report), expected.digest());
  EXPECT_EQ(report.last_seq, 777u);
  EXPECT_LE(report.snapshot_seq, 777u);
}

// The journaling engines, and the single-writer engine over every other channel:
// the journal records the order the engine applied, whatever carried the commands.
std::vector<std::string> journaling_specs() {
  std::vector<std::string> v = {"single-writer", "mutex", "single-writer:batch=1:durability=none"};
  for (const std::string& c : single_writer_channels())
    if (c != EngineConfig{}.channel) v.push_back("single-writer:channel=" + c);
  return v;
}

INSTANTIATE_TEST_SUITE_P(JournalingEngines, Journaling, ::testing::ValuesIn(journaling_specs()),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& c : s)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return s;
                         });

TEST(Snapshot, RoundTripAndDamage) {
  TempDir dir(kTempPrefix);
  Exchange ex(8);
  {
    auto e = make("mutex", "");
    ASSERT_TRUE(e);
  }
  // Build a state with depth on both sides.
  Protocol p(default_symbols());
  std::istringstream in(random_script(7, 3000));
  std::string line;
  ReplyBuffers buf;
  while (std::getline(in, line)) {
    ParsedLine pl = p.parse(line);
    if (pl.kind == ParsedLine::Kind::kCommand) ex.apply(pl.cmd, &buf);
  }
  std::string why;
  ASSERT_TRUE(write_snapshot(dir.path(), 42, ex, &why)) << why;
  const std::string path = dir.path() + "/" + snapshot_file_name(42);
  Exchange back(8);
  uint64_t seq = 0;
  ASSERT_TRUE(read_snapshot(path, &back, &seq, &why)) << why;
  EXPECT_EQ(seq, 42u);
  EXPECT_EQ(back.digest(), ex.digest());
  EXPECT_TRUE(back.check_invariants(&why)) << why;

  // One flipped byte in the payload: an error naming the file, not a wrong state.
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    char c;
    f.read(&c, 1);
    f.seekp(100);
    c = static_cast<char>(c ^ 0x40);
    f.write(&c, 1);
  }
  Exchange damaged(8);
  EXPECT_FALSE(read_snapshot(path, &damaged, &seq, &why));
  EXPECT_NE(why.find(path), std::string::npos) << why;
  EXPECT_NE(why.find("checksum"), std::string::npos) << why;

  Exchange wrong(3);
  ASSERT_TRUE(write_snapshot(dir.path(), 43, ex, &why));
  EXPECT_FALSE(read_snapshot(dir.path() + "/" + snapshot_file_name(43), &wrong, &seq, &why));
  EXPECT_NE(why.find("8 markets"), std::string::npos) << why;
}

TEST(Recovery, ADamagedSnapshotStopsRecovery) {
  TempDir dir(kTempPrefix);
  {
    auto e = make("single-writer", dir.path(), 300);
    run_script(*e, random_script(8, 1200));
  }
  auto snaps = list_snapshots(dir.path());
  ASSERT_FALSE(snaps.empty());
  fs::resize_file(snaps.back(), fs::file_size(snaps.back()) - 1);
  Exchange ex(8);
  RecoveryReport r;
  std::string why;
  EXPECT_FALSE(recover(dir.path(), &ex, 0, true, false, &r, &why));
  EXPECT_NE(why.find(snaps.back()), std::string::npos) << why;
  // An engine refuses to start on it, with the same message.
  std::string error;
  EXPECT_FALSE(make("single-writer", dir.path(), 0, Durability::kBatch, &error));
  EXPECT_NE(error.find("snapshot"), std::string::npos) << error;
}

TEST(Recovery, UnusableDirectoryIsAClearError) {
  TempDir dir(kTempPrefix);
  const std::string file = dir.path() + "/plain-file";
  std::ofstream(file) << "x";
  std::string error;
  EXPECT_FALSE(make("single-writer", file + "/journal", 0, Durability::kBatch, &error));
  EXPECT_NE(error.find(file), std::string::npos) << error;
  EXPECT_FALSE(make("mutex", file + "/journal", 0, Durability::kBatch, &error));
  EXPECT_FALSE(make("rwlock", dir.path(), 0, Durability::kBatch, &error));
  EXPECT_NE(error.find("keeps no journal"), std::string::npos) << error;
}

// A disk that fills up: RLIMIT_FSIZE makes writes past a size fail (EFBIG), the
// same path as ENOSPC. The engine stops accepting commands; every command it
// acknowledged before is in the recovered history.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &old_);
    old_handler_ = signal(SIGXFSZ, SIG_IGN);
    rlimit r = old_;
    r.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &r);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &old_);
    signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit old_{};
  sighandler_t old_handler_;
};

TEST_P(Journaling, AFullDiskStopsTheEngineAndLosesNothingAcknowledged) {
  TempDir dir(kTempPrefix);
  uint64_t last_acked = 0;
  std::string failure;
  {
    auto e = make(GetParam(), dir.path());
    ASSERT_TRUE(e);
    FileSizeLimit limit(8 << 10);  // below the 16 KiB segment size
    Command dep;
    dep.type = CommandType::kDeposit;
    dep.qty = 1;
    bool failed = false;
    for (int i = 0; i < 5000 && !failed; ++i) {
      dep.account = i;
      Reply r = e->execute(dep, nullptr);
      if (r.ok()) {
        last_acked = r.seq;
      } else {
        EXPECT_EQ(r.reason, RejectReason::kJournalFailed);
        failed = true;
      }
    }
    ASSERT_TRUE(failed) << "writes past 8 KiB should have failed";
    Reply after = e->execute(dep, nullptr);
    EXPECT_EQ(after.reason, RejectReason::kJournalFailed) << "the engine must accept nothing more";
    failure = e->failure();
    e->shutdown();
  }
  EXPECT_NE(failure.find(dir.path()), std::string::npos) << failure;
  RecoveryReport report;
  Exchange ex(8);
  std::string why;
  ASSERT_TRUE(recover(dir.path(), &ex, 0, true, true, &report, &why)) << why;
  EXPECT_GE(report.last_seq, last_acked);
  EXPECT_GT(last_acked, 50u);
}

}  // namespace
}  // namespace swlab::test
