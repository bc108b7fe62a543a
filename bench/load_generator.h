// The load generator: N client threads drive one engine with their deterministic
// command streams, closed or open loop, and record latency in per-thread HDR
// histograms that are merged after the run (no shared writes while measuring).
//
// Service mode: M logical connections, each a closed-loop client with its own
// stream, served by N worker threads, each running one event loop over its share of
// the connections (docs/methodology.md, "The service shape").
//
// Work: either a duration (the measured part lasts duration_s after a warm-up of
// warmup_s) or a fixed amount (`max_commands`, split evenly over the clients, after
// `warmup_commands` split the same way). With fixed work every engine processes
// exactly the same commands: each client runs the same prefix of its own stream.
//
// Every run also records its latency over time: per `interval_ns` of the measured
// part, the commands completed, their p50, p99 and max, and the process's context
// switches (docs/methodology.md, "Latency over time").
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "hdr_histogram.h"
#include "interval_histogram.h"
#include "workload.h"

namespace swlab {

enum class LoadMode { kClosed, kOpen, kService };
const char* to_string(LoadMode m);
enum class ClockKind { kSteady, kTsc };

// One interval of a run as a live display sees it (swlab run --live): what the
// clients had handed over when the coordinator woke at the interval's end. A client
// hands an interval over at its first reply after the boundary, so a client that was
// descheduled across a boundary shows up one interval late; the results file's time
// series is computed after the run from each client's own record and is exact.
struct LiveInterval {
  std::size_t index = 0;        // of the tick, from the start of the measured part
  double start_s = 0;
  uint64_t commands = 0;        // served replies handed over in this interval
  int64_t p50_ns = 0, p99_ns = 0, max_ns = 0;
  int64_t context_switches = 0;  // whole process, in this interval
  bool last = false;            // cut short by the end of the run (its rate is not per interval)
  const IntervalHistogram* histogram = nullptr;  // this interval's latencies
};

// Receives the intervals of a run as it goes, on the coordinator's thread (never a
// client's): cold, so virtual.
class LiveSink {
 public:
  virtual ~LiveSink() = default;
  virtual void on_interval(const LiveInterval& interval) = 0;
};

struct LoadConfig {
  uint32_t threads = 1;        // client threads; service mode: worker threads
  LoadMode mode = LoadMode::kClosed;
  uint32_t connections = 0;    // service mode: logical clients, connection c on worker c % threads
  double rate = 0;             // open loop: aggregate offered rate, commands/s
  uint32_t window = 1;         // requests a client keeps in flight
  double duration_s = 1.0;     // measured part (when max_commands == 0)
  double warmup_s = 0.25;      // excluded from every figure (when max_commands == 0)
  uint64_t max_commands = 0;   // > 0: fixed work: exactly this many measured commands
  uint64_t warmup_commands = 0;  // fixed work: commands sent (and not measured) first
  uint64_t seed = 1;
  std::vector<int> client_cpus;  // client i pinned to client_cpus[i % size]; empty: unpinned
  std::vector<int> engine_cpus;  // engine thread j pinned to engine_cpus[j % size]
  int64_t think_ns = 0;        // closed loop, service: pause between a reply and the next send
  // Command work done by the client before it submits each state-changing command
  // (engine/command_work.h; --parallel-work-ns), inside the measured latency. The
  // engine's own share is EngineConfig::work_iterations.
  uint64_t parallel_work_iterations = 0;
  // Recorded with the run (the CLI's --work-ns, --parallel-work-ns and the calibration
  // that turned ns into iterations); the engine's share travels as
  // EngineConfig::work_iterations.
  uint64_t work_ns = 0, parallel_work_ns = 0;
  double work_iterations_per_ns = 0;
  int64_t interval_ns = 100'000'000;  // the time series' interval
  ClockKind clock = ClockKind::kSteady;
  WorkloadSpec workload;
  // When set, every client appends the sequence number of each acknowledged
  // state-changing command to <ack_log_dir>/acks-<client>.log with write(2) as it
  // arrives (the crash test's evidence of what was acknowledged). Slows the run.
  std::string ack_log_dir;
  // When it becomes true (a signal handler sets it), clients stop sending at once;
  // what they sent is still answered and counted, and the run is marked interrupted.
  const std::atomic<bool>* stop = nullptr;
  // When set, receives each interval while the run goes (a live display). Costs the
  // clients one uncontended lock and a 5 KiB merge per interval.
  LiveSink* live = nullptr;

  bool fixed_work() const { return max_commands > 0; }
};

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
  static constexpr std::size_t kMinIntervals = 5;
  double tail_stability() const;
};

// Checks a configuration against an engine before any work starts; returns what
// is wrong, or an empty string.
std::string validate(const LoadConfig& config, const Engine& engine);

// Funds the accounts (outside any measurement), runs the clients, then checks the
// invariants and counts replies against commands sent.
RunResult run_load(Engine& engine, const LoadConfig& config);

// The generator's own cost per command against an engine that does nothing, in ns: the
// cheapest of three runs sharing about `seconds` on one client thread. All of it
// (pre-generating the command in bulk, taking it, the clock read, the latency sample,
// filing the samples into the histograms, the call into the engine), and the part
// inside the latencies it measures (all but the bulk pre-generation and the filing,
// which run between a reply and the next send's clock read).
struct GeneratorCost {
  double ns_per_command = 0;
  double in_latency_ns_per_command = 0;
};
GeneratorCost measure_generator_cost(ClockKind clock, double seconds = 0.1);

}  // namespace swlab
