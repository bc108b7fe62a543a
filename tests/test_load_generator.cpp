// The load generator: deterministic streams, honest accounting, and the
// coordinated-omission correction checked against what the schedule predicts.
// (Its runs against every engine are an engine suite: engine_suites/test_load_run.cpp.)
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>

#include "engine/command_work.h"
#include "engine/exchange_core.h"
#include "engine_factories.h"
#include "load/load_generator.h"
#include "load/workload.h"

namespace swlab::test {
namespace {

bool same(const Command& a, const Command& b) {
  return a.type == b.type && a.asset == b.asset && a.ioc == b.ioc && a.market == b.market &&
         a.account == b.account && a.order_id == b.order_id && a.qty == b.qty && a.price == b.price;
}

TEST(Workload, StreamIsAFunctionOfSeedAndClient) {
  WorkloadSpec spec;
  CommandStream a(spec, 7, 3), b(spec, 7, 3), c(spec, 7, 4), d(spec, 8, 3);
  int differ_client = 0, differ_seed = 0;
  for (int i = 0; i < 10000; ++i) {
    Command x = a.next();
    ASSERT_TRUE(same(x, b.next())) << "at " << i;
    differ_client += !same(x, c.next());
    differ_seed += !same(x, d.next());
  }
  EXPECT_GT(differ_client, 9000);
  EXPECT_GT(differ_seed, 9000);
}

TEST(Workload, PresetsFollowTheirMix) {
  for (const std::string& name : workload_preset_names()) {
    WorkloadSpec spec;
    ASSERT_TRUE(workload_preset(name, &spec)) << name;
    ASSERT_EQ(validate(spec), "") << name;
    CommandStream s(spec, 1, 0);
    int queries = 0, places = 0, other_market = 0;
    constexpr int kN = 50000;
    for (int i = 0; i < kN; ++i) {
      Command c = s.next();
      queries += is_query(c.type);
      places += c.type == CommandType::kBuy || c.type == CommandType::kSell;
      other_market += c.market != 0;
    }
    EXPECT_NEAR(queries * 100.0 / kN, spec.mix.query, 1.5) << name;
    if (name == "hot-market") {
      EXPECT_EQ(other_market, 0);
    }
    if (name == "read-heavy") {
      EXPECT_GE(queries * 100.0 / kN, 88);
    }
    EXPECT_GT(places, 0) << name;
  }
  WorkloadSpec none;
  EXPECT_FALSE(workload_preset("nope", &none));
}

TEST(Workload, ZipfConcentratesOnTheFirstMarkets) {
  WorkloadSpec spec;
  spec.zipf = 1.5;
  CommandStream s(spec, 1, 0);
  int first = 0;
  constexpr int kN = 40000;
  for (int i = 0; i < kN; ++i) first += s.next().market == 0;
  // Zipf(1.5) over 8 markets gives market 0 a weight of 1 / (1 + 2^-1.5 + ... + 8^-1.5)
  // = 1 / 1.926 = 0.519; uniform would give 0.125.
  EXPECT_NEAR(first * 1.0 / kN, 0.519, 0.02);
}

TEST(Workload, ValidateNamesTheProblem) {
  WorkloadSpec spec;
  spec.mix.query = 50;  // no longer adds up to 100
  EXPECT_NE(validate(spec).find("adding up to 100"), std::string::npos);
  spec = WorkloadSpec{};
  spec.mid = 5;
  EXPECT_NE(validate(spec).find("price range"), std::string::npos);
}

TEST(Workload, WindowNeedsAnAsynchronousEngine) {
  // A lock engine completes each submit inline: a window of requests in flight is
  // refused up front, by name, instead of running as a window of one.
  auto engine = make_engine("mutex");
  ASSERT_TRUE(engine);
  ASSERT_FALSE(engine->asynchronous());
  LoadConfig cfg;
  cfg.window = 8;
  EXPECT_NE(validate(cfg, *engine).find("asynchronous"), std::string::npos);
  cfg.window = 1;
  EXPECT_EQ(validate(cfg, *engine), "");
}

// An engine that answers every command inline and accepts it (a Reply starts unset),
// after sleeping as long as delay(command) says: an engine as slow as a test needs.
class SleepingEngine final : public Engine {
 public:
  using Delay = std::function<std::chrono::nanoseconds(const Command&)>;
  SleepingEngine(std::string name, Delay delay) : name_(std::move(name)), delay_(std::move(delay)) {}
  std::string_view name() const override { return name_; }
  Reply execute(const Command& c, ReplyBuffers*) override {
    if (const std::chrono::nanoseconds d = delay_(c); d.count() > 0) std::this_thread::sleep_for(d);
    Reply r;
    r.status = Status::kOk;
    return r;
  }
  void submit(Request& r) override {
    r.reply = execute(r.cmd, r.out);
    r.done.complete_inline();
  }
  void for_each_market(const std::function<void(uint32_t, const Market&)>&) override {}
  void shutdown() override {}

 private:
  const std::string name_;
  const Delay delay_;
};

// At once, except that the command with the number `stall_at` (deposits not counted)
// stalls the engine for `stall`: the textbook coordinated-omission scenario.
SleepingEngine::Delay stall_at(uint64_t stall_at, std::chrono::milliseconds stall) {
  return [n = uint64_t{0}, stall_at, stall](const Command& c) mutable -> std::chrono::nanoseconds {
    if (c.type != CommandType::kDeposit && ++n == stall_at) return stall;
    return std::chrono::nanoseconds(0);
  };
}

// A closed loop of one client, one account, one market, for duration_s from the start
// (no warm-up): every command it sends waits for the one before.
LoadConfig one_client_in_one_market(double duration_s) {
  LoadConfig cfg;
  cfg.duration_s = duration_s;
  cfg.warmup_s = 0;
  cfg.workload.accounts = 1;
  cfg.workload.markets = 1;
  return cfg;
}

TEST(CoordinatedOmission, CorrectedPercentilesMatchTheSchedule) {
  // One client, 2000 commands/s (one every 500 us) for 1 s; the 500th command
  // stalls the engine for 200 ms. The ~400 commands scheduled during the stall
  // are sent late, so measured from their *intended* times their latencies are
  // spread evenly from 200 ms down to 0; from their actual send times they look
  // instant. Of 2000 samples, the top 10% (200) all lie in the stall's shadow:
  // corrected p90 ~ 200 ms - 200 x 0.5 ms = 100 ms, p99 ~ 200 - 20 x 0.5 = 190 ms.
  SleepingEngine engine("stalling", stall_at(500, std::chrono::milliseconds(200)));
  LoadConfig cfg = one_client_in_one_market(1.0);
  cfg.mode = LoadMode::kOpen;
  cfg.rate = 2000;
  RunResult r = run_load(engine, cfg);
  ASSERT_EQ(r.failure, "");
  // The schedule holds 2000 commands whatever the stall; the ~400 it delayed are sent
  // late, not dropped. A client descheduled at the very end (a loaded machine: ctest
  // -j2 once left 6) leaves a few of the last ones unsent, which the run counts.
  EXPECT_NEAR(static_cast<double>(r.completed + r.unsent), 2000, 5);
  EXPECT_GE(r.completed, 1980u) << r.unsent << " unsent: the commands delayed by the stall must still be sent";
  const double ms = 1e6;
  EXPECT_NEAR(r.latency.value_at_percentile(90) / ms, 100, 20);
  EXPECT_NEAR(r.latency.value_at_percentile(99) / ms, 190, 15);
  EXPECT_NEAR(r.latency.max() / ms, 200, 15);
  EXPECT_LT(r.latency.value_at_percentile(50) / ms, 5) << "outside the stall, commands are on time";
  // Uncorrected: only the stalled command itself is slow.
  EXPECT_LT(r.uncorrected.value_at_percentile(99) / ms, 5);
  EXPECT_NEAR(r.uncorrected.max() / ms, 200, 15);
}

TEST(CoordinatedOmission, ClosedLoopHidesTheStallInTheCount) {
  // The same stall in a closed loop: one slow sample, and the loop simply sent
  // fewer commands while it waited. This is why closed-loop percentiles alone
  // understate a stall.
  SleepingEngine engine("stalling", stall_at(100, std::chrono::milliseconds(100)));
  const LoadConfig cfg = one_client_in_one_market(0.3);
  RunResult r = run_load(engine, cfg);
  ASSERT_EQ(r.failure, "");
  EXPECT_GE(r.latency.max(), 100'000'000);
  EXPECT_LT(r.latency.value_at_percentile(99.9), 10'000'000);
}

}  // namespace
}  // namespace swlab::test

// --- measurements a performance engineer would trust (docs/methodology.md) ----------

namespace swlab::test {
namespace {

// Records every command an engine receives (from any thread) and forwards it.
class RecordingEngine final : public Engine {
 public:
  explicit RecordingEngine(std::unique_ptr<Engine> inner) : inner_(std::move(inner)) {}
  std::string_view name() const override { return inner_->name(); }
  Reply execute(const Command& cmd, ReplyBuffers* out) override {
    note(cmd);
    return inner_->execute(cmd, out);
  }
  void submit(Request& req) override {
    note(req.cmd);
    inner_->submit(req);
  }
  bool asynchronous() const override { return inner_->asynchronous(); }
  void wait(Request& req) override { inner_->wait(req); }
  void for_each_market(const std::function<void(uint32_t, const Market&)>& f) override { inner_->for_each_market(f); }
  void shutdown() override { inner_->shutdown(); }
  uint32_t worker_threads() const override { return inner_->worker_threads(); }

  // Every command seen, as comparable tuples, sorted.
  std::vector<std::tuple<int, uint32_t, int64_t, int64_t, int64_t, int64_t>> seen() {
    std::lock_guard guard(mutex_);
    auto v = seen_;
    std::sort(v.begin(), v.end());
    return v;
  }

 private:
  void note(const Command& c) {
    std::lock_guard guard(mutex_);
    seen_.emplace_back(static_cast<int>(c.type), c.market, c.account, c.order_id, c.qty, c.price);
  }
  std::unique_ptr<Engine> inner_;
  std::mutex mutex_;
  std::vector<std::tuple<int, uint32_t, int64_t, int64_t, int64_t, int64_t>> seen_;
};

// Runs the fixed-work cfg on each engine in turn, recording what it receives: each run
// is valid, completes exactly cfg.max_commands, offers them all and sends the warm-up
// besides, and every engine receives the same commands as the first.
// check(name, engine, result) adds a test's own checks of each run.
template <class Check>
void expect_exactly_n_and_the_same_commands(std::initializer_list<const char*> engines, const LoadConfig& cfg,
                                            Check check) {
  std::vector<std::tuple<int, uint32_t, int64_t, int64_t, int64_t, int64_t>> first;
  for (const char* name : engines) {
    RecordingEngine engine(make_engine(name));
    ASSERT_EQ(validate(cfg, engine), "") << name;
    const RunResult r = run_load(engine, cfg);
    ASSERT_EQ(r.failure, "") << name;
    EXPECT_EQ(r.completed, cfg.max_commands) << name;
    EXPECT_EQ(r.offered, cfg.max_commands) << name;
    EXPECT_EQ(r.total_sent, cfg.max_commands + cfg.warmup_commands) << name;
    check(name, engine, r);
    auto seen = engine.seen();
    if (first.empty()) {
      first = std::move(seen);
    } else {
      EXPECT_TRUE(seen == first) << name << " received other commands than " << *engines.begin();
    }
    engine.shutdown();
  }
}

TEST(FixedWork, ProcessesExactlyNAndTheSameStreamsOnEveryEngine) {
  LoadConfig cfg;
  cfg.threads = 3;
  cfg.max_commands = 30'001;  // not a multiple of the clients: the split must still add up
  cfg.warmup_commands = 3'000;
  cfg.workload.accounts = 50;
  expect_exactly_n_and_the_same_commands(
      {"mutex", "single-writer", "sharded-single-writer:shards=2"}, cfg,
      [&](const char* name, RecordingEngine& engine, const RunResult&) {
        // The set-up deposits, then exactly the warm-up and the measured commands.
        EXPECT_EQ(engine.seen().size(), setup_commands(cfg.workload).size() + cfg.max_commands + cfg.warmup_commands)
            << name;
      });
}

// Two clients for duration_s after a 0.05 s warm-up, in 50 ms intervals: enough
// intervals for a time series in well under a second.
LoadConfig two_clients_in_50ms_intervals(double duration_s) {
  LoadConfig cfg;
  cfg.threads = 2;
  cfg.duration_s = duration_s;
  cfg.warmup_s = 0.05;
  cfg.interval_ns = 50'000'000;
  cfg.workload.accounts = 50;
  return cfg;
}

TEST(TimeSeries, SumsToTheRunsCount) {
  for (const char* name : {"mutex", "single-writer"}) {
    auto engine = make_engine(name);
    const LoadConfig cfg = two_clients_in_50ms_intervals(0.35);
    const RunResult r = run_load(*engine, cfg);
    ASSERT_EQ(r.failure, "") << name;
    uint64_t sum = 0;
    int64_t worst = 0;
    for (const IntervalStats& s : r.series) {
      sum += s.commands;
      worst = std::max(worst, s.max_ns);
      EXPECT_LE(s.p50_ns, s.p99_ns);
      EXPECT_LE(s.p99_ns, s.max_ns);
    }
    EXPECT_EQ(sum, r.served()) << name;
    EXPECT_EQ(worst, r.latency.max()) << name;
    // 0.35 s at 50 ms: about 7 intervals (the last one holds the stragglers).
    EXPECT_GE(r.series.size(), 6u) << name;
    EXPECT_LE(r.series.size(), 10u) << name;
    EXPECT_LT(r.tail_stability(), 0) << name;  // undefined: fewer than 30 complete intervals
    engine->shutdown();
  }
}

// A live display (swlab run --live) sees every served command exactly once, in
// order of ticks, while the run goes, on one thread.
TEST(TimeSeries, ALiveSinkSeesEveryServedCommandOnceWhileTheRunGoes) {
  struct Sink final : LiveSink {
    void on_interval(const LiveInterval& li) override {
      ASSERT_NE(li.histogram, nullptr);
      EXPECT_EQ(li.commands, li.histogram->count());
      if (!ticks.empty()) {
        EXPECT_GT(li.index, ticks.back().index);
      }
      if (li.commands > 0) {
        EXPECT_LE(li.p50_ns, li.p99_ns);
      }
      ticks.push_back(li);
      threads.insert(std::this_thread::get_id());
    }
    std::vector<LiveInterval> ticks;
    std::set<std::thread::id> threads;
  };
  for (const char* name : {"mutex", "single-writer"}) {
    auto engine = make_engine(name);
    Sink sink;
    LoadConfig cfg = two_clients_in_50ms_intervals(0.3);
    cfg.live = &sink;
    const RunResult r = run_load(*engine, cfg);
    ASSERT_EQ(r.failure, "") << name;
    uint64_t sum = 0, during = 0;
    for (const LiveInterval& li : sink.ticks) {
      sum += li.commands;
      if (!li.last) during += li.commands;
    }
    EXPECT_EQ(sum, r.served()) << name;
    // Most of the run reached the sink while it went, not in the remainder at the end.
    EXPECT_GT(during, r.served() / 2) << name;
    EXPECT_GE(sink.ticks.size(), 5u) << name;
    EXPECT_EQ(sink.threads.size(), 1u) << name;
    EXPECT_TRUE(sink.ticks.back().last) << name;
    engine->shutdown();
  }
}

TEST(TimeSeries, TailStabilityIsUndefinedOnTooFewIntervals) {
  RunResult r;
  for (int i = 0; i < 30; ++i) r.series.push_back({0.1 * i, 1000, 100, 200, 300, 0});
  EXPECT_LT(r.tail_stability(), 0);  // 29 complete intervals < kMinIntervals (30)
  r.series.clear();
  for (int i = 0; i < 41; ++i) r.series.push_back({0.1 * i, 1000, 100, i == 4 ? 800 : 200, 900, 0});
  EXPECT_DOUBLE_EQ(r.tail_stability(), 4.0);  // nearest-rank p99 of 40 complete = the max, over the median 200
}

// Steadiness: the last third of the complete intervals against the first, in p50 and
// in commands; undecided below 30 intervals.
TEST(TimeSeries, SteadinessComparesTheLastThirdWithTheFirst) {
  RunResult r;
  r.interval_ns = 100'000'000;
  auto fill = [&](int n, int64_t late_p50, uint64_t late_commands) {
    r.series.clear();
    for (int i = 0; i < n; ++i)
      r.series.push_back({0.1 * i, i >= n * 2 / 3 ? late_commands : 1000, i >= n * 2 / 3 ? late_p50 : 100, 200, 300, 0});
    r.duration_s = 0.1 * n;
  };
  fill(29, 100, 1000);
  EXPECT_EQ(r.complete_intervals(), 29u);
  EXPECT_EQ(r.steady(), -1);
  fill(30, 100, 1000);
  EXPECT_EQ(r.steady(), 1);
  fill(30, 124, 1000);
  EXPECT_EQ(r.steady(), 1);  // within 1.25x
  fill(30, 130, 1000);
  EXPECT_EQ(r.steady(), 0);  // the p50 drifted
  fill(30, 100, 700);
  EXPECT_EQ(r.steady(), 0);  // the throughput fell
}

TEST(OpenLoop, AnImpossibleRateEndsOnTimeAndCountsTheUnsent) {
  auto engine = make_engine("mutex");
  LoadConfig cfg;
  cfg.threads = 2;
  cfg.mode = LoadMode::kOpen;
  cfg.rate = 1e9;  // far past any machine: nearly everything scheduled is late
  cfg.duration_s = 0.5;
  cfg.warmup_s = 0.05;
  cfg.workload.accounts = 50;
  const auto t0 = std::chrono::steady_clock::now();
  const RunResult r = run_load(*engine, cfg);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(r.failure, "");
  EXPECT_LT(took, 2 * (cfg.duration_s + cfg.warmup_s) + 0.2);  // 0.2 s: funding the accounts
  EXPECT_GT(r.unsent, 0u);
  EXPECT_GT(r.offered, 0u);
  // What was scheduled in the measured part is either sent or unsent.
  EXPECT_NEAR(static_cast<double>(r.offered + r.unsent), cfg.rate * cfg.duration_s, cfg.rate * cfg.duration_s * 0.01);
  engine->shutdown();
}

TEST(LoadRun, AStopRequestEndsTheRunAndMarksIt) {
  auto engine = make_engine("single-writer");
  std::atomic<bool> stop{false};
  LoadConfig cfg;
  cfg.threads = 2;
  cfg.max_commands = 1'000'000'000;  // would take many minutes
  cfg.warmup_commands = 1000;
  cfg.workload.accounts = 50;
  cfg.stop = &stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stop.store(true);
  });
  const RunResult r = run_load(*engine, cfg);
  stopper.join();
  ASSERT_EQ(r.failure, "");  // every command sent was answered, invariants hold
  EXPECT_TRUE(r.interrupted);
  EXPECT_LT(r.completed, cfg.max_commands);
  engine->shutdown();
}

TEST(LoadRun, CpuPerCommandAndEngineCpusAreRecorded) {
  auto engine = make_engine("single-writer");
  LoadConfig cfg;
  cfg.threads = 1;
  cfg.max_commands = 20'000;
  cfg.engine_cpus = {0};
  cfg.client_cpus = {0};
  cfg.workload.accounts = 50;
  const RunResult r = run_load(*engine, cfg);
  ASSERT_EQ(r.failure, "");
  EXPECT_GT(r.cpu_ns_per_command(), 0);
  engine->shutdown();
}

// The work between commands (the bulk pre-generation, filing the latency samples) is
// timed apart from the latencies: a run of several chunks refills and files in its
// measured part, and that time is part of the run but not all of it.
TEST(LoadRun, WorkBetweenCommandsIsTimedApartFromTheLatencies) {
  auto engine = make_engine("mutex");
  LoadConfig cfg;
  cfg.threads = 1;
  cfg.max_commands = 100'000;  // about 6 chunks of 16 K on one client
  cfg.workload.accounts = 50;
  const RunResult r = run_load(*engine, cfg);
  ASSERT_EQ(r.failure, "");
  EXPECT_GT(r.between_commands_ns, 0);
  EXPECT_LT(static_cast<double>(r.between_commands_ns), r.duration_s * 1e9);
  engine->shutdown();
  const GeneratorCost c = measure_generator_cost(ClockKind::kSteady, 0.05);
  EXPECT_GT(c.in_latency_ns_per_command, 0);
  EXPECT_LT(c.in_latency_ns_per_command, c.ns_per_command);
}

}  // namespace
}  // namespace swlab::test

// --- the service shape: M connections on T workers (docs/methodology.md) -----------

namespace swlab::test {
namespace {

LoadConfig service_config(uint32_t connections, uint32_t workers) {
  LoadConfig cfg;
  cfg.mode = LoadMode::kService;
  cfg.connections = connections;
  cfg.threads = workers;
  cfg.workload.accounts = 50;
  return cfg;
}

TEST(ServiceMode, FixedWorkProcessesExactlyNOnLockAndAsynchronousEngines) {
  LoadConfig cfg = service_config(24, 2);
  cfg.max_commands = 6'001;  // not a multiple of the connections
  cfg.warmup_commands = 600;
  // The same commands on every engine: each connection's stream is (seed, connection).
  expect_exactly_n_and_the_same_commands(
      {"mutex", "single-writer", "flat-combining"}, cfg,
      [&](const char* name, RecordingEngine& engine, const RunResult& r) {
        EXPECT_EQ(r.latency.count(), static_cast<int64_t>(cfg.max_commands)) << name;
        // Every connection ran its own share: 6001 over 24 is 250 or 251.
        EXPECT_EQ(r.connection_min_replies, 250u) << name;
        EXPECT_EQ(r.connection_max_replies, 251u) << name;
        EXPECT_EQ(r.busy_threads, 2 + engine.worker_threads()) << name << ": workers count, connections do not";
      });
}

TEST(ServiceMode, EveryConnectionProgressesInATimedRun) {
  for (const char* name : {"mutex", "single-writer"}) {
    for (int64_t think : {int64_t{0}, int64_t{20'000}}) {
      auto engine = make_engine(name);
      LoadConfig cfg = service_config(40, 2);
      cfg.duration_s = 0.3;
      cfg.warmup_s = 0.05;
      cfg.think_ns = think;
      const RunResult r = run_load(*engine, cfg);
      ASSERT_EQ(r.failure, "") << name;
      EXPECT_GT(r.connection_min_replies, 0u) << name << ", think " << think << ": a connection starved";
      EXPECT_GE(r.connection_max_replies, r.connection_min_replies);
      EXPECT_EQ(r.total_sent, r.total_replies) << name;
      EXPECT_EQ(r.unsent, 0u) << "a request a connection sent before the end is served";
      uint64_t in_series = 0;
      for (const IntervalStats& s : r.series) in_series += s.commands;
      EXPECT_EQ(in_series, r.served()) << name;
      engine->shutdown();
    }
  }
}

TEST(ServiceMode, LatencyRunsFromTheConnectionsSendNotTheWorkers) {
  // One worker, eight connections, an engine that takes 1 ms a command and answers
  // inline: the worker serves one connection at a time, so a connection's request
  // waits for the other seven before it is served. From the connection's send it
  // takes about 8 ms; from the worker's submit it would be 1 ms.
  // Answers inline after a fixed delay: a lock engine whose every command takes 1 ms.
  SleepingEngine engine("slow-inline", [](const Command& c) -> std::chrono::nanoseconds {
    if (c.type != CommandType::kDeposit) return std::chrono::milliseconds(1);
    return std::chrono::nanoseconds(0);
  });
  LoadConfig cfg = service_config(8, 1);
  cfg.workload.accounts = 1;
  cfg.workload.markets = 1;
  cfg.max_commands = 160;
  cfg.warmup_commands = 16;
  const RunResult r = run_load(engine, cfg);
  ASSERT_EQ(r.failure, "");
  EXPECT_EQ(r.completed, 160u);
  // A lower bound only (sleeps can overrun, never underrun): the speed of the machine
  // cannot make it fail.
  EXPECT_GE(r.latency.value_at_percentile(50), 6'000'000) << "the wait for the worker was not counted";
}

TEST(ServiceMode, ValidateNamesTheProblem) {
  auto engine = make_engine("single-writer");
  LoadConfig cfg = service_config(4, 8);
  EXPECT_NE(validate(cfg, *engine).find("one connection per worker"), std::string::npos);
  cfg = service_config(8, 2);
  EXPECT_EQ(validate(cfg, *engine), "");
  cfg.window = 4;
  EXPECT_NE(validate(cfg, *engine).find("one request in flight"), std::string::npos);
  cfg = service_config(8, 2);
  cfg.max_commands = 4;
  EXPECT_NE(validate(cfg, *engine).find("every connection needs a share"), std::string::npos);
  LoadConfig closed;
  closed.connections = 8;
  EXPECT_NE(validate(closed, *engine).find("--connections needs --mode service"), std::string::npos);
  engine->shutdown();
}

// --- command work (engine/command_work.h) ---------------------------------------------

TEST(CommandWork, IsDeterministicAndCalibrated) {
  EXPECT_EQ(spin_work(1000, 7), spin_work(1000, 7));
  EXPECT_NE(spin_work(1000, 7), spin_work(1001, 7));
  EXPECT_NE(spin_work(1000, 7), spin_work(1000, 8));
  const double per_ns = calibrate_work();
  EXPECT_GT(per_ns, 0);
  EXPECT_EQ(work_iterations(0, per_ns), 0u);
  EXPECT_GE(work_iterations(1, 1e-9), 1u) << "any work asked for is at least one iteration";
  EXPECT_EQ(work_iterations(1000, 0.5), 500u);
}

TEST(CommandWork, TheCoreDoesItForEveryStateChangeAndChangesNothing) {
  ExchangeCore plain, working;
  std::string error;
  ASSERT_TRUE(plain.open(2, {}, &error) && working.open(2, {}, &error)) << error;
  working.set_command_work(50);
  WorkloadSpec spec;
  spec.markets = 2;
  spec.accounts = 10;
  for (const Command& c : setup_commands(spec)) {
    plain.apply(c, nullptr);
    working.apply(c, nullptr);
  }
  CommandStream stream(spec, 3, 0);
  uint64_t state_changes = setup_commands(spec).size();
  for (int i = 0; i < 2000; ++i) {
    const Command c = stream.next();
    state_changes += is_sequenced(c.type);
    const Reply a = plain.apply(c, nullptr), b = working.apply(c, nullptr);
    ASSERT_EQ(a.status, b.status);
    ASSERT_EQ(a.seq, b.seq);
  }
  EXPECT_EQ(working.worked_commands(), state_changes) << "queries do no work; every state change does";
  EXPECT_EQ(plain.worked_commands(), 0u);
  EXPECT_EQ(plain.exchange().digest(), working.exchange().digest());
}

TEST(CommandWork, OnlyEnginesWhoseCoreWorksAcceptIt) {
  EngineConfig c;
  c.work_iterations = 100;
  ResolvedSpec spec;
  std::string why;
  for (const char* name : {"mutex", "rwlock", "spinlock", "flat-combining", "single-writer", "sharded-mutex"}) {
    ASSERT_TRUE(EngineRegistry::instance().resolve(name, c, &spec, &why)) << name << ": " << why;
    bool recorded = false;
    for (const auto& s : spec.settings()) recorded |= s.key == "work_iterations" && s.value == "100";
    EXPECT_TRUE(recorded) << name << ": the work is part of engine_config";
  }
  // The test-only engine of tests/extension/ is registered without command work.
  EXPECT_FALSE(EngineRegistry::instance().resolve("single-writer-test-vector", c, &spec, &why));
  EXPECT_NE(why.find("performs no command work"), std::string::npos) << why;
}

// inject-ns (the claims' positive control) lengthens one configuration's command work:
// converted at the invocation's rate and added to --work-ns's, offered by every engine
// that performs command work and by no other.
TEST(CommandWork, InjectNsAddsWorkToOneConfigurationOnly) {
  EngineConfig c;
  c.work_iterations = 100;
  c.work_iterations_per_ns = 2.0;
  ResolvedSpec plain, injected;
  std::string why;
  for (const char* name : {"mutex", "rwlock", "spinlock", "flat-combining", "single-writer", "sharded-mutex"}) {
    ASSERT_TRUE(EngineRegistry::instance().resolve(name, c, &plain, &why)) << name << ": " << why;
    ASSERT_TRUE(EngineRegistry::instance().resolve(std::string(name) + ":inject-ns=1000", c, &injected, &why))
        << name << ": " << why;
    EXPECT_EQ(plain.config.work_iterations, 100u) << name;
    EXPECT_EQ(injected.config.work_iterations, 100u + 2000u) << name << ": 1000 ns at 2 iterations a ns, added";
    EXPECT_NE(injected.canonical().find(":inject-ns=1000"), std::string::npos) << name << ": recorded in the spec";
  }
  EXPECT_FALSE(EngineRegistry::instance().resolve("single-writer-test-vector:inject-ns=10", c, &injected, &why));
  EXPECT_NE(why.find("has no option 'inject-ns'"), std::string::npos) << why;
}

TEST(CommandWork, ParallelWorkRunsInTheClientAndTheRunStillAddsUp) {
  for (const char* name : {"mutex", "single-writer"}) {
    auto engine = make_engine(name);
    LoadConfig cfg;
    cfg.threads = 2;
    cfg.max_commands = 2000;
    cfg.workload.accounts = 50;
    cfg.parallel_work_iterations = 200;
    const RunResult r = run_load(*engine, cfg);
    ASSERT_EQ(r.failure, "") << name;
    EXPECT_EQ(r.completed, 2000u) << name;
    engine->shutdown();
  }
}

}  // namespace
}  // namespace swlab::test
