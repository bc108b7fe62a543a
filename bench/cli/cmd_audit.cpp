// swlab audit: what determinism each engine gives, measured. The same per-client
// command streams run twice per engine; the table shows whether the two runs end
// in the same state (with several threads, generally not, for any engine: the
// scheduler decides the interleaving), and, for the engines that journal, whether
// replaying each run's journal reproduces that run's state exactly.
#include <cinttypes>
#include <cstdio>
#include <filesystem>

#include "cli.h"
#include "engine/engine_registry.h"
#include "json_writer.h"
#include "load_generator.h"
#include "machine_info.h"
#include "progress.h"
#include "persistence/file_io.h"
#include "persistence/persistence.h"
#include "results_writer.h"

namespace swlab::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* kHelp =
    "usage: swlab audit [options]\n"
    "\n"
    "For each engine, runs the same per-client command streams twice and reports\n"
    "whether the two runs end in the same digest, and (for engines with a journal)\n"
    "whether replaying each run's journal reproduces its digest; then the cost of the\n"
    "journal: throughput and p99 with it and without it (docs/replay.md).\n"
    "\n"
    "  --engine LIST        engines (default: single-writer,mutex,rwlock,spinlock)\n"
    "  --threads N          client threads (default: 2)\n"
    "  --commands N         measured commands per run (default: 100000: 10-30 s in all\n"
    "                       on 2 cores)\n"
    "  --long               the long form: 200000 commands a run, as the reference\n"
    "                       figures (docs/replay.md) were measured\n"
    "  --seed N             workload seed (default: 1)\n"
    "  --durability MODE    none, batch or always (default: none: batch and always\n"
    "                       measure the disk's fsync latency more than the engines)\n"
    "  --dir DIR            where the journals go (default: a new directory under /tmp)\n"
    "  --out FILE           also write the table as JSON to FILE\n"
    "  --quiet              no progress on stderr\n"
    "\n"
    "Every output (--dir, --out) is checked before the first run: a place that cannot\n"
    "be written is a usage error (exit 2), not a failure after minutes of work.\n";

struct Row {
  std::string engine;
  bool journals = false;
  uint64_t digest[2] = {0, 0};
  uint64_t replayed[2] = {0, 0};
  bool replay_ok[2] = {false, false};
  std::string replay_error;
  double throughput_journal = 0, throughput_plain = 0;
  int64_t p99_journal = 0, p99_plain = 0;
};

std::string hex(uint64_t v) {
  char b[20];
  std::snprintf(b, sizeof b, "%016" PRIx64, v);
  return b;
}

}  // namespace

int cmd_audit(const std::vector<std::string>& args) {
  std::vector<std::string> engines = {"single-writer", "mutex", "rwlock", "spinlock"};
  uint32_t threads = 2;
  uint64_t commands = 100'000, seed = 1;
  bool commands_given = false, long_form = false, quiet = false;
  Durability durability = Durability::kNone;
  std::string dir, out_file;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kHelp, stdout);
      return kExitOk;
    }
    if (a == "--long" || a == "--quiet") {
      (a == "--long" ? long_form : quiet) = true;
      continue;
    }
    if (i + 1 >= args.size()) return usage_error("audit", a.rfind("--", 0) == 0 ? a + " needs a value" : "unexpected argument '" + a + "'");
    const std::string& v = args[++i];
    auto number = [&](uint64_t* out, uint64_t min, uint64_t max) {
      char* end = nullptr;
      errno = 0;
      unsigned long long x = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || v[0] == '-' || *end || errno || x < min || x > max) return false;
      *out = x;
      return true;
    };
    if (a == "--engine") {
      engines.clear();
      std::size_t start = 0;
      while (true) {
        std::size_t comma = v.find(',', start);
        engines.push_back(v.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else if (a == "--threads") {
      uint64_t t;
      if (!number(&t, 1, 4096)) return usage_error("audit", "--threads: '" + v + "' is not a count from 1 to 4096");
      threads = static_cast<uint32_t>(t);
    } else if (a == "--commands") {
      if (!number(&commands, 1, UINT64_MAX)) return usage_error("audit", "--commands: '" + v + "' is not a positive count");
      commands_given = true;
    } else if (a == "--seed") {
      if (!number(&seed, 0, UINT64_MAX)) return usage_error("audit", "--seed: '" + v + "' is not a non-negative integer");
    } else if (a == "--durability") {
      if (!parse_durability(v, &durability)) return usage_error("audit", "--durability: '" + v + "' is not one of none, batch, always");
    } else if (a == "--dir") {
      dir = v;
    } else if (a == "--out") {
      out_file = v;
    } else {
      return usage_error("audit", "unknown option '" + a + "'");
    }
  }
  if (long_form && commands_given) return usage_error("audit", "--long sets --commands; give one of them");
  if (long_form) commands = 200'000;
  for (const auto& e : engines) {
    std::string why;
    auto probe = EngineRegistry::instance().create(e, EngineConfig{}, &why);
    if (!probe) return usage_error("audit", "--engine: " + why);
  }
  if (!out_file.empty()) {
    std::string why;
    if (!check_writable_file(out_file, &why)) return usage_error("audit", "--out: " + why);
  }
  if (dir.empty()) {
    char tmpl[] = "/tmp/swlab-audit-XXXXXX";
    if (!mkdtemp(tmpl)) return usage_error("audit", "cannot create a directory under /tmp");
    dir = tmpl;
  } else {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return usage_error("audit", "--dir: cannot create '" + dir + "'");
    if (!fs::is_empty(dir)) return usage_error("audit", "--dir: '" + dir + "' is not empty");
  }
  {
    std::string why;
    if (!check_state_directory(dir, &why)) return usage_error("audit", "--dir: " + why);
  }

  LoadConfig lc;
  lc.threads = threads;
  lc.max_commands = commands;
  lc.warmup_s = 0;
  lc.seed = seed;
  workload_preset("balanced", &lc.workload);

  std::size_t total_runs = 0, done = 0;
  for (const auto& name : engines)
    total_runs += EngineRegistry::instance().find(name.substr(0, name.find(':')))->journals ? 3 : 2;
  auto progress = make_progress(quiet);

  std::vector<Row> rows;
  for (const auto& name : engines) {
    Row row;
    row.engine = name;
    row.journals = EngineRegistry::instance().find(name.substr(0, name.find(':')))->journals;
    auto run = [&](const std::string& journal, const std::string& label, uint64_t* digest, RunResult* result) -> bool {
      EngineConfig ec;
      ec.markets = lc.workload.markets;
      ec.durability = durability;
      ec.journal_dir = journal;
      std::string why;
      progress->start(done++, total_runs, name + " " + label);
      auto engine = EngineRegistry::instance().create(name, ec, &why);
      if (!engine) {
        progress->finish();
        std::fprintf(stderr, "swlab audit: %s: %s\n", name.c_str(), why.c_str());
        return false;
      }
      *result = run_load(*engine, lc);
      if (!result->failure.empty()) {
        progress->finish();
        std::fprintf(stderr, "swlab audit: %s: run FAILED: %s\n", name.c_str(), result->failure.c_str());
        return false;
      }
      *digest = engine->digest();
      engine->shutdown();
      return true;
    };
    for (int k = 0; k < 2; ++k) {
      RunResult r;
      const std::string journal = row.journals ? dir + "/" + name + "/run" + std::to_string(k + 1) : "";
      if (!run(journal, "run " + std::to_string(k + 1), &row.digest[k], &r)) return kExitFailure;
      if (k == 0) {
        row.throughput_journal = r.throughput();
        row.p99_journal = r.latency.value_at_percentile(99);
      }
      if (row.journals) {
        uint32_t markets = 0;
        std::string error;
        RecoveryReport report;
        bool ok = read_markets(journal, &markets, &error);
        Exchange replayed(markets);
        ok = ok && recover(journal, &replayed, 0, false, false, &report, &error);
        row.replay_ok[k] = ok && replayed.digest() == row.digest[k];
        row.replayed[k] = report.replayed;
        if (!ok) row.replay_error = error;
      }
    }
    if (row.journals) {
      RunResult plain;
      uint64_t d;
      if (!run("", "without journal", &d, &plain)) return kExitFailure;
      row.throughput_plain = plain.throughput();
      row.p99_plain = plain.latency.value_at_percentile(99);
    } else {
      row.throughput_plain = row.throughput_journal;
      row.p99_plain = row.p99_journal;
    }
    rows.push_back(row);
  }
  progress->finish();

  auto human = [](int64_t ns) {
    char b[32];
    if (ns < 1000) std::snprintf(b, sizeof b, "%lld ns", static_cast<long long>(ns));
    else if (ns < 1000000) std::snprintf(b, sizeof b, "%.1f us", ns / 1e3);
    else std::snprintf(b, sizeof b, "%.2f ms", ns / 1e6);
    return std::string(b);
  };
  std::printf("\nswlab audit: %u threads, %" PRIu64 " commands a run, seed %" PRIu64 ", durability %s\n\n", threads,
              commands, seed, std::string(to_string(durability)).c_str());
  std::printf("%-16s %-16s %-16s %-5s %-14s %12s %10s %12s %10s\n", "engine", "run 1 digest", "run 2 digest", "same",
              "journal replay", "thr journal", "p99", "thr none", "p99");
  for (const Row& r : rows) {
    std::string replay = !r.journals ? "no journal"
                         : (r.replay_ok[0] && r.replay_ok[1]) ? "exact (2/2)"
                         : std::string("MISMATCH");
    char thr_j[32], thr_p[32];
    std::snprintf(thr_j, sizeof thr_j, "%.0f/s", r.throughput_journal);
    std::snprintf(thr_p, sizeof thr_p, "%.0f/s", r.throughput_plain);
    std::printf("%-16s %-16s %-16s %-5s %-14s %12s %10s %12s %10s\n", r.engine.c_str(), hex(r.digest[0]).c_str(),
                hex(r.digest[1]).c_str(), r.digest[0] == r.digest[1] ? "yes" : "no", replay.c_str(),
                r.journals ? thr_j : "-", r.journals ? human(r.p99_journal).c_str() : "-", thr_p,
                human(r.p99_plain).c_str());
  }
  std::printf("\nsame: the two runs of identical per-client streams ended in the same state. With more than\n"
              "one client thread the interleaving is the scheduler's, so 'no' is expected for every engine.\n"
              "journal replay: replaying each run's journal alone reproduced that run's digest exactly.\n"
              "journals kept in %s\n", dir.c_str());

  if (!out_file.empty()) {
    JsonWriter j;
    j.begin_object();
    j.field("format", "swlab-audit");
    j.field("version", 1);
    j.field("created", utc_timestamp());
    j.field("threads", threads);
    j.field("commands", commands);
    j.field("seed", seed);
    j.field("durability", std::string(to_string(durability)));
    MachineInfo m = collect_machine_info("");
    j.field("cpu_model", m.cpu_model);
    j.field("logical_cpus", m.logical_cpus);
    j.field("git_commit", m.git_commit);
    j.key("engines").begin_array();
    for (const Row& r : rows) {
      j.begin_object();
      j.field("engine", r.engine);
      j.field("digest_run1", hex(r.digest[0]));
      j.field("digest_run2", hex(r.digest[1]));
      j.field("same_digest", r.digest[0] == r.digest[1]);
      j.field("journal", r.journals);
      if (r.journals) {
        j.field("replay_reproduces_run1", r.replay_ok[0]);
        j.field("replay_reproduces_run2", r.replay_ok[1]);
        j.field("replayed_records_run1", r.replayed[0]);
        j.field("throughput_with_journal", r.throughput_journal);
        j.field("p99_ns_with_journal", r.p99_journal);
      }
      j.field("throughput_without_journal", r.throughput_plain);
      j.field("p99_ns_without_journal", r.p99_plain);
      j.end_object();
    }
    j.end_array();
    j.end_object();
    std::string error;
    if (!durable_write_file(out_file, j.str(), &error)) {
      std::fprintf(stderr, "swlab audit: %s\n", error.c_str());
      return kExitFailure;
    }
  }
  for (const Row& r : rows)
    if (r.journals && !(r.replay_ok[0] && r.replay_ok[1])) {
      std::fprintf(stderr, "swlab audit: %s: replay did not reproduce the run%s%s\n", r.engine.c_str(),
                   r.replay_error.empty() ? "" : ": ", r.replay_error.c_str());
      return kExitFailure;
    }
  return kExitOk;
}

}  // namespace swlab::cli
