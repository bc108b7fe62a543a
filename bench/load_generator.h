// The load generator: N client threads drive one engine with their deterministic
// command streams, closed or open loop, and record latency in per-thread HDR
// histograms that are merged after the run (no shared writes while measuring).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/engine.h"
#include "hdr_histogram.h"
#include "workload.h"

namespace swlab {

enum class LoadMode { kClosed, kOpen };
enum class ClockKind { kSteady, kTsc };

struct LoadConfig {
  uint32_t threads = 1;
  LoadMode mode = LoadMode::kClosed;
  double rate = 0;             // open loop: aggregate offered rate, commands/s
  uint32_t window = 1;         // requests a client keeps in flight
  double duration_s = 1.0;     // measured part (when max_commands == 0)
  double warmup_s = 0.25;      // excluded from every figure
  uint64_t max_commands = 0;   // > 0: the measured part ends after this many commands
  uint64_t seed = 1;
  bool pin = false;            // pin client i to CPU i % online CPUs
  int64_t think_ns = 0;        // closed loop: pause between a reply and the next send
  ClockKind clock = ClockKind::kSteady;
  WorkloadSpec workload;
  // When set, every client appends the sequence number of each acknowledged
  // state-changing command to <ack_log_dir>/acks-<client>.log with write(2) as it
  // arrives (the crash test's evidence of what was acknowledged). Slows the run.
  std::string ack_log_dir;
};

// Latency histograms and counters of one run, all clients merged.
struct RunResult {
  double duration_s = 0;      // measured wall time
  uint64_t offered = 0;       // commands sent (scheduled, open loop) in the measured part
  uint64_t completed = 0;     // replies received for them
  uint64_t shed = 0;          // of which refused with reason `overloaded`
  uint64_t ok = 0;            // of which status ok
  std::array<uint64_t, kRejectReasonCount> rejected{};  // by reason (shed included)
  HdrHistogram latency;       // from the intended send time (open loop) / the send (closed)
  HdrHistogram uncorrected;   // open loop: from the actual send time
  std::array<std::unique_ptr<HdrHistogram>, kCommandTypeCount> by_type;
  double cpu_user_s = 0, cpu_system_s = 0;  // whole process, measured part
  double engine_cpu_s = 0;                  // the engine's own threads, measured part
  int64_t ctx_voluntary = 0, ctx_involuntary = 0;
  uint32_t busy_threads = 0;  // clients + engine threads
  uint32_t logical_cpus = 0;
  uint64_t total_sent = 0, total_replies = 0;  // all phases: must be equal
  std::string failure;  // non-empty: the run is invalid (broken invariant, lost reply)

  RunResult();
  bool oversubscribed() const { return busy_threads > logical_cpus; }
  double throughput() const { return duration_s > 0 ? static_cast<double>(completed - shed) / duration_s : 0; }
};

// Checks a configuration against an engine before any work starts; returns what
// is wrong, or an empty string.
std::string validate(const LoadConfig& config, const Engine& engine);

// Funds the accounts (outside any measurement), runs the clients, then checks the
// invariants and counts replies against commands sent.
RunResult run_load(Engine& engine, const LoadConfig& config);

}  // namespace swlab
