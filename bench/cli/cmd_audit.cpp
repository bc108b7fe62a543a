// swlab audit: what determinism each engine gives, measured. The same per-client
// command streams run twice per engine; the table shows whether the two runs end
// in the same state (with several threads, generally not, for any engine: the
// scheduler decides the interleaving), and, for the engines that journal, whether
// replaying each run's journal reproduces that run's state exactly.
#include <cinttypes>
#include <cstdio>
#include <filesystem>

#include "cli/cli.h"
#include "cli/flags.h"
#include "engine/engine_registry.h"
#include "run/json_writer.h"
#include "load/load_generator.h"
#include "measure/machine_info.h"
#include "cli/progress.h"
#include "persistence/file_io.h"
#include "persistence/persistence.h"
#include "run/run_record.h"
#include "cli/units.h"

namespace swlab::cli {

namespace {

namespace fs = std::filesystem;

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

struct AuditOptions {
  std::vector<std::string> engines = {"single-writer", "mutex", "rwlock", "spinlock"};
  uint32_t threads = 2;
  uint64_t commands = 100'000, seed = 1;
  Durability durability = Durability::kNone;
  std::string dir, out_file;
  bool quiet = false;
};

// Parses and checks every flag and output before any work; -1 to go on.
int parse_audit(const std::vector<std::string>& args, AuditOptions* o) {
  bool long_form = false;
  std::string durability = "none";
  Flags f("audit", "[options]",
          "For each engine, runs the same per-client command streams twice and reports\n"
          "whether the two runs end in the same digest, and (for engines with a journal)\n"
          "whether replaying each run's journal reproduces its digest; then the cost of the\n"
          "journal: throughput and p99 with it and without it (docs/replay.md).");
  f.list("--engine", "LIST", "engines (default: single-writer,mutex,rwlock,spinlock)", &o->engines,
         [](const std::string& e) {
           std::string why;
           return EngineRegistry::instance().create(e, EngineConfig{}, &why) ? std::string() : why;
         });
  f.count("--threads", "N", "client threads (default: 2)", &o->threads, 1, 4096);
  f.count("--commands", "N", "measured commands per run (default: 100000: 10-30 s in all on 2 cores)", &o->commands, 1,
          UINT64_MAX);
  f.flag("--long", "the long form: 200000 commands a run, as the reference figures (docs/replay.md) were measured",
         &long_form);
  f.count("--seed", "N", "workload seed (default: 1)", &o->seed, 0, UINT64_MAX);
  f.choice("--durability",
           "none, batch or always (default: none: batch and always measure the disk's fsync latency more than the "
           "engines)",
           &durability, {"none", "batch", "always"});
  f.text("--dir", "DIR", "where the journals go (default: a new directory under /tmp)", &o->dir);
  f.text("--out", "FILE", "also write the table as JSON to FILE", &o->out_file);
  f.flag("--quiet", "no progress on stderr", &o->quiet);
  f.epilogue(
      "Every output (--dir, --out) is checked before the first run: a place that cannot\n"
      "be written is a usage error (exit 2), not a failure after minutes of work.");
  if (int rc = f.parse(args); rc >= 0) return rc;
  if (long_form && f.given("--commands")) return f.error("--long sets --commands; give one of them");
  if (long_form) o->commands = 200'000;
  parse_durability(durability, &o->durability);
  if (!o->out_file.empty()) {
    std::string why;
    if (!check_writable_file(o->out_file, &why)) return f.error("--out: " + why);
  }
  if (o->dir.empty()) {
    char tmpl[] = "/tmp/swlab-audit-XXXXXX";
    if (!mkdtemp(tmpl)) return f.error("cannot create a directory under /tmp");
    o->dir = tmpl;
  } else {
    std::error_code ec;
    fs::create_directories(o->dir, ec);
    if (ec) return f.error("--dir: cannot create '" + o->dir + "'");
    if (!fs::is_empty(o->dir)) return f.error("--dir: '" + o->dir + "' is not empty");
  }
  std::string why;
  if (!check_state_directory(o->dir, &why)) return f.error("--dir: " + why);
  return -1;
}

void print_audit_table(const AuditOptions& o, const std::vector<Row>& rows) {
  const auto& [engines, threads, commands, seed, durability, dir, out_file, quiet] = o;
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
                r.journals ? thr_j : "-", r.journals ? human_ns(r.p99_journal).c_str() : "-", thr_p,
                human_ns(r.p99_plain).c_str());
  }
  std::printf("\nsame: the two runs of identical per-client streams ended in the same state. With more than\n"
              "one client thread the interleaving is the scheduler's, so 'no' is expected for every engine.\n"
              "journal replay: replaying each run's journal alone reproduced that run's digest exactly.\n"
              "journals kept in %s\n", dir.c_str());

}

bool write_audit_json(const AuditOptions& o, const std::vector<Row>& rows) {
  const auto& [engines, threads, commands, seed, durability, dir, out_file, quiet] = o;
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
    return false;
  }
  return true;
}

// Runs one engine once under the audit's load: the engine's digest and the run's result.
class AuditRunner {
 public:
  AuditRunner(const LoadConfig& lc, Durability durability, Progress& progress, std::size_t total_runs)
      : lc_(lc), durability_(durability), progress_(progress), total_runs_(total_runs) {}

  bool run(const std::string& name, const std::string& journal, const std::string& label, uint64_t* digest,
           RunResult* result) {
    EngineConfig ec;
    ec.markets = lc_.workload.markets;
    ec.persistence.durability = durability_;
    ec.persistence.dir = journal;
    std::string why;
    progress_.start(done_++, total_runs_, name + " " + label);
    auto engine = EngineRegistry::instance().create(name, ec, &why);
    if (!engine) {
      progress_.finish();
      std::fprintf(stderr, "swlab audit: %s: %s\n", name.c_str(), why.c_str());
      return false;
    }
    *result = run_load(*engine, lc_);
    if (!result->failure.empty()) {
      progress_.finish();
      std::fprintf(stderr, "swlab audit: %s: run FAILED: %s\n", name.c_str(), result->failure.c_str());
      return false;
    }
    *digest = engine->digest();
    engine->shutdown();
    return true;
  }

 private:
  const LoadConfig& lc_;
  const Durability durability_;
  Progress& progress_;
  const std::size_t total_runs_;
  std::size_t done_ = 0;
};

bool journals(const std::string& spec) {
  return EngineRegistry::instance().find(spec.substr(0, spec.find(':')))->journals;
}

// Replays run k's journal alone into a fresh exchange: does it end in the run's state?
void check_replay(const std::string& journal, int k, Row* row) {
  uint32_t markets = 0;
  std::string error;
  RecoveryReport report;
  bool ok = read_markets(journal, &markets, &error);
  Exchange replayed(markets);
  ok = ok && recover(journal, &replayed, 0, false, false, &report, &error);
  row->replay_ok[k] = ok && replayed.digest() == row->digest[k];
  row->replayed[k] = report.replayed;
  if (!ok) row->replay_error = error;
}

// One engine's row: two runs of the same streams (each journal replayed where the engine
// keeps one), then, for an engine that journals, a run without the journal for its cost.
bool audit_engine(const std::string& name, const std::string& dir, AuditRunner& runner, Row* row) {
  row->engine = name;
  row->journals = journals(name);
  for (int k = 0; k < 2; ++k) {
    RunResult r;
    const std::string journal = row->journals ? dir + "/" + name + "/run" + std::to_string(k + 1) : "";
    if (!runner.run(name, journal, "run " + std::to_string(k + 1), &row->digest[k], &r)) return false;
    if (k == 0) {
      row->throughput_journal = r.throughput();
      row->p99_journal = r.latency.value_at_percentile(99);
    }
    if (row->journals) check_replay(journal, k, row);
  }
  if (row->journals) {
    RunResult plain;
    uint64_t d;
    if (!runner.run(name, "", "without journal", &d, &plain)) return false;
    row->throughput_plain = plain.throughput();
    row->p99_plain = plain.latency.value_at_percentile(99);
  } else {
    row->throughput_plain = row->throughput_journal;
    row->p99_plain = row->p99_journal;
  }
  return true;
}

}  // namespace

int cmd_audit(const std::vector<std::string>& args) {
  AuditOptions o;
  if (int rc = parse_audit(args, &o); rc >= 0) return rc;

  LoadConfig lc;
  lc.threads = o.threads;
  lc.max_commands = o.commands;
  lc.warmup_s = 0;
  lc.seed = o.seed;
  workload_preset("balanced", &lc.workload);

  std::size_t total_runs = 0;
  for (const auto& name : o.engines) total_runs += journals(name) ? 3 : 2;
  auto progress = make_progress(o.quiet);
  AuditRunner runner(lc, o.durability, *progress, total_runs);

  std::vector<Row> rows;
  for (const auto& name : o.engines) {
    Row row;
    if (!audit_engine(name, o.dir, runner, &row)) return kExitFailure;
    rows.push_back(row);
  }
  progress->finish();

  print_audit_table(o, rows);
  if (!o.out_file.empty() && !write_audit_json(o, rows)) return kExitFailure;
  for (const Row& r : rows)
    if (r.journals && !(r.replay_ok[0] && r.replay_ok[1])) {
      std::fprintf(stderr, "swlab audit: %s: replay did not reproduce the run%s%s\n", r.engine.c_str(),
                   r.replay_error.empty() ? "" : ": ", r.replay_error.c_str());
      return kExitFailure;
    }
  return kExitOk;
}

}  // namespace swlab::cli
