// Snapshots: the whole state at a sequence number, so recovery replays only the
// journal after it.
//
// ON-DISK FORMAT, version 1 (little-endian), file snapshot-<seq, 20 digits>.sws:
//   offset size field
//     0     8   magic        "SWSNAPSH"
//     8     4   version      1
//    12     4   markets      number of markets
//    16     8   seq          the last command applied to the state it holds
//    24     8   payload_len  bytes after the header
//    32     4   payload_crc  CRC32C of the payload
//    36     4   header_crc   CRC32C of bytes [0, 36)
//    40     -   payload      per market, in index order, Market::serialize():
//                 deposited cash i64, deposited qty i64,
//                 n accounts u64, then n x (account, cash free, cash reserved,
//                                          qty free, qty reserved) i64, ascending
//                 for bids then asks: n levels u64, then per level best first:
//                   price i64, n orders u64, n x (account, id, remaining) i64
//
// Writing: snapshot-X.sws.tmp is written, fdatasync'd, renamed to snapshot-X.sws,
// and the directory is fsync'd, so a snapshot under its real name is complete and
// durable; a crash leaves at worst a .tmp that recovery ignores.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/exchange.h"

namespace swlab {

std::string snapshot_file_name(uint64_t seq);
bool parse_snapshot_file_name(const std::string& name, uint64_t* seq);

// Full paths of the snapshots in dir, ascending by seq.
std::vector<std::string> list_snapshots(const std::string& dir);

bool write_snapshot(const std::string& dir, uint64_t seq, const Exchange& exchange, std::string* error);

// Decodes a snapshot image (the whole file) into an Exchange with as many markets,
// which must be freshly constructed. Errors name what is wrong and the byte offset.
bool decode_snapshot(const uint8_t* data, std::size_t size, Exchange* exchange, uint64_t* seq,
                     std::string* error);
// Reads one snapshot file; errors name the file.
bool read_snapshot(const std::string& path, Exchange* exchange, uint64_t* seq, std::string* error);

// Reads the number of markets a snapshot was taken with, from its header.
bool snapshot_markets(const uint8_t* data, std::size_t size, uint32_t* markets);

}  // namespace swlab
