// The machine's floor at a moment: a short cross-core ping-pong (ping_pong.h) on the
// CPUs a run uses, measured before and after every run. On a virtual machine the
// host may move the vCPUs between nearby and distant physical cores, and the round
// trip moves with it (121-150 ns and then 571-631 ns minutes apart on the 2-vCPU
// development machine); every cross-thread figure moves too. Recording the floor with
// each run says which placement a run was taken in, flags runs during which it
// changed, and lets figures be drawn as multiples of it (docs/methodology.md).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

namespace swlab {

struct FloorSample {
  int64_t p50_ns = 0;
  int64_t p99_ns = 0;
  uint64_t round_trips = 0;
  double yields_per_round_trip = 0;  // near 0: both threads had a core; ~2: they shared one
  bool pinned = false;               // both threads were pinned to the CPUs asked for
  // The CPUs it ran between (A, the timing side, then B, the echo); -1: not pinned.
  int cpu_a = -1, cpu_b = -1;
  double cost_s = 0;                 // wall time the probe took
};

struct FloorOptions {
  double seconds = 0.2;
  // The two CPUs to measure between; empty: the first two this process may use.
  std::optional<std::pair<int, int>> cpus;
};

// Runs the probe on the calling thread (A) and one helper thread (B). Each round trip
// is timed on its own with steady_clock (one clock read per round trip, included).
FloorSample probe_floor(const FloorOptions& options = {});

}  // namespace swlab
