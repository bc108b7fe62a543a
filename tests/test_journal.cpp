// The journal and its checksum: CRC32C vectors, the command encoding, the writer
// (framing, rotation, seq checks, I/O errors) and the reader (replay, torn tails
// versus corruption). Files are built by hand here, from the format documented in
// journal_format.h, so the tests check the format and not just that the writer and the
// reader agree with each other.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "persistence/crc32c.h"
#include "persistence/journal.h"
#include "persistence/journal_manifest.h"

namespace swlab {
namespace {

// ------------------------------------------------------------------------ CRC32C

TEST(Crc32cTest, KnownVectors) {
  // "123456789" is the standard check value; the 32-byte vectors are RFC 3720 B.4.
  std::string zeros(32, '\0'), ones(32, '\xFF'), up(32, 0), down(32, 0);
  for (int i = 0; i < 32; ++i) {
    up[i] = static_cast<char>(i);
    down[i] = static_cast<char>(31 - i);
  }
  struct Vector {
    std::string data;
    uint32_t crc;
  } vectors[] = {{"123456789", 0xE3069283}, {"", 0},          {zeros, 0x8A9136AA},
                 {ones, 0x62A8AB43},        {up, 0x46DD794E}, {down, 0x113FDB5C}};
  for (const auto& v : vectors) {
    EXPECT_EQ(crc32c(v.data.data(), v.data.size()), v.crc) << v.data.size();
    EXPECT_EQ(crc32c_software(v.data.data(), v.data.size()), v.crc) << v.data.size();
    if (crc32c_hardware_available()) {
      EXPECT_EQ(crc32c_hardware(v.data.data(), v.data.size()), v.crc) << v.data.size();
    }
  }
}

TEST(Crc32cTest, ChainingEqualsOneShot) {
  std::mt19937_64 rng(1);
  std::string buf(1000, '\0');
  for (auto& c : buf) c = static_cast<char>(rng());
  uint32_t whole = crc32c(buf.data(), buf.size());
  for (std::size_t split = 0; split <= buf.size(); split += 37) {
    uint32_t a = crc32c(buf.data(), split);
    EXPECT_EQ(crc32c(buf.data() + split, buf.size() - split, a), whole) << split;
    uint32_t sa = crc32c_software(buf.data(), split);
    EXPECT_EQ(crc32c_software(buf.data() + split, buf.size() - split, sa), whole) << split;
  }
}

TEST(Crc32cTest, HardwareMatchesSoftwareOnRandomBuffers) {
  if (!crc32c_hardware_available()) GTEST_SKIP() << "no SSE4.2 on this CPU";
  std::mt19937_64 rng(2);
  std::vector<unsigned char> buf(4096 + 16);
  for (auto& c : buf) c = static_cast<unsigned char>(rng());
  for (int i = 0; i < 2000; ++i) {
    std::size_t offset = rng() % 16;  // every alignment
    std::size_t n = rng() % 4097;
    uint32_t seed = static_cast<uint32_t>(rng());
    ASSERT_EQ(crc32c_hardware(buf.data() + offset, n, seed),
              crc32c_software(buf.data() + offset, n, seed))
        << "offset " << offset << " n " << n;
  }
}

// ------------------------------------------------------------- helpers for files

void put_u32(std::string* s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s->push_back(static_cast<char>(v >> (8 * i)));
}
void put_u64(std::string* s, uint64_t v) {
  for (int i = 0; i < 8; ++i) s->push_back(static_cast<char>(v >> (8 * i)));
}

// A segment header exactly as journal_format.h documents it.
std::string header_bytes(uint64_t first_seq, uint32_t version = 1, uint32_t header_size = 32,
                         uint32_t reserved = 0) {
  std::string h = "SWJOURNL";
  put_u32(&h, version);
  put_u32(&h, header_size);
  put_u64(&h, first_seq);
  put_u32(&h, reserved);
  put_u32(&h, crc32c(h.data(), h.size()));
  return h;
}

// A record exactly as journal_format.h documents it.
std::string record_bytes(uint64_t seq, const Command& cmd) {
  std::string payload;
  encode_command(cmd, &payload);
  std::string r;
  put_u32(&r, static_cast<uint32_t>(payload.size()));
  put_u64(&r, seq);
  uint32_t crc = crc32c(payload.data(), payload.size(), crc32c(r.data(), r.size()));
  put_u32(&r, crc);
  return r + payload;
}

constexpr std::size_t kRecordSize = kRecordHeaderSize + kEncodedCommandSize;

bool same(const Command& a, const Command& b) {
  return a.type == b.type && a.asset == b.asset && a.ioc == b.ioc && a.market == b.market &&
         a.account == b.account && a.order_id == b.order_id && a.qty == b.qty && a.price == b.price;
}

std::vector<Command> random_commands(std::size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Command> out(n);
  for (auto& c : out) {
    c.type = static_cast<CommandType>(rng() % kCommandTypeCount);
    c.asset = static_cast<Asset>(rng() % 2);
    c.ioc = rng() % 2 == 1;
    c.market = static_cast<uint32_t>(rng());
    c.account = static_cast<int64_t>(rng());
    c.order_id = static_cast<int64_t>(rng());
    c.qty = static_cast<int64_t>(rng());
    c.price = static_cast<int64_t>(rng());
  }
  return out;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// ------------------------------------------------------------------ the encoding

TEST(JournalCodecTest, CommandRoundTripsAndIsValidated) {
  Command c;
  c.type = CommandType::kDigest;
  c.asset = Asset::kQty;
  c.ioc = true;
  c.market = 0xFFFFFFFF;
  c.account = INT64_MIN;
  c.order_id = INT64_MAX;
  c.qty = -1;
  c.price = 0x0102030405060708;
  std::string enc;
  encode_command(c, &enc);
  ASSERT_EQ(enc.size(), kEncodedCommandSize);
  EXPECT_EQ(enc[0], static_cast<char>(CommandType::kDigest));
  EXPECT_EQ(enc.substr(31, 8),
            std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8));  // little-endian
  auto* p = reinterpret_cast<const uint8_t*>(enc.data());
  Command d;
  ASSERT_TRUE(decode_command(p, enc.size(), &d));
  EXPECT_TRUE(same(c, d));

  EXPECT_FALSE(decode_command(p, enc.size() - 1, &d));
  std::string longer = enc + '\0';
  EXPECT_FALSE(decode_command(reinterpret_cast<const uint8_t*>(longer.data()), longer.size(), &d));
  for (int field : {0, 1, 2}) {
    std::string bad = enc;
    bad[field] = field == 0 ? static_cast<char>(kCommandTypeCount) : 2;
    EXPECT_FALSE(decode_command(reinterpret_cast<const uint8_t*>(bad.data()), bad.size(), &d))
        << "field " << field;
  }
}

TEST(JournalCodecTest, SegmentFileNames) {
  EXPECT_EQ(segment_file_name(1), "journal-00000000000000000001.swj");
  EXPECT_EQ(segment_file_name(UINT64_MAX), "journal-18446744073709551615.swj");
  uint64_t v = 0;
  EXPECT_TRUE(parse_segment_file_name("journal-00000000000000000042.swj", &v));
  EXPECT_EQ(v, 42u);
  EXPECT_FALSE(parse_segment_file_name("journal-0000000000000000042.swj", &v));
  EXPECT_FALSE(parse_segment_file_name("journal-99999999999999999999.swj", &v));  // overflow
  EXPECT_FALSE(parse_segment_file_name("journal-00000000000000000042.swj.tmp", &v));
  EXPECT_FALSE(parse_segment_file_name("journal-0000000000000000004x.swj", &v));
}

// ------------------------------------------------------------- writer and reader

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/swlab_journal_test_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr) << std::strerror(errno);
    root_ = tmpl;
    dir_ = root_ + "/j";
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  // Writes cmds as seqs first.. in segments of segment_bytes, synced.
  void write_journal(const std::vector<Command>& cmds, uint64_t first = 1,
                     std::size_t segment_bytes = 1 << 20) {
    std::string error;
    auto w = JournalWriter::open(dir_, first, segment_bytes, &error);
    ASSERT_NE(w, nullptr) << error;
    for (std::size_t i = 0; i < cmds.size(); ++i)
      ASSERT_TRUE(w->append(first + i, cmds[i], &error)) << error;
    ASSERT_TRUE(w->sync(&error)) << error;
  }

  struct Replay {
    bool ok = false;
    std::string error;
    JournalScan scan;
    std::vector<std::pair<uint64_t, Command>> applied;
  };
  Replay replay(uint64_t from_seq = 0, bool truncate = false) {
    Replay r;
    r.ok = scan_journal(
        dir_, from_seq,
        [&](uint64_t seq, const Command& cmd) {
          r.applied.emplace_back(seq, cmd);
          return true;
        },
        &r.scan, &r.error, truncate);
    return r;
  }

  std::string segment(uint64_t first_seq) const {
    return dir_ + "/" + segment_file_name(first_seq);
  }

  std::string root_, dir_;
};

TEST_F(JournalTest, WriterOutputIsTheDocumentedFormat) {
  auto cmds = random_commands(3, 3);
  write_journal(cmds, 7);
  std::string expected = header_bytes(7);
  for (std::size_t i = 0; i < cmds.size(); ++i) expected += record_bytes(7 + i, cmds[i]);
  EXPECT_EQ(read_bytes(segment(7)), expected);
  EXPECT_EQ(list_segments(dir_), std::vector<std::string>{segment(7)});
}

TEST_F(JournalTest, RoundTripAcrossRotatedSegments) {
  const std::size_t kSegmentBytes = 8192;
  auto cmds = random_commands(1000, 4);
  write_journal(cmds, 1, kSegmentBytes);

  auto segments = list_segments(dir_);
  ASSERT_GE(segments.size(), 6u);
  uint64_t next_first = 1;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    EXPECT_EQ(segments[i], segment(next_first));
    auto size = std::filesystem::file_size(segments[i]);
    ASSERT_EQ((size - kSegmentHeaderSize) % kRecordSize, 0u);
    if (i + 1 < segments.size()) {  // closed on the record that reached the limit
      EXPECT_GE(size, kSegmentBytes);
      EXPECT_LT(size, kSegmentBytes + kRecordSize);
    }
    next_first += (size - kSegmentHeaderSize) / kRecordSize;
  }
  EXPECT_EQ(next_first, cmds.size() + 1);

  Replay r = replay();
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_FALSE(r.scan.torn_tail);
  EXPECT_EQ(r.scan.first_seq, 1u);
  EXPECT_EQ(r.scan.last_seq, cmds.size());
  EXPECT_EQ(r.scan.records, cmds.size());
  EXPECT_EQ(r.scan.segments, segments.size());
  ASSERT_EQ(r.applied.size(), cmds.size());
  for (std::size_t i = 0; i < cmds.size(); ++i) {
    ASSERT_EQ(r.applied[i].first, i + 1);
    ASSERT_TRUE(same(r.applied[i].second, cmds[i])) << "seq " << i + 1;
  }
}

TEST_F(JournalTest, ReopenContinuesTheJournal) {
  auto cmds = random_commands(150, 5);
  write_journal({cmds.begin(), cmds.begin() + 100}, 1, 2048);
  Replay r = replay();
  ASSERT_TRUE(r.ok) << r.error;
  write_journal({cmds.begin() + 100, cmds.end()}, r.scan.last_seq + 1, 2048);
  r = replay();
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.applied.size(), cmds.size());
  for (std::size_t i = 0; i < cmds.size(); ++i) ASSERT_TRUE(same(r.applied[i].second, cmds[i]));
}

TEST_F(JournalTest, AppendRequiresTheNextSeq) {
  std::string error;
  auto w = JournalWriter::open(dir_, 10, 1 << 20, &error);
  ASSERT_NE(w, nullptr) << error;
  EXPECT_EQ(w->last_seq(), 9u);
  Command c;
  EXPECT_FALSE(w->append(11, c, &error));  // gap
  EXPECT_NE(error.find("expected 10"), std::string::npos) << error;
  EXPECT_FALSE(w->append(9, c, &error));  // repeat
  EXPECT_TRUE(w->append(10, c, &error)) << error;
  EXPECT_FALSE(w->append(10, c, &error));
  EXPECT_FALSE(w->append(12, c, &error));
  EXPECT_TRUE(w->append(11, c, &error)) << error;
  EXPECT_FALSE(w->failed());  // a caller's wrong seq is refused, not an I/O failure
  EXPECT_EQ(w->last_seq(), 11u);
  EXPECT_EQ(JournalWriter::open(dir_, 0, 1 << 20, &error), nullptr);
}

TEST_F(JournalTest, ScanFromTheMiddle) {
  auto cmds = random_commands(300, 6);
  write_journal(cmds, 1, 4096);
  for (uint64_t from : {1u, 2u, 150u, 299u, 300u, 301u, 10000u}) {
    Replay r = replay(from);
    ASSERT_TRUE(r.ok) << r.error;
    uint64_t expect_count = from > 300 ? 0 : 300 - from + 1;
    ASSERT_EQ(r.applied.size(), expect_count) << from;
    EXPECT_EQ(r.scan.records, expect_count);
    EXPECT_EQ(r.scan.last_seq, 300u);  // the records before from_seq are still verified
    if (expect_count > 0) {
      EXPECT_EQ(r.applied.front().first, from);
      EXPECT_TRUE(same(r.applied.front().second, cmds[from - 1]));
    }
  }
}

TEST_F(JournalTest, ScanFromBeforeTheJournalStartsIsAnError) {
  write_journal(random_commands(10, 7), 100);
  Replay r = replay(50);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find(segment(100) + " at byte 16"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("missing"), std::string::npos) << r.error;
  r = replay(100);
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.applied.size(), 10u);
  r = replay(0);  // whatever is there
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.scan.first_seq, 100u);
  EXPECT_EQ(r.scan.last_seq, 109u);
}

TEST_F(JournalTest, MissingOrEmptyDirectoryIsAnEmptyJournal) {
  Replay r = replay(1);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.scan.segments, 0u);
  EXPECT_EQ(r.scan.last_seq, 0u);
  std::filesystem::create_directories(dir_);
  r = replay(1);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.scan.segments, 0u);
}

TEST_F(JournalTest, CallerCanStopTheScan) {
  write_journal(random_commands(20, 8));
  JournalScan scan;
  std::string error;
  int calls = 0;
  bool ok = scan_journal(
      dir_, 1,
      [&](uint64_t seq, const Command&) {
        ++calls;
        return seq < 10;
      },
      &scan, &error, false);
  EXPECT_FALSE(ok);
  EXPECT_EQ(error, "stopped by caller");
  EXPECT_EQ(calls, 10);
  EXPECT_EQ(scan.last_seq, 9u);
  EXPECT_EQ(scan.records, 9u);
}

// The crash case: the last record of the last segment cut at every byte.
TEST_F(JournalTest, TornTailAtEveryOffsetOfTheLastRecord) {
  auto cmds = random_commands(200, 9);
  write_journal(cmds, 1, 4096);  // several segments; the tail is in the last one
  auto segments = list_segments(dir_);
  ASSERT_GE(segments.size(), 2u);
  const std::string last = segments.back();
  const std::string intact = read_bytes(last);
  const std::size_t last_record = intact.size() - kRecordSize;
  for (std::size_t cut = last_record; cut < intact.size(); ++cut) {
    write_bytes(last, intact.substr(0, cut));
    Replay r = replay(0, /*truncate=*/true);
    ASSERT_TRUE(r.ok) << "cut " << cut << ": " << r.error;
    EXPECT_EQ(r.scan.last_seq, 199u) << cut;
    EXPECT_EQ(r.applied.size(), 199u) << cut;
    if (cut == last_record) {  // a clean end, one record shorter
      EXPECT_FALSE(r.scan.torn_tail);
      continue;
    }
    EXPECT_TRUE(r.scan.torn_tail) << cut;
    EXPECT_EQ(r.scan.torn_file, last);
    EXPECT_EQ(r.scan.torn_offset, last_record);
    EXPECT_NE(r.scan.warning.find(last), std::string::npos) << r.scan.warning;
    EXPECT_NE(r.scan.warning.find("truncated"), std::string::npos) << r.scan.warning;
    EXPECT_EQ(std::filesystem::file_size(last), last_record) << cut;

    Replay again = replay(0, true);
    ASSERT_TRUE(again.ok) << again.error;
    EXPECT_FALSE(again.scan.torn_tail) << cut;
    EXPECT_TRUE(again.scan.warning.empty());
    EXPECT_EQ(again.scan.last_seq, 199u);
  }
}

TEST_F(JournalTest, TornTailWithoutTruncationLeavesTheFile) {
  write_journal(random_commands(5, 10));
  const std::string path = segment(1);
  std::string bytes = read_bytes(path);
  bytes.resize(bytes.size() - 3);
  write_bytes(path, bytes);
  Replay r = replay(0, false);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.scan.torn_tail);
  EXPECT_NE(r.scan.warning.find("not truncated"), std::string::npos) << r.scan.warning;
  EXPECT_EQ(read_bytes(path), bytes);
}

TEST_F(JournalTest, TornTailShapesACrashLeaves) {
  auto cmds = random_commands(6, 11);
  write_journal(cmds);
  const std::string path = segment(1);
  const std::string intact = read_bytes(path);
  const std::size_t last_record = intact.size() - kRecordSize;
  std::string with_bad_crc = intact;
  with_bad_crc[last_record + 20] ^= 0x01;  // last payload damaged: the write did not land
  std::string bad_length = intact.substr(0, last_record) + std::string("\xFF\xFF\xFF\x7F", 4);
  struct Case {
    const char* name;
    std::string bytes;
    std::size_t good_end;
  } cases[] = {
      {"last record's CRC mismatch", with_bad_crc, last_record},
      {"file extended with zeros", intact.substr(0, last_record) + std::string(4096, '\0'),
       last_record},
      {"complete records then zeros", intact + std::string(100, '\0'), intact.size()},
      {"a huge length at the end", bad_length, last_record},
  };
  for (const auto& c : cases) {
    write_bytes(path, c.bytes);
    Replay r = replay(0, true);
    ASSERT_TRUE(r.ok) << c.name << ": " << r.error;
    EXPECT_TRUE(r.scan.torn_tail) << c.name;
    EXPECT_EQ(r.scan.torn_offset, c.good_end) << c.name;
    EXPECT_EQ(std::filesystem::file_size(path), c.good_end) << c.name;
  }
}

// journal.manifest (journal_manifest.h) follows the writer: the newest segment and
// the seq known durable, at open, at every roll and at the clean close.
TEST_F(JournalTest, TheManifestRecordsTheNewestSegmentAndTheDurableEnd) {
  auto cmds = random_commands(300, 13);
  std::string error;
  auto w = JournalWriter::open(dir_, 1, 4096, &error);
  ASSERT_NE(w, nullptr) << error;
  JournalManifest m;
  ASSERT_EQ(read_journal_manifest(dir_, &m, &error), TextFileStatus::kOk) << error;
  EXPECT_EQ(m.newest, 1u);
  EXPECT_EQ(m.through, 0u);
  for (std::size_t i = 0; i < cmds.size(); ++i) {
    ASSERT_TRUE(w->append(1 + i, cmds[i], &error)) << error;
    ASSERT_EQ(read_journal_manifest(dir_, &m, &error), TextFileStatus::kOk) << error;
    // The segment records go to is the newest; everything before it was synced.
    ASSERT_EQ(m.newest, segment_first_seq(w->segment_path())) << "after seq " << i + 1;
    ASSERT_EQ(m.through, m.newest - 1);
  }
  ASSERT_GE(list_segments(dir_).size(), 3u);
  ASSERT_TRUE(w->sync(&error)) << error;
  ASSERT_TRUE(w->record_end(&error)) << error;
  ASSERT_EQ(read_journal_manifest(dir_, &m, &error), TextFileStatus::kOk) << error;
  EXPECT_EQ(m.through, 300u);
  ASSERT_TRUE(w->close(&error)) << error;
  EXPECT_TRUE(w->close(&error)) << "a second close does nothing";
  w.reset();
  Replay r = replay(1);
  ASSERT_TRUE(r.ok) << r.error;
  // A damaged manifest is refused by name, not ignored.
  std::string bytes = read_bytes(dir_ + "/journal.manifest");
  bytes[bytes.find("through ") + 8] ^= 0x01;
  write_bytes(dir_ + "/journal.manifest", bytes);
  r = replay(1);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find(dir_ + "/journal.manifest at byte"), std::string::npos) << r.error;
}

TEST_F(JournalTest, TornFirstRecordLeavesAHeaderOnlySegmentTheWriterReplaces) {
  // A crash after rotation: segment 6 exists, its first record only partly written.
  auto cmds = random_commands(8, 12);
  write_journal({cmds.begin(), cmds.begin() + 5});
  write_bytes(segment(6), header_bytes(6) + record_bytes(6, cmds[5]).substr(0, 30));
  Replay r = replay(0, true);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.scan.torn_tail);
  EXPECT_EQ(r.scan.torn_file, segment(6));
  EXPECT_EQ(r.scan.last_seq, 5u);
  EXPECT_EQ(std::filesystem::file_size(segment(6)), kSegmentHeaderSize);

  write_journal({cmds.begin() + 5, cmds.end()}, r.scan.last_seq + 1);  // replaces segment 6
  r = replay();
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_FALSE(r.scan.torn_tail);
  ASSERT_EQ(r.applied.size(), cmds.size());
  for (std::size_t i = 0; i < cmds.size(); ++i) EXPECT_TRUE(same(r.applied[i].second, cmds[i]));
}

TEST_F(JournalTest, OpenRefusesToOverwriteRecordsOrWriteOutOfOrder) {
  write_journal(random_commands(5, 13), 6);
  std::string error;
  EXPECT_EQ(JournalWriter::open(dir_, 6, 1 << 20, &error), nullptr);
  EXPECT_NE(error.find(segment(6)), std::string::npos) << error;
  EXPECT_NE(error.find("holds records"), std::string::npos) << error;
  EXPECT_EQ(JournalWriter::open(dir_, 4, 1 << 20, &error), nullptr);
  EXPECT_NE(error.find("out of order"), std::string::npos) << error;
  EXPECT_EQ(replay().scan.last_seq, 10u);  // untouched
}

// Damage to acknowledged data: anywhere but the very last record, it is an error
// that names the file and the offset, never a silently shortened journal.
TEST_F(JournalTest, FlippedByteInAMiddleRecordIsAnError) {
  write_journal(random_commands(200, 14), 1, 4096);
  auto segments = list_segments(dir_);
  ASSERT_GE(segments.size(), 3u);
  const std::size_t records_in_last =
      (std::filesystem::file_size(segments.back()) - kSegmentHeaderSize) / kRecordSize;
  ASSERT_GE(records_in_last, 3u);
  struct Case {
    std::string path;
    std::size_t record;  // index in its segment
    std::size_t byte;    // within the record
  } cases[] = {
      {segments[0], 10, 20},                       // payload, first segment
      {segments[1], 0, 16},                        // payload, first record of a middle segment
      {segments[1], 5, 6},                         // seq field
      {segments[1], 5, 13},                        // crc field
      {segments.back(), records_in_last / 2, 30},  // payload, middle of the last segment
      {segments.back(), records_in_last - 2, 1},   // length field, last segment
  };
  for (const auto& c : cases) {
    const std::string intact = read_bytes(c.path);
    std::string bytes = intact;
    const std::size_t offset = kSegmentHeaderSize + c.record * kRecordSize;
    bytes[offset + c.byte] ^= 0x10;
    write_bytes(c.path, bytes);
    Replay r = replay(0, true);
    EXPECT_FALSE(r.ok) << c.path << " record " << c.record;
    EXPECT_NE(r.error.find(c.path + " at byte " + std::to_string(offset) + ":"), std::string::npos)
        << r.error;
    EXPECT_EQ(read_bytes(c.path), bytes) << "an error must not truncate";
    write_bytes(c.path, intact);
  }
  EXPECT_TRUE(replay().ok);
}

TEST_F(JournalTest, DamagedLengthInTheLastSegmentIsNotMistakenForATornTail) {
  write_journal(random_commands(10, 15));
  const std::string path = segment(1);
  const std::string intact = read_bytes(path);
  const std::size_t offset = kSegmentHeaderSize + 4 * kRecordSize;
  for (uint32_t length : {4000u, 0xFFFFFFFFu, 0u, 38u}) {
    std::string bytes = intact;
    for (int i = 0; i < 4; ++i) bytes[offset + i] = static_cast<char>(length >> (8 * i));
    write_bytes(path, bytes);
    Replay r = replay(0, true);
    EXPECT_FALSE(r.ok) << length;
    EXPECT_NE(r.error.find(path + " at byte " + std::to_string(offset) + ":"), std::string::npos)
        << r.error;
    EXPECT_NE(r.error.find("valid record follows"), std::string::npos) << r.error;
    EXPECT_EQ(std::filesystem::file_size(path), intact.size()) << length;
  }
}

TEST_F(JournalTest, TornEndOfASegmentThatIsNotTheLastIsAnError) {
  write_journal(random_commands(100, 16), 1, 2048);
  auto segments = list_segments(dir_);
  ASSERT_GE(segments.size(), 2u);
  std::string bytes = read_bytes(segments[0]);
  bytes.resize(bytes.size() - 3);
  write_bytes(segments[0], bytes);
  Replay r = replay(0, true);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(
      r.error.find(segments[0] + " at byte " + std::to_string(bytes.size() + 3 - kRecordSize)),
      std::string::npos)
      << r.error;
  EXPECT_NE(r.error.find("not the last"), std::string::npos) << r.error;
}

TEST_F(JournalTest, MissingSegmentIsAnError) {
  write_journal(random_commands(120, 17), 1, 2048);
  auto segments = list_segments(dir_);
  ASSERT_GE(segments.size(), 3u);
  std::filesystem::remove(segments[1]);
  Replay r = replay();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find(segments[2] + " at byte 16"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("missing"), std::string::npos) << r.error;

  // Without its first segment the journal starts late: fine from 0, an error from 1.
  std::filesystem::remove(segments[0]);
  std::filesystem::remove(segments[2]);
  EXPECT_TRUE(replay(0).ok);
  r = replay(1);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("missing"), std::string::npos) << r.error;
}

TEST_F(JournalTest, DuplicateOrMissingSeqWrittenByHandIsAnError) {
  std::filesystem::create_directories(dir_);
  auto c = random_commands(5, 18);
  const std::string path = segment(1);
  struct Case {
    const char* name;
    std::vector<uint64_t> seqs;
    std::size_t bad_record;
    const char* what;
  } cases[] = {
      {"repeat", {1, 2, 2, 3}, 2, "repeat"},
      {"repeat at the very end", {1, 2, 2}, 2, "repeat"},
      {"gap", {1, 2, 4, 5}, 2, "gap"},
      {"gap at the very end", {1, 2, 4}, 2, "gap"},
      {"first record is not first_seq", {2, 3}, 0, "gap"},
  };
  for (const auto& k : cases) {
    std::string bytes = header_bytes(1);
    for (std::size_t i = 0; i < k.seqs.size(); ++i) bytes += record_bytes(k.seqs[i], c[i]);
    write_bytes(path, bytes);
    Replay r = replay(0, true);
    EXPECT_FALSE(r.ok) << k.name;
    const std::size_t offset = kSegmentHeaderSize + k.bad_record * kRecordSize;
    EXPECT_NE(r.error.find(path + " at byte " + std::to_string(offset) + ":"), std::string::npos)
        << k.name << ": " << r.error;
    EXPECT_NE(r.error.find(k.what), std::string::npos) << k.name << ": " << r.error;
  }
  // A second segment that overlaps the first.
  write_bytes(path, header_bytes(1) + record_bytes(1, c[0]) + record_bytes(2, c[1]));
  write_bytes(segment(2), header_bytes(2) + record_bytes(2, c[2]));
  Replay r = replay();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find(segment(2) + " at byte 16"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("overlap"), std::string::npos) << r.error;
}

TEST_F(JournalTest, RecordWithValidCrcButInvalidPayloadIsAnError) {
  std::filesystem::create_directories(dir_);
  auto c = random_commands(2, 19);
  std::string bad_payload = record_bytes(2, c[1]);
  bad_payload[kRecordHeaderSize] = static_cast<char>(200);  // unknown command type
  uint32_t crc = crc32c(bad_payload.data() + kRecordHeaderSize, kEncodedCommandSize,
                        crc32c(bad_payload.data(), 12));
  std::string fixed_crc;
  put_u32(&fixed_crc, crc);
  bad_payload.replace(12, 4, fixed_crc);
  // At the very end: a record whose CRC matches was written whole, so it is not torn.
  write_bytes(segment(1), header_bytes(1) + record_bytes(1, c[0]) + bad_payload);
  Replay r = replay(0, true);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find(segment(1) + " at byte " + std::to_string(32 + kRecordSize)),
            std::string::npos)
      << r.error;
  EXPECT_NE(r.error.find("not a valid command"), std::string::npos) << r.error;
}

TEST_F(JournalTest, BadSegmentHeaderIsAnError) {
  write_journal(random_commands(3, 20));
  const std::string path = segment(1);
  const std::string intact = read_bytes(path);
  const std::string records = intact.substr(kSegmentHeaderSize);
  std::string bad_magic = intact, bad_crc = intact;
  bad_magic[0] = 'X';
  bad_crc[17] ^= 0x01;  // first_seq changed, CRC not
  struct Case {
    const char* name;
    std::string bytes;
    std::size_t offset;
  } cases[] = {
      {"magic", bad_magic, 0},
      {"version", header_bytes(1, 2) + records, 8},
      {"header size", header_bytes(1, 1, 48) + records, 12},
      {"header crc", bad_crc, 28},
      {"reserved", header_bytes(1, 1, 32, 7) + records, 24},
      {"first_seq does not match the name", header_bytes(2) + records, 16},
      {"short header", intact.substr(0, 20), 0},
      {"empty file", "", 0},
  };
  for (const auto& c : cases) {
    write_bytes(path, c.bytes);
    Replay r = replay(0, true);
    EXPECT_FALSE(r.ok) << c.name;
    EXPECT_NE(r.error.find(path + " at byte " + std::to_string(c.offset) + ":"), std::string::npos)
        << c.name << ": " << r.error;
    EXPECT_EQ(read_bytes(path), c.bytes) << c.name;
  }
}

TEST_F(JournalTest, UnwritableDirectoryFailsOpenWithAMessage) {
  std::string error;
  const std::string file = root_ + "/a_file";
  write_bytes(file, "x");
  EXPECT_EQ(JournalWriter::open(file + "/journal", 1, 1 << 20, &error), nullptr);
  EXPECT_NE(error.find(file), std::string::npos) << error;
  EXPECT_NE(error.find("Not a directory"), std::string::npos) << error;
  EXPECT_EQ(JournalWriter::open(file, 1, 1 << 20, &error), nullptr);
  EXPECT_NE(error.find("Not a directory"), std::string::npos) << error;

  if (::geteuid() != 0) {  // permission bits do not stop root
    const std::string ro = root_ + "/read_only";
    ASSERT_EQ(::mkdir(ro.c_str(), 0500), 0);
    EXPECT_EQ(JournalWriter::open(ro + "/journal", 1, 1 << 20, &error), nullptr);
    EXPECT_NE(error.find("Permission denied"), std::string::npos) << error;
    EXPECT_EQ(JournalWriter::open(ro, 1, 1 << 20, &error), nullptr);
    EXPECT_NE(error.find(ro), std::string::npos) << error;
    EXPECT_NE(error.find("Permission denied"), std::string::npos) << error;
    ::chmod(ro.c_str(), 0700);
  }
}

TEST_F(JournalTest, FailedRotationFailsTheWriterAndNothingSyncedIsLost) {
  std::string error;
  auto w = JournalWriter::open(dir_, 1, kSegmentHeaderSize + 2 * kRecordSize, &error);
  ASSERT_NE(w, nullptr) << error;
  auto cmds = random_commands(3, 21);
  ASSERT_TRUE(w->append(1, cmds[0], &error)) << error;
  ASSERT_TRUE(w->append(2, cmds[1], &error)) << error;  // the segment is now full
  const std::string moved = root_ + "/moved";
  ASSERT_EQ(::rename(dir_.c_str(), moved.c_str()), 0);  // the next segment cannot be created

  EXPECT_FALSE(w->append(3, cmds[2], &error));
  EXPECT_NE(error.find(segment(3) + ".tmp"), std::string::npos) << error;
  EXPECT_NE(error.find("No such file or directory"), std::string::npos) << error;
  EXPECT_TRUE(w->failed());
  EXPECT_FALSE(w->append(3, cmds[2], &error));
  EXPECT_NE(error.find("failed earlier"), std::string::npos) << error;
  EXPECT_FALSE(w->flush(&error));
  EXPECT_FALSE(w->sync(&error));
  EXPECT_EQ(w->last_seq(), 2u);

  JournalScan scan;
  ASSERT_TRUE(scan_journal(moved, 1, nullptr, &scan, &error, false)) << error;
  EXPECT_EQ(scan.last_seq, 2u);  // the full segment was synced before rotation failed
}

TEST_F(JournalTest, FailedWriteFailsTheWriter) {
  std::string error;
  auto w = JournalWriter::open(dir_, 1, 1 << 20, &error);
  ASSERT_NE(w, nullptr) << error;
  for (uint64_t seq = 1; seq <= 100; ++seq) ASSERT_TRUE(w->append(seq, Command{}, &error));
  // A file size limit makes write(2) fail with EFBIG part way through the buffer,
  // as a full disk would with ENOSPC.
  struct rlimit saved;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  struct sigaction ignore = {}, saved_action;
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(::sigaction(SIGXFSZ, &ignore, &saved_action), 0);
  struct rlimit small = saved;
  small.rlim_cur = 2048;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  bool flushed = w->flush(&error);
  ::setrlimit(RLIMIT_FSIZE, &saved);
  ::sigaction(SIGXFSZ, &saved_action, nullptr);

  EXPECT_FALSE(flushed);
  EXPECT_NE(error.find("write " + segment(1) + ": File too large"), std::string::npos) << error;
  EXPECT_TRUE(w->failed());
  EXPECT_FALSE(w->append(101, Command{}, &error));
  EXPECT_NE(error.find("failed earlier"), std::string::npos) << error;
  EXPECT_FALSE(w->sync(&error));
  w.reset();  // a failed writer does not write on destruction

  // What reached the file ends in a partial record: a torn tail, not corruption.
  EXPECT_EQ(std::filesystem::file_size(segment(1)), 2048u);
  Replay r = replay(0, true);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.scan.torn_tail);
  EXPECT_EQ(r.scan.last_seq, (2048 - kSegmentHeaderSize) / kRecordSize);
}

TEST_F(JournalTest, DestructorWritesBufferedRecords) {
  std::string error;
  auto w = JournalWriter::open(dir_, 1, 1 << 20, &error);
  ASSERT_NE(w, nullptr) << error;
  for (uint64_t seq = 1; seq <= 10; ++seq) ASSERT_TRUE(w->append(seq, Command{}, &error));
  EXPECT_EQ(std::filesystem::file_size(segment(1)), kSegmentHeaderSize);  // buffered
  w.reset();
  EXPECT_EQ(replay().scan.last_seq, 10u);
}
}  // namespace
}  // namespace swlab
