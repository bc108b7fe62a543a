// libFuzzer target for the journal reader: the input is written as the one segment
// of a journal directory and scanned (without truncation), and is also decoded as a
// bare command payload. Beyond "no crash, no leak, no sanitizer report", it checks
// what the reader promises: records come in seq order, every byte of an accepted
// segment is accounted for, and a torn tail starts right after the last good record.
// How to build and run it: tests/fuzz/README.md.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "journal.h"

namespace {

// One directory for the whole run, created on first use and removed at exit.
struct TempDir {
  std::string path;
  std::string file;  // the segment the last input was written to
  TempDir() {
    char tmpl[] = "/tmp/swlab_fuzz_journal_XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) ::abort();
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

void write_file(const std::string& path, const uint8_t* data, std::size_t size) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  check(fd >= 0);
  while (size > 0) {
    ssize_t w = ::write(fd, data, size);
    check(w > 0);
    data += w;
    size -= static_cast<std::size_t>(w);
  }
  ::close(fd);
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

  // Name the file after the first_seq its header claims, so that inputs get past
  // the name check and into the records.
  uint64_t first_seq = 1;
  if (size >= 24) {
    first_seq = 0;
    for (int i = 0; i < 8; ++i) first_seq |= uint64_t{data[16 + i]} << (8 * i);
  }
  TempDir& dir = temp_dir();
  std::string file = dir.path + "/" + swlab::segment_file_name(first_seq);
  if (!dir.file.empty() && dir.file != file) ::unlink(dir.file.c_str());
  dir.file = file;
  write_file(file, data, size);

  swlab::JournalScan scan;
  std::string error;
  uint64_t applied = 0, prev = 0;
  bool ok = swlab::scan_journal(
      dir.path, 0,
      [&](uint64_t seq, const swlab::Command&) {
        check(applied == 0 ? seq == first_seq : seq == prev + 1);
        prev = seq;
        ++applied;
        return true;
      },
      &scan, &error, /*truncate_torn_tail=*/false);
  check(scan.records == applied);
  if (!ok) {
    check(!error.empty() && !scan.torn_tail);
    return 0;
  }
  check(scan.segments == 1 && scan.first_seq == first_seq);
  check(scan.last_seq == first_seq - 1 + applied);
  const std::size_t good_end =
      swlab::kSegmentHeaderSize + applied * (swlab::kRecordHeaderSize + swlab::kEncodedCommandSize);
  if (scan.torn_tail) {
    check(scan.torn_offset == good_end && good_end < size && !scan.warning.empty());
    check(scan.torn_file == file);
  } else {
    check(good_end == size && scan.warning.empty());
  }
  return 0;
}
