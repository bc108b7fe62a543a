// The small, checksummed text files a state directory keeps beside its journal:
// the journal's manifest (journal_manifest.h) and a sharded state's layout
// (shard_layout.h). One shape, read and written by one routine:
//
//   <kind> <version>
//   <key 1> <value>
//   ...
//   crc32c <8 lowercase hex digits>
//
// every line ending in '\n', the keys exactly those the kind declares, in its order,
// each value one token of at most 64 printable bytes, and the checksum CRC32C of
// every line before it. The file is at most kMaxKeyedTextBytes. Anything else (a
// missing or extra line, a later version, a bad checksum, not a regular file, a
// symbolic link) is refused with "<file> at byte <N>: <what>", like swlab.meta.
// swlab.meta keeps its own reader: its version 1 has no checksum.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "persistence/file_system.h"

namespace swlab {

inline constexpr std::size_t kMaxKeyedTextBytes = 512;

enum class TextFileStatus {
  kOk,
  kMissing,  // no such file (lstat: a dangling link is not missing, it is refused)
  kDamaged,  // there is one and it cannot be trusted (*error names it and the offset)
};

struct KeyedField {
  std::string key;
  std::string value = {};  // filled in by the reader
  std::size_t offset = 0;  // where the value starts in the file, for messages
};

// Reads path, a `kind` file of `version`; fields holds the keys expected, in order,
// and receives their values.
TextFileStatus read_keyed_text_file(const std::string& path, const std::string& kind, uint32_t version,
                                    std::vector<KeyedField>* fields, std::string* error);

// Writes it durably (durable_write_file through fs).
bool write_keyed_text_file(FileSystem& fs, const std::string& path, const std::string& kind, uint32_t version,
                           const std::vector<KeyedField>& fields, std::string* error);

// A value as a decimal count: digits only, no sign, at most 2^64 - 1.
bool parse_decimal(const std::string& value, uint64_t* out);

// "<path> at byte <offset>: <why>", the form of every refusal of a state file.
std::string file_error_at(const std::string& path, std::size_t offset, const std::string& why);

}  // namespace swlab
