// What one run of the load generator measured: latency histograms (the run's, per
// command type, per interval), counters, CPU time and context switches, all clients
// merged.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/types.h"
#include "measure/hdr_histogram.h"
#include "measure/interval_histogram.h"

namespace swlab {

// One interval of the time series.
struct IntervalStats {
  double start_s = 0;          // from the start of the measured part
  uint64_t commands = 0;       // served replies completed in it (shed excluded)
  int64_t p50_ns = 0, p99_ns = 0, p999_ns = 0, max_ns = 0;
  int64_t context_switches = 0;  // whole process, voluntary + involuntary
};

// Latency histograms and counters of one run, all clients merged.
struct RunResult {
  double duration_s = 0;      // measured wall time
  uint64_t offered = 0;       // commands sent (open loop: scheduled and sent) in the measured part
  uint64_t unsent = 0;        // open loop: scheduled in the measured part but not sent by its end
  uint64_t completed = 0;     // replies received for them
  uint64_t shed = 0;          // of which refused with reason `overloaded`
  uint64_t ok = 0;            // of which status ok
  std::array<uint64_t, kRejectReasonCount> rejected{};  // by reason (shed included)
  HdrHistogram latency;       // from the intended send time (open loop) / the send (closed)
  HdrHistogram uncorrected;   // open loop: from the actual send time
  // Open loop: each measured send's lateness against its due time (send - due), and
  // how many late sends had waited for a free slot (the window was full).
  HdrHistogram send_lateness;
  uint64_t window_stalled_sends = 0;
  std::array<IntervalHistogram, kCommandTypeCount> by_type;  // within 1.6%
  double cpu_user_s = 0, cpu_system_s = 0;  // whole process, measured part
  double engine_cpu_s = 0;                  // the engine's own threads, measured part
  int64_t ctx_voluntary = 0, ctx_involuntary = 0;
  uint32_t busy_threads = 0;  // clients (service mode: workers) + engine threads
  // Service mode: measured replies of the connection that got the fewest and the
  // most (every connection progresses: min > 0).
  uint64_t connection_min_replies = 0, connection_max_replies = 0;
  uint32_t logical_cpus = 0;
  uint64_t total_sent = 0, total_replies = 0;  // all phases: must be equal
  // Measured part, all clients: pre-generating commands and filing latency samples
  // into the histograms, both between commands (inside no latency).
  int64_t between_commands_ns = 0;
  int64_t interval_ns = 0;
  std::vector<IntervalStats> series;
  bool interrupted = false;   // LoadConfig::stop ended it early
  std::string failure;  // non-empty: the run is invalid (broken invariant, lost reply)

  bool oversubscribed() const { return busy_threads > logical_cpus; }
  uint64_t served() const { return completed - shed; }
  double throughput() const { return duration_s > 0 ? static_cast<double>(served()) / duration_s : 0; }
  // CPU time of the whole process (clients and engine threads) per served command.
  double cpu_ns_per_command() const {
    return served() > 0 ? (cpu_user_s + cpu_system_s) * 1e9 / static_cast<double>(served()) : 0;
  }
  // The 99th percentile of the per-interval p99s over their median, over the
  // complete intervals holding at least kMinIntervalCommands commands; 1.0 is a
  // perfectly stable tail. Negative when fewer than kMinIntervals qualify.
  static constexpr uint64_t kMinIntervalCommands = 100;
  static constexpr std::size_t kMinIntervals = 30;  // with 10, its "p99" is simply the worst interval
  double tail_stability() const;

  // The intervals that ran their whole length inside the measured part (the last one
  // is usually cut short by the end of the run).
  std::size_t complete_intervals() const;
  // Whether the run held still (docs/methodology.md, "Steady state"): over its
  // complete intervals, the median p50 of the last third against the first third, and
  // the median commands per interval likewise, both within [1/kSteadyLimit,
  // kSteadyLimit]. 1 steady, 0 not, -1 undecided (fewer than kSteadyMinIntervals).
  static constexpr std::size_t kSteadyMinIntervals = 30;
  static constexpr double kSteadyLimit = 1.25;
  int steady() const;
};

}  // namespace swlab
