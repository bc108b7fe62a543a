// What one run of the load generator is: its clients, mode, work, clock, pinning and
// workload (LoadConfig), and the live display a run can feed as it goes. The run
// settings (bench/run/run_settings.cpp) fill a LoadConfig; tests and labs build one
// directly.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "core/enum_names.h"
#include "engine/engine.h"
#include "load/workload.h"
#include "measure/interval_histogram.h"

namespace swlab {

enum class LoadMode { kClosed, kOpen, kService };
inline constexpr EnumName<LoadMode> kLoadModeNames[] = {
    {LoadMode::kClosed, "closed"},
    {LoadMode::kOpen, "open"},
    {LoadMode::kService, "service"},
};
inline const char* to_string(LoadMode m) { return enum_name(kLoadModeNames, m).data(); }

enum class ClockKind { kSteady, kTsc };
inline constexpr EnumName<ClockKind> kClockNames[] = {
    {ClockKind::kSteady, "steady"},
    {ClockKind::kTsc, "tsc"},
};

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

// Checks a configuration against an engine before any work starts; returns what
// is wrong, or an empty string.
std::string validate(const LoadConfig& config, const Engine& engine);

}  // namespace swlab
