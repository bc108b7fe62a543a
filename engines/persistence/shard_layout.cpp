#include "persistence/shard_layout.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "persistence/file_io.h"
#include "persistence/journal_segment.h"
#include "persistence/persistence.h"
#include "persistence/snapshot.h"
#include "persistence/state_meta.h"

namespace swlab {

namespace {

bool parse_shard_name(const std::string& name, uint64_t* index) {
  constexpr std::string_view kPrefix = "shard-";
  if (name.size() <= kPrefix.size() || name.compare(0, kPrefix.size(), kPrefix) != 0) return false;
  return parse_decimal(name.substr(kPrefix.size()), index);
}

std::string range(const std::string& dir, uint32_t shards) {
  return shard_directory(dir, 0) + (shards > 1 ? ".." + shard_directory_name(shards - 1) : std::string());
}

}  // namespace

std::string describe(const ShardLayout& l) {
  return std::to_string(l.shards) + " shard" + (l.shards == 1 ? "" : "s") + " of " + std::to_string(l.markets) +
         " markets (market m in shard m % " + std::to_string(l.shards) + ")";
}

std::string shard_directory_name(uint32_t index) { return "shard-" + std::to_string(index); }

std::string shard_directory(const std::string& dir, uint32_t index) {
  return join_path(dir, shard_directory_name(index));
}

std::vector<uint64_t> shard_indexes(const std::string& dir) {
  std::vector<uint64_t> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = ::readdir(d)) {
    uint64_t index = 0;
    if (parse_shard_name(e->d_name, &index)) out.push_back(index);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

bool is_sharded_directory(const std::string& dir) {
  struct stat st;
  return ::lstat(join_path(dir, kShardLayoutFile).c_str(), &st) == 0 || !shard_indexes(dir).empty();
}

TextFileStatus read_shard_layout(const std::string& dir, ShardLayout* layout, std::string* error) {
  const std::string path = join_path(dir, kShardLayoutFile);
  std::vector<KeyedField> fields{{"shards"}, {"markets"}, {"route"}};
  const TextFileStatus s = read_keyed_text_file(path, kShardLayoutKind, kShardLayoutVersion, &fields, error);
  if (s != TextFileStatus::kOk) return s;
  auto damaged = [&](const KeyedField& f, const std::string& why) {
    *error = file_error_at(path, f.offset, why);
    return TextFileStatus::kDamaged;
  };
  uint64_t markets = 0, shards = 0;
  if (!parse_decimal(fields[1].value, &markets) || markets < 1 || markets > kMaxStateMarkets)
    return damaged(fields[1], "markets '" + fields[1].value + "' is not a count in 1.." +
                                  std::to_string(kMaxStateMarkets));
  if (!parse_decimal(fields[0].value, &shards) || shards < 1 || shards > markets)
    return damaged(fields[0], "shards '" + fields[0].value + "' is not a count in 1..markets (" +
                                  std::to_string(markets) + ")");
  if (fields[2].value != kShardRoute)
    return damaged(fields[2], "unknown route '" + fields[2].value + "' (this build routes " + kShardRoute +
                                  ": market m to shard m % shards)");
  layout->shards = static_cast<uint32_t>(shards);
  layout->markets = static_cast<uint32_t>(markets);
  return TextFileStatus::kOk;
}

bool write_shard_layout(FileSystem& fs, const std::string& dir, const ShardLayout& layout, std::string* error) {
  return write_keyed_text_file(fs, join_path(dir, kShardLayoutFile), kShardLayoutKind, kShardLayoutVersion,
                               {{"shards", std::to_string(layout.shards)},
                                {"markets", std::to_string(layout.markets)},
                                {"route", kShardRoute}},
                               error);
}

bool check_shard_directories(const std::string& dir, const ShardLayout& layout, std::string* error) {
  const std::string record = join_path(dir, kShardLayoutFile);
  for (uint64_t index : shard_indexes(dir)) {
    if (index >= layout.shards) {
      *error = join_path(dir, "shard-" + std::to_string(index)) + " is not part of the layout: " + record +
               " records " + describe(layout) + ", " + range(dir, layout.shards);
      return false;
    }
  }
  for (uint32_t i = 0; i < layout.shards; ++i) {
    const std::string shard = shard_directory(dir, i);
    struct stat st;
    if (::lstat(shard.c_str(), &st) != 0) {
      *error = shard + " is missing: " + record + " records " + describe(layout) + ", " + range(dir, layout.shards) +
               " (a deleted shard?)";
      return false;
    }
    if (S_ISLNK(st.st_mode)) {
      *error = symlink_refusal(shard);
      return false;
    }
    if (!S_ISDIR(st.st_mode)) {
      *error = shard + " is " + file_type_name(st.st_mode) + ", not a shard's directory";
      return false;
    }
  }
  return true;
}

namespace {

// Whether no engine ever wrote into the shard directories dir holds: no segment
// and no snapshot in any of them.
bool shards_never_written(const std::string& dir, const std::vector<uint64_t>& found) {
  for (uint64_t index : found) {
    const std::string shard = join_path(dir, "shard-" + std::to_string(index));
    if (!list_segments(shard).empty() || !list_snapshots(shard).empty()) return false;
  }
  return true;
}

// A directory with shard-<n> entries but no record: written before the record
// existed. It continues only with as many shards as it has, numbered from 0.
bool check_unrecorded_shards(const std::string& dir, const ShardLayout& layout, std::string* error) {
  const std::vector<uint64_t> found = shard_indexes(dir);
  if (found.empty()) return true;
  if (shards_never_written(dir, found) && found.back() < layout.shards) return true;
  if (found.size() == found.back() + 1 && found.size() == layout.shards)
    return check_shard_directories(dir, layout, error);
  *error = dir + " holds shard directories up to " + join_path(dir, "shard-" + std::to_string(found.back())) + " (" +
           std::to_string(found.size()) + " present) but no " + kShardLayoutFile +
           " (written before the layout record): this engine has " + std::to_string(layout.shards) +
           " shards; continuing would move markets between shards' histories";
  return false;
}

}  // namespace

std::unique_ptr<StateDirLock> claim_shard_layout(FileSystem& fs, const std::string& dir, const ShardLayout& layout,
                                                 std::string* error) {
  if (layout.shards < 1 || layout.shards > layout.markets) {
    *error = "a sharded state has 1 to " + std::to_string(layout.markets) + " shards (one market at least in each), not " +
             std::to_string(layout.shards);
    return nullptr;
  }
  if (!make_dirs(fs, dir, error)) return nullptr;
  std::unique_ptr<StateDirLock> lock = StateDirLock::acquire(dir, error);
  if (!lock) return nullptr;
  struct stat st;
  if (::lstat(join_path(dir, kStateMetaFile).c_str(), &st) == 0) {
    *error = dir + " holds a state that is not sharded (" + kStateMetaFile +
             "): a sharded engine cannot continue it";
    return nullptr;
  }
  ShardLayout recorded;
  switch (read_shard_layout(dir, &recorded, error)) {
    case TextFileStatus::kDamaged:
      return nullptr;
    case TextFileStatus::kOk:
      if (!(recorded == layout)) {
        *error = dir + " holds " + describe(recorded) + " (" + join_path(dir, kShardLayoutFile) +
                 "); this engine has " + describe(layout) + ": refusing to continue it with another mapping";
        return nullptr;
      }
      if (!check_shard_directories(dir, layout, error)) return nullptr;
      return lock;
    case TextFileStatus::kMissing:
      break;
  }
  if (!check_unrecorded_shards(dir, layout, error)) return nullptr;
  // Every shard first, then the record that promises them.
  for (uint32_t i = 0; i < layout.shards; ++i)
    if (!ensure_state_meta(shard_directory(dir, i), layout.markets, error, fs)) return nullptr;
  if (!write_shard_layout(fs, dir, layout, error)) return nullptr;
  return lock;
}

}  // namespace swlab
