// The load generator against every engine: every command answered and counted,
// warm-up excluded, and (engines with their own thread) a pipelined window.
#include <gtest/gtest.h>

#include "engine_factories.h"
#include "load/load_generator.h"
#include "tsan_unverifiable.h"

namespace swlab::test {
namespace {

uint64_t refused(const RunResult& r, RejectReason reason) { return r.rejected[static_cast<size_t>(reason)]; }

class LoadRun : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
#if defined(__SANITIZE_THREAD__)
    // Several client threads at once: skip, with the reason, a channel whose
    // synchronisation ThreadSanitizer cannot verify (tsan_unverifiable.h).
    if (const std::string why = tsan_cannot_verify_spec(GetParam()); !why.empty()) GTEST_SKIP() << why;
#endif
  }
};

TEST_P(LoadRun, CountsEveryReplyAndExcludesWarmup) {
  auto engine = make_engine(GetParam());
  ASSERT_TRUE(engine);
  LoadConfig cfg;
  cfg.threads = 2;
  cfg.max_commands = 4000;
  cfg.warmup_s = 0.05;
  cfg.workload.accounts = 50;
  RunResult r = run_load(*engine, cfg);
  EXPECT_EQ(r.failure, "");
  EXPECT_EQ(r.completed, 4000u);
  EXPECT_EQ(r.offered, 4000u);
  EXPECT_EQ(r.latency.count(), 4000);
  EXPECT_EQ(r.total_sent, r.total_replies);
  EXPECT_GE(r.total_sent, 4000u) << "warm-up commands are sent and answered, not measured";
  int64_t by_type = 0;
  for (const auto& h : r.by_type) by_type += static_cast<int64_t>(h.count());
  EXPECT_EQ(by_type, 4000);
  // A reply left unset counts as a refusal without a reason.
  EXPECT_EQ(refused(r, RejectReason::kNone), 0u) << "replies left unset";
  EXPECT_EQ(refused(r, RejectReason::kNotImplemented), 0u);
  EXPECT_GT(r.ok, 2000u);
  EXPECT_GT(r.duration_s, 0);
}

TEST_P(LoadRun, PipelinedWindowOnAsynchronousEngines) {
  auto engine = make_engine(GetParam());
  ASSERT_TRUE(engine);
  if (!engine->asynchronous())
    GTEST_SKIP() << GetParam() << " completes every submit inline (asynchronous() is false): a window of "
                 << "requests in flight needs an engine with its own thread";
  LoadConfig cfg;
  cfg.threads = 2;
  cfg.window = 8;
  cfg.max_commands = 3000;
  cfg.warmup_s = 0;
  cfg.workload.accounts = 50;
  ASSERT_EQ(validate(cfg, *engine), "");
  RunResult r = run_load(*engine, cfg);
  EXPECT_EQ(r.failure, "");
  EXPECT_EQ(r.completed, 3000u);
  EXPECT_EQ(r.total_sent, r.total_replies);
  EXPECT_EQ(refused(r, RejectReason::kNone), 0u) << "replies left unset";
  EXPECT_EQ(refused(r, RejectReason::kNotImplemented), 0u);
  EXPECT_GT(r.ok, 1500u);
}

INSTANTIATE_TEST_SUITE_P(AllEngines, LoadRun, ::testing::ValuesIn(all_engines()), engine_param_name);

}  // namespace
}  // namespace swlab::test
