// libFuzzer target for the journal reader: the input is written as the one segment
// of a journal directory and scanned (without truncation), then scanned again with
// its CRCs recomputed, and is also decoded as a bare command payload. Beyond "no
// crash, no leak, no sanitizer report", it checks what the reader promises: records
// come in seq order, every byte of an accepted segment is accounted for, and a torn
// tail starts right after the last good record.
// How to build and run it: tests/fuzz/README.md.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "persistence/crc32c.h"
#include "persistence/journal.h"
#include "platform/byte_order.h"

namespace {

// One directory for the whole run, created on first use and removed at exit: under
// $TMPDIR if set (a tmpfs such as /dev/shm keeps the disk out of the loop), else /tmp.
struct TempDir {
  std::string path;
  std::string file;  // the segment the last input was written to
  TempDir() {
    const char* tmpdir = ::getenv("TMPDIR");
    std::string tmpl = std::string(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp") +
                       "/swlab_fuzz_journal_XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) ::abort();
    path = tmpl;
  }
  ~TempDir() {
    if (!file.empty()) ::unlink(file.c_str());
    ::rmdir(path.c_str());
  }
};

TempDir& temp_dir() {
  static TempDir dir;
  return dir;
}

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// Overwrites in place and then sets the size, rather than O_TRUNC: ext4 starts
// writeback on close of a file that was truncated to zero and rewritten
// (auto_da_alloc), which made the disk, not the reader, the bottleneck.
void write_file(const std::string& path, const uint8_t* data, std::size_t size) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  check(fd >= 0);
  std::size_t done = 0;
  while (done < size) {
    ssize_t w = ::pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    check(w > 0);
    done += static_cast<std::size_t>(w);
  }
  check(::ftruncate(fd, static_cast<off_t>(size)) == 0);
  ::close(fd);
}

using swlab::get_u32;
using swlab::get_u64;
using swlab::put_u32;

// Recomputes the header CRC and the CRC of every record that can be framed, so that
// the fuzzer also reaches what lies behind the checksums (seq gaps and repeats,
// payloads that do not decode, the reserved field) instead of stopping at them.
void repair_crcs(std::string* bytes) {
  auto* d = reinterpret_cast<uint8_t*>(bytes->data());
  const std::size_t n = bytes->size();
  if (n < swlab::kSegmentHeaderSize) return;
  put_u32(d + 28, swlab::crc32c(d, 28));
  std::size_t off = swlab::kSegmentHeaderSize;
  while (n - off >= swlab::kRecordHeaderSize) {
    const uint32_t len = get_u32(d + off);
    if (len > swlab::kMaxRecordPayload || len > n - off - swlab::kRecordHeaderSize) return;
    uint32_t crc = swlab::crc32c(d + off, 12);
    put_u32(d + off + 12, swlab::crc32c(d + off + swlab::kRecordHeaderSize, len, crc));
    off += swlab::kRecordHeaderSize + len;
  }
}

// Writes bytes as the one segment of the temp journal and scans it from from_seq,
// checking what the reader promises.
void scan_as_segment(const uint8_t* data, std::size_t size, uint64_t from_seq) {
  // Name the file after the first_seq its header claims, so that inputs get past
  // the name check and into the records.
  const uint64_t first_seq = size >= 24 ? get_u64(data + 16) : 1;
  TempDir& dir = temp_dir();
  std::string file = dir.path + "/" + swlab::segment_file_name(first_seq);
  if (!dir.file.empty() && dir.file != file) ::unlink(dir.file.c_str());
  dir.file = file;
  write_file(file, data, size);

  swlab::JournalScan scan;
  std::string error;
  uint64_t applied = 0, prev = 0;
  bool ok = swlab::scan_journal(
      dir.path, from_seq,
      [&](uint64_t seq, const swlab::Command&) {
        check(seq >= from_seq && (applied == 0 || seq == prev + 1));
        prev = seq;
        ++applied;
        return true;
      },
      &scan, &error, /*truncate_torn_tail=*/false);
  check(scan.records == applied);
  if (!ok) {
    check(!error.empty() && !scan.torn_tail);
    return;
  }
  check(scan.segments == 1 && scan.first_seq == first_seq && scan.last_seq >= first_seq - 1);
  const uint64_t verified = scan.last_seq - (first_seq - 1);
  const uint64_t skipped = from_seq > first_seq ? from_seq - first_seq : 0;
  check(applied == (verified > skipped ? verified - skipped : 0));
  const std::size_t good_end = swlab::kSegmentHeaderSize +
                               verified * (swlab::kRecordHeaderSize + swlab::kEncodedCommandSize);
  if (scan.torn_tail) {
    check(scan.torn_offset == good_end && good_end < size && !scan.warning.empty());
    check(scan.torn_file == file);
  } else {
    check(good_end == size && scan.warning.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  // The payload codec: whatever decodes must encode back to the same bytes.
  swlab::Command cmd;
  if (swlab::decode_command(data, size, &cmd)) {
    std::string again;
    swlab::encode_command(cmd, &again);
    check(again.size() == size && std::memcmp(again.data(), data, size) == 0);
  }

  // The input as it is, then with its checksums made valid; the second scan starts
  // from a seq the input chooses (around its first_seq), to exercise from_seq too.
  scan_as_segment(data, size, 0);
  std::string repaired(reinterpret_cast<const char*>(data), size);
  repair_crcs(&repaired);
  const uint64_t from_seq = size >= 24 ? get_u64(data + 16) + (data[0] & 3) - 1 : 0;
  scan_as_segment(reinterpret_cast<const uint8_t*>(repaired.data()), size, from_seq);
  return 0;
}
