#include "persistence/persistence.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "persistence/snapshot.h"

namespace swlab {

namespace {

namespace fs = std::filesystem;

constexpr const char* kMetaFile = "swlab.meta";

bool write_meta(const std::string& dir, uint32_t markets, std::string* error) {
  const std::string path = dir + "/" + kMetaFile;
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "swlab-state 1\nmarkets " << markets << "\n";
    out.flush();
    if (!out) {
      *error = "cannot write " + tmp + ": " + std::strerror(errno);
      return false;
    }
  }
  int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fdatasync(fd);
    ::close(fd);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = "cannot rename " + tmp + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace

std::string_view to_string(Durability d) {
  switch (d) {
    case Durability::kNone: return "none";
    case Durability::kBatch: return "batch";
    case Durability::kAlways: return "always";
  }
  return "?";
}

bool parse_durability(std::string_view s, Durability* out) {
  if (s == "none") *out = Durability::kNone;
  else if (s == "batch") *out = Durability::kBatch;
  else if (s == "always") *out = Durability::kAlways;
  else return false;
  return true;
}

bool read_markets(const std::string& dir, uint32_t* markets, std::string* error) {
  std::ifstream in(dir + "/" + kMetaFile);
  std::string tag, word;
  int version = 0;
  if (!in || !(in >> tag >> version >> word >> *markets) || tag != "swlab-state" || word != "markets") {
    *error = dir + " holds no swlab state (" + kMetaFile + " is missing or unreadable)";
    return false;
  }
  if (version != 1) {
    *error = dir + "/" + kMetaFile + ": unsupported version " + std::to_string(version);
    return false;
  }
  return true;
}

bool recover(const std::string& dir, Exchange* exchange, uint64_t until, bool use_snapshots, bool repair,
             RecoveryReport* report, std::string* error) {
  *report = RecoveryReport{};
  uint64_t from = 1;
  if (use_snapshots) {
    std::vector<std::string> snaps = list_snapshots(dir);
    // The newest snapshot not past `until`. If it is damaged, recovery stops: an
    // older snapshot would also do, but silently skipping a damaged file is exactly
    // what recovery must never do; the operator decides.
    for (auto it = snaps.rbegin(); it != snaps.rend(); ++it) {
      uint64_t seq = 0;
      parse_snapshot_file_name(fs::path(*it).filename().string(), &seq);
      if (until > 0 && seq > until) continue;
      if (!read_snapshot(*it, exchange, &report->snapshot_seq, error)) return false;
      report->snapshot = *it;
      from = report->snapshot_seq + 1;
      break;
    }
  }
  JournalScan scan;
  std::string why;
  bool stopped_at_until = false;
  bool ok = scan_journal(
      dir, from,
      [&](uint64_t seq, const Command& cmd) {
        if (until > 0 && seq > until) {
          stopped_at_until = true;
          return false;
        }
        exchange->apply(cmd, nullptr);
        ++report->replayed;
        report->last_seq = seq;
        return true;
      },
      &scan, &why, repair);
  if (!ok && !stopped_at_until) {
    *error = why;
    return false;
  }
  if (report->replayed == 0) report->last_seq = report->snapshot_seq;
  if (!stopped_at_until && scan.last_seq < report->snapshot_seq && scan.segments > 0) {
    *error = "the journal in " + dir + " ends at seq " + std::to_string(scan.last_seq) + ", before the snapshot at " +
             std::to_string(report->snapshot_seq);
    return false;
  }
  report->segments = scan.segments;
  report->warning = scan.warning;
  return true;
}

bool ensure_state_meta(const std::string& dir, uint32_t markets, std::string* error) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    *error = "cannot create " + dir + ": " + ec.message();
    return false;
  }
  uint32_t found = 0;
  std::string why;
  if (read_markets(dir, &found, &why)) {
    if (found == markets) return true;
    *error = dir + " holds state for " + std::to_string(found) + " markets, the engine has " + std::to_string(markets);
    return false;
  }
  if (!list_segments(dir).empty() || !list_snapshots(dir).empty()) {
    *error = dir + " holds journal or snapshot files but no swlab.meta";
    return false;
  }
  return write_meta(dir, markets, error);
}

std::unique_ptr<Persistence> Persistence::open(const PersistenceConfig& cfg, Exchange* exchange, uint64_t* next_seq,
                                               RecoveryReport* report, std::string* error) {
  const bool fresh = !fs::exists(fs::path(cfg.dir) / kMetaFile);
  if (!ensure_state_meta(cfg.dir, exchange->markets(), error)) return nullptr;
  if (fresh) {
    *report = RecoveryReport{};
  } else if (!recover(cfg.dir, exchange, 0, true, true, report, error)) {
    return nullptr;
  }
  *next_seq = report->last_seq + 1;
  auto writer = JournalWriter::open(cfg.dir, *next_seq, cfg.segment_bytes, error);
  if (!writer) return nullptr;
  return std::unique_ptr<Persistence>(new Persistence(cfg, std::move(writer), report->last_seq));
}

Persistence::Persistence(PersistenceConfig cfg, std::unique_ptr<JournalWriter> writer, uint64_t last_snapshot)
    : cfg_(std::move(cfg)), writer_(std::move(writer)), last_snapshot_(last_snapshot) {}

bool Persistence::fail(const std::string& e) {
  if (!failed_) {
    failed_ = true;
    error_ = e;
  }
  return false;
}

bool Persistence::log(uint64_t seq, const Command& cmd) {
  if (failed_) return false;
  std::string e;
  if (!writer_->append(seq, cmd, &e)) return fail(e);
  if (cfg_.durability == Durability::kAlways && !writer_->sync(&e)) return fail(e);
  return true;
}

bool Persistence::end_batch() {
  if (failed_) return false;
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

bool Persistence::maybe_snapshot(uint64_t seq, const Exchange& exchange) {
  if (cfg_.snapshot_every == 0 || seq - last_snapshot_ < cfg_.snapshot_every) return !failed_;
  return snapshot(seq, exchange);
}

bool Persistence::snapshot(uint64_t seq, const Exchange& exchange) {
  if (failed_) return false;
  std::string e;
  if (!writer_->sync(&e)) return fail(e);
  if (!write_snapshot(cfg_.dir, seq, exchange, &e)) return fail(e);
  last_snapshot_ = seq;
  return true;
}

}  // namespace swlab
