#include "persistence/persistence.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "persistence/file_io.h"
#include "persistence/journal_manifest.h"
#include "persistence/shard_layout.h"
#include "persistence/snapshot.h"

namespace swlab {

namespace {

// A .tmp of a file this directory holds is never complete (durable_write_file
// renames it away once it is): whoever holds the lock may delete it.
bool is_stale_tmp(const std::string& name) {
  if (name.size() <= 4 || name.compare(name.size() - 4, 4, ".tmp") != 0) return false;
  const std::string stem = name.substr(0, name.size() - 4);
  uint64_t seq = 0;
  return stem == kStateMetaFile || stem == kJournalManifestFile || parse_segment_file_name(stem, &seq) ||
         parse_snapshot_file_name(stem, &seq);
}

// A directory that holds a sharded state (shard_layout.h) is not one state: an
// engine that is not sharded would write a journal beside the shards', and replay
// would then read one and ignore the other.
bool refuse_sharded_directory(const std::string& dir, std::string* error) {
  if (!is_sharded_directory(dir)) return true;
  *error = dir + " holds a sharded state (" + kShardLayoutFile +
           " or shard-<n> directories): an engine that is not sharded cannot continue it";
  return false;
}

}  // namespace

void remove_stale_temporaries(FileSystem& fs, const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  std::vector<std::string> stale;
  while (dirent* e = ::readdir(d))
    if (is_stale_tmp(e->d_name)) stale.push_back(join_path(dir, e->d_name));
  ::closedir(d);
  // unlink removes a link planted under such a name, never its target. Best
  // effort: a leftover is harmless, since durable_write_file removes it again.
  for (const auto& path : stale) fs.unlink(path);
}

std::string_view to_string(Durability d) { return enum_name(kDurabilityNames, d); }

bool parse_durability(std::string_view s, Durability* out) { return parse_enum(kDurabilityNames, s, out); }

bool check_state_directory(const std::string& dir, std::string* error) {
  std::string why;
  if (!make_dirs(posix_file_system(), dir, &why)) {
    *error = "journal directory " + dir + " is unusable: " + why;
    return false;
  }
  // O_EXCL: the probe's name is predictable, so whatever is already there (a link
  // to someone's file) is never opened; a second name is tried before giving up.
  int fd = -1;
  std::string probe;
  for (int attempt = 0; attempt < 2 && fd < 0; ++attempt) {
    probe = join_path(dir, ".swlab-write-test-" + std::to_string(::getpid()) + "-" + std::to_string(attempt));
    fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    *error = "journal directory " + dir + " is unusable: " + sys_error("cannot create a file in", dir, errno);
    return false;
  }
  ::close(fd);
  ::unlink(probe.c_str());
  if (const std::string lock = join_path(dir, kStateLockFile); is_symlink(lock)) {
    *error = symlink_refusal(lock);
    return false;
  }
  long pid = 0;
  if (StateDirLock::held_by_another(dir, &pid)) {
    *error = dir + " is in use by another writer" + (pid > 0 ? " (pid " + std::to_string(pid) + ")" : std::string()) +
             ": a state directory has exactly one writer";
    return false;
  }
  return true;
}

bool ensure_state_meta(const std::string& dir, uint32_t markets, std::string* error, FileSystem& fs) {
  if (!make_dirs(fs, dir, error)) return false;
  uint32_t found = 0;
  std::string why;
  switch (read_state_meta(dir, &found, &why)) {
    case MetaStatus::kOk:
      if (found == markets) return true;
      *error = dir + " holds state for " + std::to_string(found) + " markets, the engine has " + std::to_string(markets);
      return false;
    case MetaStatus::kDamaged:
      *error = why;
      return false;
    case MetaStatus::kMissing:
      break;
  }
  if (!refuse_sharded_directory(dir, error)) return false;
  if (!list_segments(dir).empty() || !list_snapshots(dir).empty()) {
    *error = dir + " holds journal or snapshot files but no swlab.meta";
    return false;
  }
  if (markets < 1 || markets > kMaxStateMarkets) {
    *error = "a journaled state has 1 to " + std::to_string(kMaxStateMarkets) + " markets, not " + std::to_string(markets);
    return false;
  }
  return write_state_meta(fs, dir, markets, error);
}

std::unique_ptr<Persistence> Persistence::open(const PersistenceConfig& cfg, Exchange* exchange, uint64_t* next_seq,
                                               RecoveryReport* report, std::string* error) {
  FileSystem& fs = cfg.file_system != nullptr ? *cfg.file_system : posix_file_system();
  if (!make_dirs(fs, cfg.dir, error)) return nullptr;
  std::unique_ptr<StateDirLock> lock = StateDirLock::acquire(cfg.dir, error);
  if (!lock) return nullptr;
  remove_stale_temporaries(fs, cfg.dir);
  uint32_t markets = 0;
  std::string why;
  switch (read_state_meta(cfg.dir, &markets, &why)) {
    case MetaStatus::kOk:
      if (markets != exchange->markets()) {
        *error = cfg.dir + " holds state for " + std::to_string(markets) + " markets, the engine has " +
                 std::to_string(exchange->markets());
        return nullptr;
      }
      if (!recover(cfg.dir, exchange, 0, true, true, report, error, &fs)) return nullptr;
      break;
    case MetaStatus::kMissing:
      if (!refuse_sharded_directory(cfg.dir, error)) return nullptr;
      if (!list_segments(cfg.dir).empty() || !list_snapshots(cfg.dir).empty()) {
        *error = cfg.dir + " holds journal or snapshot files but no swlab.meta";
        return nullptr;
      }
      if (exchange->markets() < 1 || exchange->markets() > kMaxStateMarkets) {
        *error = "a journaled state has 1 to " + std::to_string(kMaxStateMarkets) + " markets, not " +
                 std::to_string(exchange->markets());
        return nullptr;
      }
      if (!write_state_meta(fs, cfg.dir, exchange->markets(), error)) return nullptr;
      *report = RecoveryReport{};
      break;
    case MetaStatus::kDamaged:
      *error = why;
      return nullptr;
  }
  *next_seq = report->last_seq + 1;
  auto writer = JournalWriter::open(cfg.dir, *next_seq, cfg.segment_bytes, error, fs);
  if (!writer) return nullptr;
  return std::unique_ptr<Persistence>(new Persistence(cfg, std::move(lock), std::move(writer), report->last_seq));
}

Persistence::Persistence(PersistenceConfig cfg, std::unique_ptr<StateDirLock> lock,
                         std::unique_ptr<JournalWriter> writer, uint64_t last_snapshot)
    : cfg_(std::move(cfg)), lock_(std::move(lock)), writer_(std::move(writer)), last_snapshot_(last_snapshot) {}

Persistence::~Persistence() { writer_->close(nullptr); }

bool Persistence::fail(const std::string& e) {
  std::lock_guard guard(error_mutex_);
  if (!failed_.load(std::memory_order_relaxed)) {
    error_ = e;
    failed_.store(true, std::memory_order_release);
  }
  return false;
}

bool Persistence::log(uint64_t seq, const Command& cmd) {
  if (failed()) return false;
  std::string e;
  if (!writer_->append(seq, cmd, &e)) return fail(e);
  if (cfg_.durability == Durability::kAlways && !writer_->sync(&e)) return fail(e);
  return true;
}

bool Persistence::end_batch() {
  if (failed()) return false;
  std::string e;
  switch (cfg_.durability) {
    case Durability::kNone:
      if (!writer_->flush(&e)) return fail(e);
      break;
    case Durability::kBatch:
      if (!writer_->sync(&e)) return fail(e);
      break;
    case Durability::kAlways:
      break;  // every record is already synced
  }
  return true;
}

bool Persistence::write_batch() {
  if (failed()) return false;
  std::string e;
  // kAlways: every record is already synced by log(); kNone and kBatch write now,
  // and kBatch's sync comes in sync_through(), outside the caller's lock.
  if (cfg_.durability != Durability::kAlways && !writer_->flush(&e)) return fail(e);
  return true;
}

bool Persistence::sync_through(uint64_t seq) {
  // A record that reached the disk stays acknowledged even if a later sync failed.
  if (cfg_.durability == Durability::kBatch) {
    std::string e;
    if (writer_->sync_through(seq, &e)) return true;
    if (writer_->durable_seq() >= seq) return true;
    return fail(e);
  }
  // kNone promises no sync; kAlways synced each record in log().
  return !failed() || (cfg_.durability == Durability::kAlways && writer_->durable_seq() >= seq);
}

uint64_t Persistence::journal_syncs() const { return writer_->syncs(); }

bool Persistence::maybe_snapshot(uint64_t seq, const Exchange& exchange) {
  if (cfg_.snapshot_every == 0 || seq - last_snapshot_ < cfg_.snapshot_every) return !failed();
  return snapshot(seq, exchange);
}

bool Persistence::snapshot(uint64_t seq, const Exchange& exchange) {
  if (failed()) return false;
  std::string e;
  if (!writer_->sync(&e)) return fail(e);
  if (!write_snapshot(fs(), cfg_.dir, seq, exchange, &e)) return fail(e);
  last_snapshot_ = seq;
  if (!prune_snapshots(fs(), cfg_.dir, cfg_.keep_snapshots, &e)) return fail(e);
  // The journal was synced through seq above: the manifest may now claim it.
  if (!writer_->record_end(&e)) return fail(e);
  return true;
}

}  // namespace swlab
