// The pipelined-window driver: several client threads, each keeping a window of
// requests in flight on an asynchronous engine (submit now, collect when done), with
// the random command mix of random_commands.h. Every request is collected before the
// driver returns, so it never leaves a request in the engine's hands; a request that
// is never completed hangs it (the ctest timeout or the labs' watchdog names it).
//
// The driver only drives and counts; the suites decide what must hold
// (reply_checks.h).
#pragma once

#include <cstdint>
#include <functional>

#include "engine/engine.h"
#include "reply_checks.h"

namespace swlab::test {

struct PipelineConfig {
  int threads = 4;
  int window = 8;
  int commands_per_thread = 1000;
  uint32_t markets = 4;
  // The random stream of client `t`: a function so that the labs can draw hidden seeds.
  std::function<uint64_t(int t)> seed = [](int t) { return 2000 + static_cast<uint64_t>(t); };
};

struct PipelineRun {
  int64_t submitted = 0;
  int64_t completed = 0;
  // Submits that returned with the request not yet complete: how much was really in
  // flight. Reported, never asserted (it depends on the scheduler).
  int64_t pending_after_submit = 0;
  ReplyTally replies;
};

PipelineRun run_pipelined(Engine& engine, const PipelineConfig& config);

}  // namespace swlab::test
