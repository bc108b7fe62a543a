// Spin budgets in time, not PAUSE counts. One PAUSE costs about 10 cycles on Zen 1,
// 65 on Zen 2-4 and 140 on Skylake-X, so "spin 2000 PAUSEs" means 7 us on one CPU
// and 100 us on another: a budget tuned on one machine is wrong on the next. Every
// wait in the engines states its budget in ns; pauses_for() turns it into a PAUSE
// count with the cost of one PAUSE measured once per process (about 0.1 ms, at the
// first use), and the results record both (results.json "spin").
//
// The budget also adapts to the machine: spinning only pays while the thread being
// waited for has a CPU of its own. When the running engine threads alone fill every
// CPU this process may use (4 shards on 2 CPUs), a spinning engine thread would
// burn the slice the clients and the other engine threads need, so
// spin_allowed() turns false and the waits skip their spin phase (they yield or
// sleep at once).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>

#include "platform/cpu_count.h"
#include "platform/cpu_relax.h"

namespace swlab {

namespace spin_detail {

inline double measure_pause_ns() {
  using clock = std::chrono::steady_clock;
  constexpr int kPauses = 2000;
  double best = 1e9;
  // The fastest of several tries: a try that was preempted or interrupted reads long.
  for (int attempt = 0; attempt < 7; ++attempt) {
    const auto t0 = clock::now();
    for (int i = 0; i < kPauses; ++i) cpu_relax();
    const auto t1 = clock::now();
    best = std::min(best, std::chrono::duration<double, std::nano>(t1 - t0).count() / kPauses);
  }
  // A CPU without a spin hint (cpu_relax is empty) still takes a load per poll.
  return std::max(best, 0.5);
}

inline std::atomic<int>& running_engine_threads() {
  static std::atomic<int> n{0};
  return n;
}

}  // namespace spin_detail

// The measured cost of one cpu_relax(), in ns.
inline double pause_ns() {
  static const double v = spin_detail::measure_pause_ns();
  return v;
}

// How many cpu_relax() polls make `budget_ns`; at least 1 for a non-zero budget.
inline uint32_t pauses_for(int64_t budget_ns) {
  if (budget_ns <= 0) return 0;
  const double n = static_cast<double>(budget_ns) / pause_ns();
  return static_cast<uint32_t>(std::clamp(n, 1.0, 4e9));
}

// Held by each engine thread for its lifetime (the single-writer engines' own
// threads, every shard's included).
class EngineThreadScope {
 public:
  EngineThreadScope() { spin_detail::running_engine_threads().fetch_add(1, std::memory_order_relaxed); }
  ~EngineThreadScope() { spin_detail::running_engine_threads().fetch_sub(1, std::memory_order_relaxed); }
  EngineThreadScope(const EngineThreadScope&) = delete;
  EngineThreadScope& operator=(const EngineThreadScope&) = delete;
};

inline int running_engine_threads() {
  return spin_detail::running_engine_threads().load(std::memory_order_relaxed);
}

// False when the engine threads alone occupy every usable CPU: spinning then only
// delays the threads that would end the wait. A relaxed load of a line written only
// when an engine starts or stops: it stays shared in every cache, about a ns a poll.
inline bool spin_allowed() {
  static const int cpus = usable_cpus();
  return running_engine_threads() < cpus;
}

// Polls done() with a PAUSE between polls for about Ns nanoseconds, or only once
// while the engine threads fill every CPU (what is awaited cannot happen until one of
// them gets this CPU); true when done() held. The budget's PAUSE count is worked out
// once per call site.
template <int64_t Ns, class Done>
bool spin_until(Done done) {
  if (!spin_allowed()) return done();
  static const uint32_t spins = pauses_for(Ns);
  for (uint32_t i = 0; i < spins; ++i) {
    if (done()) return true;
    cpu_relax();
  }
  return done();
}

}  // namespace swlab
