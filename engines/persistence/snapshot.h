// Snapshots: the whole state at a sequence number, so recovery replays only the
// journal after it.
//
// ON-DISK FORMAT, version 1 (little-endian), file snapshot-<seq, 20 digits>.sws:
//   offset size field
//     0     8   magic        "SWSNAPSH"
//     8     4   version      1
//    12     4   markets      number of markets
//    16     8   seq          the last command applied to the state it holds; equals
//                            the number in the file name
//    24     8   payload_len  bytes after the header; the file is exactly 40 +
//                            payload_len bytes, payload_len <= kMaxSnapshotPayload
//    32     4   payload_crc  CRC32C of the payload
//    36     4   header_crc   CRC32C of bytes [0, 36)
//    40     -   payload      per market, in index order, Market::serialize():
//                 deposited cash i64, deposited qty i64,
//                 n accounts u64, then n x (account, cash free, cash reserved,
//                                          qty free, qty reserved) i64, ascending
//                 for bids then asks: n levels u64, then per level best first:
//                   price i64, n orders u64, n x (account, id, remaining) i64
//   A snapshot must be a regular file, never a symbolic link. Reading checks, in
//   this order and never holding more than one 1 MiB chunk of the file while it
//   does: the header and the sizes against the file; the payload's CRC; the
//   payload's layout, walked from its counts (every count bounded by the bytes left,
//   the markets ending exactly at the end of the file); and that the memory the
//   state needs (the payload, plus the largest market's bytes, held to decode it)
//   is there to take (memory_budget.h). Only then is each market read and rebuilt
//   in turn. So a damaged, sparse or enormous file costs reads, never an
//   allocation it declares, and is refused by name.
//
// Writing: durable_write_file (file_io.h): snapshot-X.sws.tmp is written,
// fdatasync'd, renamed to snapshot-X.sws, and the directory is fsync'd, so a
// snapshot under its real name is complete and durable; a crash leaves at worst a
// .tmp that recovery ignores and the next writer removes. Whatever is under the
// .tmp name is removed before the write (a link is never written through), and a
// link under the real name is refused.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/exchange.h"
#include "persistence/file_system.h"

namespace swlab {

// The largest payload the format allows (4 GiB): a bound on what a header can make
// a reader allocate.
inline constexpr uint64_t kMaxSnapshotPayload = uint64_t{1} << 32;
inline constexpr std::size_t kSnapshotHeaderSize = 40;

std::string snapshot_file_name(uint64_t seq);
bool parse_snapshot_file_name(const std::string& name, uint64_t* seq);

// Full paths of the snapshots in dir, ascending by seq (by name; whether each is a
// regular file is checked when it is read). A missing dir has none; another error
// returns {} with *error set, if error is not null.
std::vector<std::string> list_snapshots(const std::string& dir, std::string* error = nullptr);

// The whole file image of a snapshot of exchange at seq.
std::string encode_snapshot(uint64_t seq, const Exchange& exchange);
bool write_snapshot(FileSystem& fs, const std::string& dir, uint64_t seq, const Exchange& exchange,
                    std::string* error);
bool write_snapshot(const std::string& dir, uint64_t seq, const Exchange& exchange, std::string* error);

// Deletes all but the newest `keep` snapshots of dir (keep 0: deletes none). Call
// it only once the newest is durable: then a crash at any point leaves at least
// one complete snapshot. The deletions are not synced: one that a crash undoes
// leaves an old, still valid snapshot behind, nothing worse.
bool prune_snapshots(FileSystem& fs, const std::string& dir, std::size_t keep, std::string* error);

// Decodes a snapshot image (the whole file) into an Exchange with as many markets,
// which must be freshly constructed. Errors name what is wrong and the byte offset.
bool decode_snapshot(const uint8_t* data, std::size_t size, Exchange* exchange, uint64_t* seq,
                     std::string* error);
// Reads one snapshot file (bounded, as above) and checks the seq inside against the
// seq in its name. Errors name the file.
bool read_snapshot(const std::string& path, Exchange* exchange, uint64_t* seq, std::string* error);

// Reads the number of markets a snapshot was taken with, from its header.
bool snapshot_markets(const uint8_t* data, std::size_t size, uint32_t* markets);

}  // namespace swlab
