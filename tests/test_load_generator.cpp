// The load generator: deterministic streams, honest accounting, and the
// coordinated-omission correction checked against what the schedule predicts.
// (Its runs against every engine are an engine suite: engine_suites/test_load_run.cpp.)
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "engine_factories.h"
#include "load_generator.h"
#include "workload.h"

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

// An engine that answers at once, except that the command with a given number
// stalls it for a known time: the textbook coordinated-omission scenario.
class StallingEngine final : public Engine {
 public:
  StallingEngine(uint64_t stall_at, std::chrono::milliseconds stall) : stall_at_(stall_at), stall_(stall) {}
  std::string_view name() const override { return "stalling"; }
  Reply execute(const Command& c, ReplyBuffers*) override {
    if (c.type != CommandType::kDeposit && ++n_ == stall_at_) std::this_thread::sleep_for(stall_);
    Reply r;
    r.status = Status::kOk;  // accepts everything (a Reply starts unset)
    return r;
  }
  void submit(Request& r) override {
    r.reply = execute(r.cmd, r.out);
    r.done.complete_inline();
  }
  void for_each_market(const std::function<void(uint32_t, const Market&)>&) override {}
  void shutdown() override {}

 private:
  uint64_t n_ = 0;
  const uint64_t stall_at_;
  const std::chrono::milliseconds stall_;
};

TEST(CoordinatedOmission, CorrectedPercentilesMatchTheSchedule) {
  // One client, 2000 commands/s (one every 500 us) for 1 s; the 500th command
  // stalls the engine for 200 ms. The ~400 commands scheduled during the stall
  // are sent late, so measured from their *intended* times their latencies are
  // spread evenly from 200 ms down to 0; from their actual send times they look
  // instant. Of 2000 samples, the top 10% (200) all lie in the stall's shadow:
  // corrected p90 ~ 200 ms - 200 x 0.5 ms = 100 ms, p99 ~ 200 - 20 x 0.5 = 190 ms.
  StallingEngine engine(500, std::chrono::milliseconds(200));
  LoadConfig cfg;
  cfg.mode = LoadMode::kOpen;
  cfg.rate = 2000;
  cfg.duration_s = 1.0;
  cfg.warmup_s = 0;
  cfg.workload.accounts = 1;
  cfg.workload.markets = 1;
  RunResult r = run_load(engine, cfg);
  ASSERT_EQ(r.failure, "");
  EXPECT_NEAR(static_cast<double>(r.completed), 2000, 5);
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
  StallingEngine engine(100, std::chrono::milliseconds(100));
  LoadConfig cfg;
  cfg.duration_s = 0.3;
  cfg.warmup_s = 0;
  cfg.workload.accounts = 1;
  cfg.workload.markets = 1;
  RunResult r = run_load(engine, cfg);
  ASSERT_EQ(r.failure, "");
  EXPECT_GE(r.latency.max(), 100'000'000);
  EXPECT_LT(r.latency.value_at_percentile(99.9), 10'000'000);
}

}  // namespace
}  // namespace swlab::test
