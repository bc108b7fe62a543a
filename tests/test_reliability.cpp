// Hostile inputs and faults that the journal, snapshots and recovery must refuse
// clearly rather than trust: a second writer, a damaged or absurd swlab.meta, a
// CRC-valid record that cannot belong to the state, a renamed snapshot, sizes far
// beyond the format's limits, files that are not regular files, snapshots piling
// up. Each test here failed (or hung, or crashed) before the fix it guards.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include "engine/engine_registry.h"
#include "persistence/crc32c.h"
#include "persistence/file_io.h"
#include "persistence/persistence.h"
#include "persistence/snapshot.h"
#include "protocol/protocol.h"
#include "random_script.h"
#include "temp_dir.h"

namespace swlab::test {
namespace {

namespace fs = std::filesystem;

// Each test's directory: /tmp/swlab-reliability-XXXXXX.
constexpr const char* kTempPrefix = "/tmp/swlab-reliability";

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// A directory with state from `lines` lines of a random script: journal in small
// segments, snapshots every `snapshot_every` commands. Returns the last seq.
uint64_t make_state(const std::string& dir, int lines, uint64_t snapshot_every = 0, std::size_t keep = 0) {
  Exchange ex(8);
  PersistenceConfig c;
  c.dir = dir;
  c.durability = Durability::kNone;
  c.snapshot_every = snapshot_every;
  c.keep_snapshots = keep;
  c.segment_bytes = 4096;
  uint64_t next = 0;
  RecoveryReport report;
  std::string error;
  auto p = Persistence::open(c, &ex, &next, &report, &error);
  EXPECT_TRUE(p) << error;
  if (!p) return 0;
  Protocol proto(default_symbols());
  std::istringstream in(random_script(3, lines));
  std::string line;
  uint64_t seq = next - 1;
  while (std::getline(in, line)) {
    ParsedLine pl = proto.parse(line);
    if (pl.kind != ParsedLine::Kind::kCommand || !is_sequenced(pl.cmd.type)) continue;
    ex.apply(pl.cmd, nullptr);
    EXPECT_TRUE(p->log(++seq, pl.cmd));
    EXPECT_TRUE(p->end_batch());
    EXPECT_TRUE(p->maybe_snapshot(seq, ex));
  }
  return seq;
}

bool recover_dir(const std::string& dir, RecoveryReport* report, std::string* error) {
  uint32_t markets = 0;
  if (!read_markets(dir, &markets, error)) return false;
  Exchange ex(markets);
  return recover(dir, &ex, 0, true, false, report, error);
}

// ------------------------------------------------------------ 1. one writer

TEST(OneWriter, ASecondWriterIsRefusedNamingTheDirectoryAndThePid) {
  TempDir dir(kTempPrefix);
  Exchange a(8), b(8);
  PersistenceConfig c;
  c.dir = dir.path();
  uint64_t next = 0;
  RecoveryReport report;
  std::string error;
  auto first = Persistence::open(c, &a, &next, &report, &error);
  ASSERT_TRUE(first) << error;
  EXPECT_FALSE(Persistence::open(c, &b, &next, &report, &error));
  EXPECT_TRUE(contains(error, dir.path() + " is in use by another writer (pid " + std::to_string(::getpid()) + ")"))
      << error;
  EXPECT_FALSE(check_state_directory(dir.path(), &error));
  EXPECT_TRUE(contains(error, "pid " + std::to_string(::getpid()))) << error;

  // Through the engines: the second engine on the directory does not start.
  EngineConfig ec;
  ec.persistence.dir = dir.path();
  EXPECT_FALSE(EngineRegistry::instance().create("mutex", ec, &error));
  EXPECT_TRUE(contains(error, "in use by another writer")) << error;

  first.reset();  // the lock goes with its holder
  EXPECT_TRUE(check_state_directory(dir.path(), &error)) << error;
  EXPECT_TRUE(Persistence::open(c, &b, &next, &report, &error)) << error;
}

// ------------------------------------------------------------ 2. swlab.meta

TEST(StateMeta, OutOfBoundsDamagedOrForeignMetaIsRefused) {
  TempDir dir(kTempPrefix);
  const std::string meta = dir.path() + "/swlab.meta";
  uint32_t markets = 0;
  std::string error;
  struct Case {
    std::string text, why;
  } cases[] = {
      {"swlab-state 1\nmarkets 0\n", "markets 0 is outside 1..4096"},
      {"swlab-state 1\nmarkets -8\n", "markets is not a decimal count"},
      {"swlab-state 1\nmarkets 4294967296\n", "outside 1..4096"},
      {"swlab-state 1\nmarkets 8\nextra\n", "unexpected bytes"},
      {"swlab-state 2\nmarkets 8\ncrc32c 00000000\n", "checksum mismatch"},
      {"swlab-state 2\nmarkets 8\n", "line 3"},
      {"swlab-state 3\nmarkets 8\n", "unsupported version 3"},
      {"hello\n", "not a swlab state file"},
      {std::string(100000, 'x'), "larger than 256 bytes"},
  };
  for (const auto& c : cases) {
    write_text(meta, c.text);
    EXPECT_EQ(read_state_meta(dir.path(), &markets, &error), MetaStatus::kDamaged) << c.text;
    EXPECT_TRUE(contains(error, meta) && contains(error, c.why)) << error;
  }
  // What the writer writes reads back; so does version 1, exactly.
  ASSERT_TRUE(write_state_meta(posix_file_system(), dir.path(), 8, &error)) << error;
  EXPECT_EQ(read_state_meta(dir.path(), &markets, &error), MetaStatus::kOk) << error;
  EXPECT_EQ(markets, 8u);
  write_text(meta, "swlab-state 1\nmarkets 12\n");
  EXPECT_EQ(read_state_meta(dir.path(), &markets, &error), MetaStatus::kOk) << error;
  EXPECT_EQ(markets, 12u);
  // A flipped digit in a version 2 file: the checksum catches it.
  ASSERT_TRUE(write_state_meta(posix_file_system(), dir.path(), 8, &error));
  std::string text;
  {
    std::ifstream in(meta);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  text[text.find("markets 8") + 8] = '9';
  write_text(meta, text);
  EXPECT_EQ(read_state_meta(dir.path(), &markets, &error), MetaStatus::kDamaged);
  EXPECT_TRUE(contains(error, "checksum mismatch")) << error;
  // An engine refuses to start on it.
  EngineConfig ec;
  ec.persistence.dir = dir.path();
  EXPECT_FALSE(EngineRegistry::instance().create("single-writer", ec, &error));
  EXPECT_TRUE(contains(error, "checksum mismatch")) << error;
  // No meta at all is "no state", not damage.
  fs::remove(meta);
  EXPECT_EQ(read_state_meta(dir.path(), &markets, &error), MetaStatus::kMissing);
  EXPECT_TRUE(contains(error, "holds no swlab state")) << error;
}

// ------------------------------------------------ 2. records against the state

TEST(Records, ACrcValidRecordThatDoesNotFitTheStateIsRefusedWithFileAndOffset) {
  struct Case {
    Command cmd;
    std::string why;
  };
  Command market200;
  market200.type = CommandType::kCancel;
  market200.market = 200;
  Command query;
  query.type = CommandType::kTop;
  Command negative_account;
  negative_account.type = CommandType::kBuy;
  negative_account.account = -3;
  negative_account.qty = 1;
  negative_account.price = 1;
  Command zero_deposit;
  zero_deposit.type = CommandType::kDeposit;
  zero_deposit.qty = 0;
  const Case cases[] = {{market200, "names market 200 but the state has 8"},
                        {query, "query, which is never journaled"},
                        {negative_account, "account -3"},
                        {zero_deposit, "deposits 0"}};
  for (const auto& c : cases) {
    TempDir dir(kTempPrefix);
    std::string error;
    ASSERT_TRUE(write_state_meta(posix_file_system(), dir.path(), 8, &error)) << error;
    auto w = JournalWriter::open(dir.path(), 1, 1 << 20, &error);
    ASSERT_TRUE(w) << error;
    Command ok;
    ok.type = CommandType::kDeposit;
    ok.qty = 5;
    ASSERT_TRUE(w->append(1, ok, &error));
    ASSERT_TRUE(w->append(2, c.cmd, &error));  // the writer frames whatever it is given
    ASSERT_TRUE(w->append(3, ok, &error));
    ASSERT_TRUE(w->sync(&error));
    w.reset();
    RecoveryReport report;
    EXPECT_FALSE(recover_dir(dir.path(), &report, &error));
    const std::string at = dir.path() + "/" + segment_file_name(1) + " at byte " +
                           std::to_string(kSegmentHeaderSize + kEncodedRecordSize) + ": record seq 2";
    EXPECT_TRUE(contains(error, at) && contains(error, c.why)) << error;
    // The format alone (what a scan without a state checks) has nothing against it.
    JournalScan scan;
    EXPECT_TRUE(scan_journal(dir.path(), 1, nullptr, &scan, &error, false)) << error;
  }
  // Out-of-range prices and quantities are legitimate: the engine rejected them.
  TempDir dir(kTempPrefix);
  std::string error;
  ASSERT_TRUE(write_state_meta(posix_file_system(), dir.path(), 8, &error));
  auto w = JournalWriter::open(dir.path(), 1, 1 << 20, &error);
  Command odd;
  odd.type = CommandType::kSell;
  odd.qty = -5;
  odd.price = INT64_MAX;
  ASSERT_TRUE(w->append(1, odd, &error));
  ASSERT_TRUE(w->sync(&error));
  w.reset();
  RecoveryReport report;
  EXPECT_TRUE(recover_dir(dir.path(), &report, &error)) << error;
}

// ------------------------------------------------------ 3. snapshot names

TEST(Snapshots, ASnapshotWhoseNameDisagreesWithItsContentIsRefused) {
  TempDir dir(kTempPrefix);
  const uint64_t last = make_state(dir.path(), 400, 100);
  ASSERT_GT(last, 300u);
  std::vector<std::string> snaps = list_snapshots(dir.path());
  ASSERT_FALSE(snaps.empty());
  const std::string renamed = dir.path() + "/" + snapshot_file_name(10);
  fs::rename(snaps.back(), renamed);
  for (const auto& s : snaps)
    if (fs::exists(s)) fs::remove(s);
  RecoveryReport report;
  std::string error;
  EXPECT_FALSE(recover_dir(dir.path(), &report, &error));
  EXPECT_TRUE(contains(error, renamed) && contains(error, "its name says seq 10")) << error;
}

// --------------------------------------------------------------- 4. sizes

TEST(Sizes, AHugeSparseLastSegmentIsRefusedWithoutReadingIt) {
  TempDir dir(kTempPrefix);
  make_state(dir.path(), 300);
  std::vector<std::string> segments = list_segments(dir.path());
  ASSERT_GT(segments.size(), 1u);
  fs::resize_file(segments.back(), uint64_t{200} << 30);  // sparse: costs no disk
  const auto start = std::chrono::steady_clock::now();
  RecoveryReport report;
  std::string error;
  EXPECT_FALSE(recover_dir(dir.path(), &report, &error));
  EXPECT_TRUE(contains(error, segments.back() + " at byte 1073741824") &&
              contains(error, "more than the 1073741824 a segment can hold"))
      << error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

TEST(Sizes, ALargeZeroTailWithinTheLimitIsATornTailFoundAtMemorySpeed) {
  TempDir dir(kTempPrefix);
  const uint64_t last = make_state(dir.path(), 300);
  std::vector<std::string> segments = list_segments(dir.path());
  const uint64_t good = fs::file_size(segments.back());
  fs::resize_file(segments.back(), 256 << 20);  // a sparse run of zeros to search through
  RecoveryReport report;
  std::string error;
  ASSERT_TRUE(recover_dir(dir.path(), &report, &error)) << error;
  EXPECT_EQ(report.last_seq, last);
  EXPECT_TRUE(contains(report.warning, "torn tail at byte " + std::to_string(good))) << report.warning;
}

TEST(Sizes, ASnapshotLargerThanItsHeaderSaysIsRefusedWithoutReadingIt) {
  TempDir dir(kTempPrefix);
  make_state(dir.path(), 300, 100);
  std::vector<std::string> snaps = list_snapshots(dir.path());
  ASSERT_FALSE(snaps.empty());
  const std::string snap = snaps.back();
  const auto real_size = fs::file_size(snap);
  fs::resize_file(snap, uint64_t{200} << 30);
  Exchange ex(8);
  uint64_t seq = 0;
  std::string error;
  EXPECT_FALSE(read_snapshot(snap, &ex, &seq, &error));
  EXPECT_TRUE(contains(error, snap) && contains(error, "does not match the file")) << error;

  // A header declaring more than the format allows is refused before any read.
  fs::resize_file(snap, real_size);
  std::string bytes;
  {
    std::ifstream in(snap, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const uint64_t huge = uint64_t{5} << 30;
  for (int i = 0; i < 8; ++i) bytes[24 + i] = static_cast<char>(huge >> (8 * i));
  const uint32_t crc = crc32c(bytes.data(), 36);
  for (int i = 0; i < 4; ++i) bytes[36 + i] = static_cast<char>(crc >> (8 * i));
  write_text(snap, bytes);
  Exchange ex2(8);
  EXPECT_FALSE(read_snapshot(snap, &ex2, &seq, &error));
  EXPECT_TRUE(contains(error, "exceeds the format's limit")) << error;
}

// ---------------------------------------------------- 5. non-regular files

TEST(NonRegularFiles, AFifoNamedLikeASegmentIsRefusedNotWaitedOn) {
  TempDir dir(kTempPrefix);
  const uint64_t last = make_state(dir.path(), 100);
  const std::string fifo = dir.path() + "/" + segment_file_name(last + 1);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  RecoveryReport report;
  std::string error;
  auto result = std::async(std::launch::async, [&] { return recover_dir(dir.path(), &report, &error); });
  if (result.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    std::ofstream unblock(fifo);  // let the stuck reader go, then fail
    result.wait();
    FAIL() << "recovery blocked on a fifo named like a segment";
  }
  EXPECT_FALSE(result.get());
  EXPECT_TRUE(contains(error, fifo + " is a fifo, not a regular file")) << error;
}

TEST(NonRegularFiles, ADirectoryNamedLikeASnapshotOrTheMetaIsRefusedByName) {
  TempDir dir(kTempPrefix);
  const uint64_t last = make_state(dir.path(), 100);
  const std::string snap = dir.path() + "/" + snapshot_file_name(last);
  fs::create_directory(snap);
  RecoveryReport report;
  std::string error;
  EXPECT_FALSE(recover_dir(dir.path(), &report, &error));
  EXPECT_TRUE(contains(error, snap + " is a directory, not a regular file")) << error;
  fs::remove(snap);
  fs::remove(dir.path() + "/swlab.meta");
  fs::create_directory(dir.path() + "/swlab.meta");
  uint32_t markets = 0;
  EXPECT_EQ(read_state_meta(dir.path(), &markets, &error), MetaStatus::kDamaged);
  EXPECT_TRUE(contains(error, "swlab.meta is a directory")) << error;
}

// ----------------------------------------------- 9. unusable places, found first

TEST(Preflight, AnUnusableDirectoryOrOutputIsFoundBeforeAnyWork) {
  TempDir dir(kTempPrefix);
  std::string error;
  EXPECT_FALSE(check_state_directory("/proc/swlab-no-such-dir", &error));
  EXPECT_TRUE(contains(error, "/proc/swlab-no-such-dir")) << error;
  const std::string file = dir.path() + "/plain";
  write_text(file, "x");
  EXPECT_FALSE(check_state_directory(file + "/journal", &error));
  EXPECT_TRUE(contains(error, "Not a directory")) << error;
  EXPECT_TRUE(check_state_directory(dir.path() + "/new/journal", &error)) << error;

  EXPECT_FALSE(check_writable_file("/nonexistent/x.json", &error));
  EXPECT_TRUE(contains(error, "/nonexistent/x.json")) << error;
  EXPECT_FALSE(check_writable_file(dir.path(), &error));
  EXPECT_TRUE(contains(error, "is a directory")) << error;
  EXPECT_TRUE(check_writable_file(dir.path() + "/out.json", &error)) << error;
  EXPECT_FALSE(fs::exists(dir.path() + "/out.json.tmp")) << "the probe was left behind";
}

// ------------------------------------------------------ 11. snapshot pile-up

TEST(Snapshots, OnlyTheNewestKAreKept) {
  TempDir keep2(kTempPrefix), keep_all(kTempPrefix);
  const uint64_t last = make_state(keep2.path(), 60, 1, 2);
  std::vector<std::string> snaps = list_snapshots(keep2.path());
  ASSERT_EQ(snaps.size(), 2u);
  uint64_t seq = 0;
  parse_snapshot_file_name(fs::path(snaps.back()).filename().string(), &seq);
  EXPECT_EQ(seq, last);
  make_state(keep_all.path(), 60, 1, 0);
  EXPECT_EQ(list_snapshots(keep_all.path()).size(), last);
  // Stale temporaries are the lock holder's to delete.
  write_text(keep2.path() + "/" + snapshot_file_name(999) + ".tmp", "half");
  make_state(keep2.path(), 1);
  EXPECT_FALSE(fs::exists(keep2.path() + "/" + snapshot_file_name(999) + ".tmp"));
}

}  // namespace
}  // namespace swlab::test
