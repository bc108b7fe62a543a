// swlab.shards: the layout of a sharded state directory. A sharded engine keeps one
// state per shard, in DIR/shard-0 .. DIR/shard-<N-1>, each its own sequencing point
// (its own swlab.meta, journal and snapshots), and routes market m to shard m % N.
// Nothing in the shards says how many there should be or which markets each owns:
// delete shard-1 and the others replay as if it never existed; continue the
// directory with a different N and every market moves to another shard's history.
// So the directory records its layout, once, and readers and writers check it:
//
// FORMAT, version 1 (keyed_text_file.h), DIR/swlab.shards:
//   swlab-shards 1
//   shards <N>            1 <= N <= markets
//   markets <M>           every shard's swlab.meta says M (each holds all M markets,
//                         and owns those the route gives it)
//   route market-mod-shards
//   crc32c <8 hex digits>
// `route` names the market-to-shard mapping (shard_of_market below); a name this
// build does not know is refused, so a future mapping is never misread as this one.
//
// What is checked against it: shard-0 .. shard-<N-1> all present, each a real
// directory (not a symbolic link), no other shard-<n> beside them; each shard's
// swlab.meta says M markets; and, on replay, every journaled command of shard i
// names a market the route gives to shard i. A writer with another N, or another
// M, is refused before it touches a shard.
//
// A directory written before the record existed has shard-<n> directories and no
// swlab.shards: readers take N from the directories (they must be numbered 0..K-1
// with no gap) and say so in a note; a writer continues it only with the same N,
// and then writes the record.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "persistence/dir_lock.h"
#include "persistence/keyed_text_file.h"

namespace swlab {

inline constexpr const char* kShardLayoutFile = "swlab.shards";
inline constexpr const char* kShardLayoutKind = "swlab-shards";
inline constexpr uint32_t kShardLayoutVersion = 1;
inline constexpr const char* kShardRoute = "market-mod-shards";

// THE market-to-shard mapping (markets are dense small integers, so the identity
// hash spreads them evenly). The sharded engines route by it; the layout names it.
constexpr uint32_t shard_of_market(uint32_t market, uint32_t shards) { return market % shards; }

struct ShardLayout {
  uint32_t shards = 0;
  uint32_t markets = 0;
  bool operator==(const ShardLayout&) const = default;
};

// "3 shards of 8 markets (market m in shard m % 3)", for messages.
std::string describe(const ShardLayout& layout);

// "shard-<i>", and DIR/shard-<i>.
std::string shard_directory_name(uint32_t index);
std::string shard_directory(const std::string& dir, uint32_t index);

// Whether dir looks sharded: it holds swlab.shards, or a shard-<n> entry.
bool is_sharded_directory(const std::string& dir);

// The shard indexes of the shard-<n> entries in dir (of any type), ascending.
std::vector<uint64_t> shard_indexes(const std::string& dir);

TextFileStatus read_shard_layout(const std::string& dir, ShardLayout* layout, std::string* error);
bool write_shard_layout(FileSystem& fs, const std::string& dir, const ShardLayout& layout, std::string* error);

// The shard directories a layout promises, against what dir holds: every one of
// shard-0..shard-<N-1> present and a directory (lstat), no other shard-<n>. False
// with *error naming the path and what the layout expected.
bool check_shard_directories(const std::string& dir, const ShardLayout& layout, std::string* error);

// For a writer about to open `layout.shards` shards under dir: creates dir if
// needed, takes its lock (held while the engine runs, so that two sharded writers
// never race to record different layouts), checks that dir's layout is this one,
// and, if dir has no record yet, creates every shard's directory with its
// swlab.meta and then writes the record (durably): a record exists only once all
// its shards do. Null with *error on a refusal: another layout, missing or extra
// shards, an unsharded state in dir, an older directory with another shard count.
//
// An older directory (shard-<n> directories, no record) continues only with as
// many shards as it has; one whose shards hold no segment or snapshot yet (a
// writer that died while creating them, before the record) is taken as new.
std::unique_ptr<StateDirLock> claim_shard_layout(FileSystem& fs, const std::string& dir, const ShardLayout& layout,
                                                 std::string* error);

}  // namespace swlab
