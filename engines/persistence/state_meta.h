// swlab.meta: what a state directory is (the number of markets its state has). It
// is the file that makes a directory "swlab state"; everything else in it (the
// journal, the snapshots) is read against it.
//
// FORMAT, version 2: three text lines,
//   swlab-state 2
//   markets <N>
//   crc32c <8 lowercase hex digits>
// where N is decimal, 1 <= N <= kMaxStateMarkets, and the checksum is CRC32C of the
// first two lines (newlines included). Version 1 (the first two lines, with
// "swlab-state 1" and no checksum) is still read, strictly, for directories written
// before the checksum existed. The file is at most kMaxStateMetaBytes; anything else
// (another shape, a bad checksum, a count out of bounds, not a regular file) is
// refused with a message naming the file.
#pragma once

#include <cstdint>
#include <string>

#include "persistence/file_system.h"

namespace swlab {

inline constexpr const char* kStateMetaFile = "swlab.meta";
inline constexpr uint32_t kMaxStateMarkets = 4096;
inline constexpr std::size_t kMaxStateMetaBytes = 256;

enum class MetaStatus {
  kOk,
  kMissing,  // no swlab.meta: the directory holds no swlab state
  kDamaged,  // there is one, and it cannot be trusted (*error says why)
};

// Reads dir/swlab.meta; *markets on kOk, *error otherwise (naming the file).
MetaStatus read_state_meta(const std::string& dir, uint32_t* markets, std::string* error);

// Writes dir/swlab.meta (version 2) with durable_write_file.
bool write_state_meta(FileSystem& fs, const std::string& dir, uint32_t markets, std::string* error);

// The number of markets a directory's state has; false if the directory holds no
// swlab state or its swlab.meta is damaged, with *error saying which.
bool read_markets(const std::string& dir, uint32_t* markets, std::string* error);

}  // namespace swlab
