// `swlab explain`: a latency budget for one round trip per configuration (issue 26;
// docs/single-writer.md, "The latency budget: swlab explain"). In one invocation and,
// unless the floor moves, one placement: the floor, the channel's bare round trip, the
// reply path alone, the book's work, the clock read, the generator's in-latency cost
// and the end-to-end round trip with one client; then the round trip as a sum of
// parts and a signed residual (bench/budget/latency_budget.h).
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "budget/book_work.h"
#include "budget/budget_json.h"
#include "budget/budget_table.h"
#include "budget/channel_round_trip.h"
#include "budget/end_to_end.h"
#include "budget/engine_alone.h"
#include "budget/explanation.h"
#include "budget/floor_round_trip.h"
#include "budget/line_transfers.h"
#include "budget/round_trip_timer.h"
#include "cli/cli.h"
#include "cli/flags.h"
#include "cli/interrupt.h"
#include "cli/progress.h"
#include "engine/engine_registry.h"
#include "load/generator_cost.h"
#include "load/workload.h"
#include "persistence/file_io.h"

namespace swlab::cli {

namespace {

struct ExplainOptions {
  std::vector<std::string> engines{"single-writer"};
  std::string preset = "balanced";
  double duration_s = 3;  // each end-to-end run: the default spec's two runs and the probes, about 10 s
  std::string json;
};

// Each probe's measuring time: short, since a probe's p50 settles within thousands of
// round trips, and the invocation should stay near 30 s on 2 cores.
constexpr double kFloorS = 0.4;
constexpr double kProbeS = 0.3;
constexpr uint64_t kBookCommands = 100'000;

int parse_explain(const std::vector<std::string>& args, ExplainOptions* o) {
  Flags f("explain", "[options]",
          "Measures where one round trip's time goes: the floor (cross-core ping-pong) and\n"
          "its per-transfer cost, the channel's bare round trip, the reply path alone, the\n"
          "book's work per command, the clock read and the generator's cost, and the\n"
          "engine's end-to-end round trip with 1 client in closed loop; prints the round\n"
          "trip as transfers x per-transfer cost + queue operations + reply operations +\n"
          "book work + generator + wake-ups + a signed residual, at p50 and p99.9\n"
          "(docs/single-writer.md).");
  f.list("--engine", "SPEC[,SPEC...]", "engine specs (default: single-writer)", &o->engines, [](const std::string& e) {
    std::string why;
    ResolvedSpec spec;
    return EngineRegistry::instance().resolve(e, EngineConfig{}, &spec, &why) ? std::string() : why;
  });
  f.choice("--preset", "workload preset", &o->preset, workload_preset_names());
  f.number("--duration", "S", "seconds of each end-to-end run (a blocking or yielding spec makes two)",
           &o->duration_s, 0.05, 600);
  f.text("--json", "FILE", "also write the budget as JSON (scripts/budget_plot.py draws it)", &o->json);
  f.epilogue(
      "Exit status: 0, 1 (a run failed, the file could not be written), 2 (usage), 130 (Ctrl-C: what was\n"
      "measured is printed and written).");
  if (int rc = f.parse(args); rc >= 0) return rc;
  if (!o->json.empty()) {
    std::string why;
    if (!check_writable_file(o->json, &why)) return f.error("--json: " + why);
  }
  return -1;
}

// The spec with wait=busy-spin: what its round trip is without the engine's sleeps.
std::string busy_spin_variant(const ResolvedSpec& spec) {
  std::string c = spec.canonical();
  const std::string from = ":wait=" + spec.config.wait;
  if (const auto at = c.find(from); at != std::string::npos) c.replace(at, from.size(), ":wait=busy-spin");
  return c;
}

class Explainer {
 public:
  Explainer(const ExplainOptions& o, Explanation& e, const std::atomic<bool>& stop)
      : o_(o), e_(e), stop_(&stop), progress_(make_progress(!isatty(STDERR_FILENO))) {
    workload_preset(o.preset, &workload_);
    clock_ = e.clock == "tsc" ? ClockKind::kTsc : ClockKind::kSteady;
  }
  void step(const std::string& what) { progress_->start(done_++, total_, what); }
  void set_total(std::size_t n) { total_ = n; }
  void finish() { progress_->finish(); }
  bool stopped() const { return stop_->load(); }

  void invocation_probes() {
    step("floor (before)");
    e_.floor_before = measure_floor_round_trip(clock_, kFloorS, stop_);
    e_.clock_read_ns = clock_read_ns(clock_);
    step("generator");
    e_.generator_in_latency_ns = measure_generator_cost(clock_, 0.1).in_latency_ns_per_command;
  }
  bool configuration(const std::string& spec_text, ConfigurationBudget* c, std::string* error);
  // The floor probe between two configurations: the one before's last, the next one's
  // first. Without the stop flag: an interrupted configuration still gets its bracket.
  FloorRoundTrip floor_probe() {
    step("floor");
    return measure_floor_round_trip(clock_, kFloorS, nullptr);
  }

 private:
  bool single_writer_probes(const ResolvedSpec& spec, ConfigurationBudget* c, std::string* error);
  bool end_to_end(ConfigurationBudget* c, std::string* error);

  const ExplainOptions& o_;
  Explanation& e_;
  const std::atomic<bool>* stop_;
  std::unique_ptr<Progress> progress_;
  WorkloadSpec workload_;
  ClockKind clock_ = ClockKind::kSteady;
  std::size_t done_ = 0, total_ = 0;
};

bool Explainer::single_writer_probes(const ResolvedSpec& spec, ConfigurationBudget* c, std::string* error) {
  const SingleWriterPolicies p = *single_writer_policies(spec);
  c->channel = p.channel;
  c->reply = p.reply;
  c->wait = p.wait;
  const auto transfers = line_transfers(p);
  const auto channel_transfers = channel_line_transfers(p.channel);
  const auto reply_transfers = reply_line_transfers(p.reply);
  if (!transfers || !channel_transfers || !reply_transfers) {
    *error = "no declared line transfers for " + c->canonical;
    return false;
  }
  c->inputs.transfers = *transfers;
  c->inputs.channel_transfers = *channel_transfers;
  c->inputs.reply_transfers = *reply_transfers;
  step(c->spec + ": bare channel");
  c->inputs.bare_channel = measure_channel_round_trip(p.channel, clock_, kProbeS, stop_);
  step(c->spec + ": reply path");
  c->reply_round_trip = measure_reply_round_trip(p.reply, clock_, kProbeS, stop_);
  c->inputs.bare_reply = c->reply_round_trip;
  if (p.wait != "busy-spin") c->busy_spin_spec = busy_spin_variant(spec);
  return true;
}

// The spec's own end-to-end run first, then its busy-spin variant: Ctrl-C during the
// variant keeps a budget (without its wake-ups) rather than none.
bool Explainer::end_to_end(ConfigurationBudget* c, std::string* error) {
  step(c->spec + ": end to end");
  const EndToEnd end = measure_end_to_end(c->spec, workload_, clock_, o_.duration_s, stop_);
  if (!end.error.empty()) {
    *error = end.error;
    return false;
  }
  if (end.commands == 0) return false;  // stopped before its first sample
  c->inputs.total = end.round_trip;
  std::vector<std::string> notes;
  if (end.interrupted)
    notes.push_back("interrupted: the end-to-end run stopped after " + std::to_string(end.commands) + " commands");
  if (!c->busy_spin_spec.empty() && !stopped()) {
    step(c->spec + ": busy-spin variant");
    const EndToEnd spin = measure_end_to_end(c->busy_spin_spec, workload_, clock_, o_.duration_s, stop_);
    if (!spin.error.empty()) {
      *error = c->busy_spin_spec + ": " + spin.error;
      return false;
    }
    if (spin.commands > 0) c->inputs.busy_spin_total = spin.round_trip;
  }
  if (!c->busy_spin_spec.empty() && !c->inputs.busy_spin_total)
    notes.push_back("interrupted before the busy-spin variant: wake-ups are in the residual");
  c->budget = compose_budget(c->inputs);
  c->budget.notes.insert(c->budget.notes.end(), notes.begin(), notes.end());
  return true;
}

bool Explainer::configuration(const std::string& spec_text, ConfigurationBudget* c, std::string* error) {
  ResolvedSpec spec;
  EngineConfig ec;
  ec.markets = workload_.markets;
  if (!EngineRegistry::instance().resolve(spec_text, ec, &spec, error)) return false;
  c->spec = spec_text;
  c->canonical = spec.canonical();
  c->preset = o_.preset;
  c->single_writer = single_writer_policies(spec).has_value();
  c->inputs.single_writer = c->single_writer;
  c->inputs.transfers = 2;
  c->inputs.floor = c->floor_before.round_trip;  // the configuration's own, set by the caller
  if (c->single_writer && !single_writer_probes(spec, c, error)) return false;
  step(c->spec + ": book work");
  c->book = measure_book_work(workload_, 1, clock_, kBookCommands, stop_);
  c->inputs.book = c->book.per_command;
  step(c->spec + ": engine alone");
  c->engine_alone = measure_engine_alone(c->spec, workload_.markets, clock_, kProbeS, stop_, error);
  if (!c->engine_alone) return false;
  c->inputs.generator_ns = e_.generator_in_latency_ns;
  return end_to_end(c, error);
}

std::string choose_clock() {
  std::string why;
  return invariant_tsc(&why) && calibrate_tsc(&why) ? "tsc" : "steady";
}

// The probes of every configuration, between the invocation's two floor probes.
int measure_all(const ExplainOptions& o, Explanation& e) {
  const std::atomic<bool>& stop = install_interrupt_handlers();
  Explainer x(o, e, stop);
  x.set_total(2 + 7 * std::max<std::size_t>(o.engines.size(), 1));
  x.invocation_probes();
  int rc = kExitOk;
  FloorRoundTrip last = e.floor_before;  // each configuration is bracketed by two probes
  bool probed_after = false;
  std::string failed;  // "spec: why", printed once the progress line is gone
  for (const std::string& spec : o.engines) {
    if (x.stopped()) break;
    ConfigurationBudget c;
    c.floor_before = last;
    std::string error;
    const bool complete = x.configuration(spec, &c, &error);
    if (!error.empty()) {
      failed = spec + ": " + error;
      rc = kExitFailure;
      break;
    }
    last = x.floor_probe();
    probed_after = true;
    if (complete) {
      c.floor_after = last;
      c.unstable = floor_moved(c.floor_before.round_trip.p50_ns, c.floor_after.round_trip.p50_ns);
      e.configurations.push_back(std::move(c));
    }
  }
  e.floor_after = probed_after ? last : x.floor_probe();
  x.finish();
  if (!failed.empty()) std::fprintf(stderr, "swlab explain: %s\n", failed.c_str());
  return rc;
}

}  // namespace

int cmd_explain(const std::vector<std::string>& args) {
  ExplainOptions o;
  if (int rc = parse_explain(args, &o); rc >= 0) return rc;
  Explanation e;
  e.machine = collect_machine_info("");
  e.state_before = sample_machine_state();
  e.clock = choose_clock();
  int rc = measure_all(o, e);
  e.state_after = sample_machine_state();
  e.interrupted = interrupted();
  e.unstable = floor_moved(e.floor_before.round_trip.p50_ns, e.floor_after.round_trip.p50_ns);
  std::fputs(explanation_header(e).c_str(), stdout);
  for (const ConfigurationBudget& c : e.configurations) std::fputs(budget_table(c).c_str(), stdout);
  if (e.interrupted) std::printf("\ninterrupted: %zu configuration(s) complete\n", e.configurations.size());
  std::fflush(stdout);
  if (!o.json.empty()) {
    if (std::string why = write_budget_json(e, o.json); !why.empty()) {
      std::fprintf(stderr, "swlab explain: %s\n", why.c_str());
      return kExitFailure;
    }
  }
  return e.interrupted ? interrupt_exit_code() : rc;
}

}  // namespace swlab::cli
