// Backpressure scenes for the project's tests and lab 3's: the engine thread held busy
// on purpose (an inspection that sleeps), so that "full" is a fact of the test, not a
// race.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "engine/engine.h"
#include "load/load_generator.h"

namespace swlab::test {

// Holds the engine thread for `d` (an inspection of market 0 that sleeps) from another
// thread; returns once it is held, or once the inspection came back without running
// (an engine that refused it: that fails the test).
inline std::thread hold_engine(Engine& e, std::chrono::milliseconds d) {
  auto held = std::make_shared<std::atomic<bool>>(false);
  auto returned = std::make_shared<std::atomic<bool>>(false);
  std::thread t([&e, held, returned, d] {
    e.for_market(0, [&](const Market&) {
      held->store(true);
      std::this_thread::sleep_for(d);
    });
    returned->store(true);
  });
  while (!held->load() && !returned->load()) std::this_thread::yield();
  EXPECT_TRUE(held->load()) << "the inspection (for_market) did not run on the engine thread";
  return t;
}

// On an engine of capacity 1 that blocks when full (overload=block): while the engine
// thread is held, a caller submits *blocked and waits for room, and meanwhile another
// thread shuts the engine down. Returns once *blocked is answered.
inline void shut_down_while_a_caller_waits_for_room(Engine& e, Request* blocked) {
  using namespace std::chrono_literals;
  std::thread holder = hold_engine(e, 100ms);
  blocked->cmd.type = CommandType::kTop;
  std::thread caller([&] { e.submit(*blocked); });  // waits for room
  std::this_thread::sleep_for(20ms);
  std::thread stopper([&] { e.shutdown(); });
  holder.join();
  caller.join();
  stopper.join();
  e.wait(*blocked);
}

// An open loop of 3 clients with 32 requests in flight each, on 2 markets, offered
// `rate` commands/s for `duration_s` (no warm-up): against an engine of capacity 8,
// far past saturation.
inline LoadConfig saturating_open_loop(double rate, double duration_s) {
  LoadConfig cfg;
  cfg.threads = 3;
  cfg.window = 32;
  cfg.mode = LoadMode::kOpen;
  cfg.rate = rate;
  cfg.duration_s = duration_s;
  cfg.warmup_s = 0;
  cfg.workload.markets = 2;
  cfg.workload.accounts = 20;
  return cfg;
}

}  // namespace swlab::test
