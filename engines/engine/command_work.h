// Command work: deterministic CPU work added to every state-changing command, so the
// length of the critical section is a variable of the experiment (swlab run
// --work-ns, --parallel-work-ns; docs/methodology.md, "Command work").
//
// The work is a dependent chain of xorshift-multiply steps: each step needs the
// previous one's result, so the CPU cannot overlap iterations and the compiler
// cannot vectorise or fold the loop; the result is handed to an empty asm statement,
// so the loop cannot be removed as dead code either. It touches no memory: it costs
// the same on every core and under every engine, and it adds no cache traffic of its
// own to what is being compared.
//
// Where it runs:
//   --work-ns            inside the state machine: the core performs it for every
//                        state-changing command as part of applying it (under the
//                        lock, on the engine thread, in the combiner's pass): every
//                        engine does identical work in its mutation step;
//   --parallel-work-ns   in the client, before it submits: outside any critical
//                        section, the shape in which parallel threads should win.
//
// Engines take the count as EngineConfig::work_iterations; the CLI converts ns to
// iterations with calibrate_work(), once per invocation, and records both.
#pragma once

#include <cstdint>

namespace swlab {

// `iterations` dependent steps; the same seed and count always give the same value.
inline uint64_t spin_work(uint64_t iterations, uint64_t seed) {
  uint64_t x = seed | 1;
  for (uint64_t i = 0; i < iterations; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x *= 0x2545F4914F6CDD1Dull;
  }
  // The value must exist: without this the whole loop is dead code.
  asm volatile("" : : "r"(x));
  return x;
}

// Iterations of spin_work per nanosecond on this machine and build: the fastest of
// several timed rounds (the one least disturbed by preemption), about 20 ms in all.
double calibrate_work();

// ns -> iterations at a calibrated rate (0 ns: no work).
inline uint64_t work_iterations(uint64_t ns, double iterations_per_ns) {
  if (ns == 0) return 0;
  const double it = static_cast<double>(ns) * iterations_per_ns + 0.5;
  return it < 1 ? 1 : static_cast<uint64_t>(it);
}

// Optional capability of a StateCore (state_core.h): it performs spin_work for every
// state-changing command it applies. Lab 5's cores need not offer it; engines whose
// core does not are registered without EngineInfo::command_work, and a run asking
// them for work is refused.
template <class C>
concept CommandWorkCore = requires(C core, uint64_t iterations) { core.set_command_work(iterations); };

template <class C>
void configure_command_work(C& core, uint64_t iterations) {
  if constexpr (CommandWorkCore<C>) core.set_command_work(iterations);
}

}  // namespace swlab
