// The coordinator of a run: funds the accounts, starts the clients (client.h and its
// loops), starts the measured part (at a time, or when every client is warm), samples
// the context switches of each interval and feeds a live display while the clients
// run, then merges their results and checks the engine.
#include "load/load_generator.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <system_error>
#include <thread>
#include <vector>

#include "load/client.h"

namespace swlab {

std::string validate(const LoadConfig& c, const Engine& engine) {
  if (c.threads == 0) return "--threads must be at least 1";
  if (c.window == 0) return "--window must be at least 1";
  if (c.window > 1 && !engine.asynchronous())
    return "--window " + std::to_string(c.window) + " needs an engine with asynchronous submit; '" +
           std::string(engine.name()) + "' completes inline (use --window 1)";
  if (c.mode == LoadMode::kOpen && !(c.rate > 0)) return "--mode open needs --rate > 0";
  if (c.mode == LoadMode::kClosed && c.rate > 0) return "--rate needs --mode open";
  if (!c.fixed_work() && !(c.duration_s > 0)) return "--duration must be > 0";
  if (c.warmup_s < 0) return "--warmup must be >= 0";
  if (c.think_ns < 0) return "--think must be >= 0";
  if (c.think_ns > 0 && c.mode == LoadMode::kOpen) return "--think applies to closed loop and service mode only";
  if (c.mode == LoadMode::kService) {
    if (c.window > 1) return "--mode service: each connection has one request in flight (use --window 1)";
    if (c.fixed_work() && c.max_commands < c.connections)
      return "--mode service with --commands " + std::to_string(c.max_commands) + ": fewer commands than --connections " +
             std::to_string(c.connections) + " (every connection needs a share)";
    if (c.connections < c.threads)
      return "--mode service needs at least one connection per worker (--connections " +
             std::to_string(c.connections) + " < --workers " + std::to_string(c.threads) + ")";
  } else if (c.connections > 0) {
    return "--connections needs --mode service";
  }
  if (c.interval_ns <= 0) return "--interval must be > 0";
  return validate(c.workload);
}

void pin_engine_threads(Engine& engine, const std::vector<int>& cpus) {
  if (cpus.empty()) return;
  const std::vector<pthread_t> workers = engine.worker_handles();
  for (std::size_t j = 0; j < workers.size(); ++j) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpus[j % cpus.size()], &set);
    pthread_setaffinity_np(workers[j], sizeof set, &set);
  }
}

namespace {

using namespace load_detail;

struct Usage {
  double user_s = 0, system_s = 0;
  int64_t voluntary = 0, involuntary = 0;
  int64_t switches() const { return voluntary + involuntary; }
};

Usage process_usage() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  Usage u;
  u.user_s = static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) * 1e-6;
  u.system_s = static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) * 1e-6;
  u.voluntary = ru.ru_nvcsw;
  u.involuntary = ru.ru_nivcsw;
  return u;
}

// Set-up: fund every account; not measured. Pipelined where the engine allows, so
// that a journaling engine commits the deposits in groups, not one fsync each.
std::string fund_accounts(Engine& engine, const WorkloadSpec& workload) {
  const std::vector<Command> setup = setup_commands(workload);
  const std::size_t window = engine.asynchronous() ? 256 : 1;
  std::vector<Request> reqs(window);
  for (std::size_t base = 0; base < setup.size(); base += window) {
    const std::size_t n = std::min(window, setup.size() - base);
    for (std::size_t i = 0; i < n; ++i) {
      reqs[i].cmd = setup[base + i];
      reqs[i].out = nullptr;
      engine.submit(reqs[i]);
    }
    for (std::size_t i = 0; i < n; ++i) {
      engine.wait(reqs[i]);
      if (!reqs[i].reply.ok()) {
        for (std::size_t k = i + 1; k < n; ++k) engine.wait(reqs[k]);
        return "set-up deposit rejected: " + std::string(to_string(reqs[i].reply.reason));
      }
    }
  }
  return {};
}

void merge_clients(const std::vector<std::unique_ptr<ClientResult>>& clients, RunResult& result,
                   std::vector<IntervalHistogram>* series, int64_t* last_completion) {
  uint64_t connection_min = UINT64_MAX;
  for (const auto& c : clients) {
    result.latency.merge(c->latency);
    if (c->uncorrected) result.uncorrected.merge(*c->uncorrected);
    result.send_lateness.merge(c->send_lateness);
    result.window_stalled_sends += c->window_stalled_sends;
    for (int t = 0; t < kCommandTypeCount; ++t) result.by_type[t].merge(c->by_type[t]);
    result.offered += c->offered;
    result.unsent += c->unsent;
    result.completed += c->completed;
    result.shed += c->shed;
    result.ok += c->ok;
    for (int r = 0; r < kRejectReasonCount; ++r) result.rejected[r] += c->rejected[r];
    result.total_sent += c->sent;
    result.total_replies += c->replies;
    result.between_commands_ns += c->between_commands_ns;
    *last_completion = std::max(*last_completion, c->last_completion);
    if (c->connection_min != UINT64_MAX) {  // service mode
      connection_min = std::min(connection_min, c->connection_min);
      result.connection_max_replies = std::max(result.connection_max_replies, c->connection_max);
    }
    if (c->series.size() > series->size()) series->resize(c->series.size());
    for (std::size_t i = 0; i < c->series.size(); ++i) (*series)[i].merge(c->series[i]);
  }
  if (connection_min != UINT64_MAX) result.connection_min_replies = connection_min;
}

// Takes what the clients handed over since the last tick and gives it to the display.
void deliver_live(LiveSink& sink, const std::vector<std::unique_ptr<ClientResult>>& clients, std::size_t index,
                  int64_t interval_ns, int64_t switches, bool last) {
  IntervalHistogram h;
  for (const auto& c : clients) {
    std::lock_guard guard(c->live->mutex);
    h.merge(c->live->pending);
    c->live->pending = IntervalHistogram{};
  }
  LiveInterval li;
  li.index = index;
  li.start_s = static_cast<double>(index) * static_cast<double>(interval_ns) * 1e-9;
  li.commands = h.count();
  li.p50_ns = h.value_at_percentile(50);
  li.p99_ns = h.value_at_percentile(99);
  li.max_ns = h.max();
  li.context_switches = switches;
  li.last = last;
  li.histogram = &h;
  sink.on_interval(li);
}

// The client threads of one run, started and waiting at the line.
template <class Clock>
class ClientThreads {
 public:
  ClientThreads(Engine& engine, const LoadConfig& cfg) : cfg_(cfg) {
    shared_.config = &cfg;
    shared_.engine = &engine;
    for (uint32_t i = 0; i < cfg.threads; ++i) {
      results_.push_back(std::make_unique<ClientResult>());
      if (cfg.live) results_.back()->live = std::make_unique<ClientResult::LiveMailbox>();
    }
    threads_.reserve(cfg.threads);
    try {
      for (uint32_t i = 0; i < cfg.threads; ++i)
        threads_.emplace_back([this, i] {
          Client<Clock>(shared_, i, *results_[i]).run();
          std::lock_guard guard(shared_.done_mutex);
          ++shared_.finished;
          shared_.done_cv.notify_all();
        });
    } catch (const std::system_error& e) {
      // The system would not create another thread (--threads 1000 past its limits):
      // the ones started are sent home before they send anything, and the run fails
      // with why, instead of the process aborting on a joinable thread.
      failure_ = "could not start client thread " + std::to_string(threads_.size() + 1) + " of " +
                 std::to_string(cfg.threads) + ": " + e.what();
      shared_.abandon.store(true, std::memory_order_relaxed);
      shared_.go.store(1, std::memory_order_release);
      futex_wake_all(shared_.go);
      join();
      return;
    }
    while (shared_.ready.load(std::memory_order_acquire) < cfg.threads) std::this_thread::yield();
  }

  // Why the clients could not all be started; empty when they were.
  const std::string& failure() const { return failure_; }

  // Starts the clients; returns when the measured part begins (in ticks): a fixed time
  // after the start, or (fixed work) when every client has sent its warm-up quota.
  int64_t start_and_wait_for_measured_part() {
    shared_.start = Clock::ticks();
    shared_.go.store(1, std::memory_order_release);
    futex_wake_all(shared_.go);
    if (!cfg_.fixed_work()) {
      const int64_t at = shared_.start + Clock::from_ns(static_cast<int64_t>(cfg_.warmup_s * 1e9));
      wait_until_ticks<Clock>(at, cfg_.stop);
      return at;
    }
    while (true) {
      const uint32_t w = shared_.warmed.load(std::memory_order_acquire);
      if (w == cfg_.threads) break;
      futex_wait(shared_.warmed, w);
    }
    const int64_t at = Clock::ticks();
    shared_.measure_start = at;
    shared_.measure_go.store(1, std::memory_order_release);
    futex_wake_all(shared_.measure_go);
    return at;
  }

  // While the clients run: the context switches of each interval, sampled at its end,
  // and the live display fed. Returns the switches per interval.
  std::vector<int64_t> sample_intervals(int64_t measure_start, Usage last);

  void join() {
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  const std::vector<std::unique_ptr<ClientResult>>& results() const { return results_; }

 private:
  const LoadConfig& cfg_;
  Shared shared_;
  std::vector<std::unique_ptr<ClientResult>> results_;
  std::vector<std::thread> threads_;
  std::string failure_;
};

template <class Clock>
std::vector<int64_t> ClientThreads<Clock>::sample_intervals(int64_t measure_start, Usage last) {
  std::vector<int64_t> switches;
  std::unique_lock lock(shared_.done_mutex);
  const int64_t interval = Clock::from_ns(cfg_.interval_ns);
  for (int64_t boundary = measure_start + interval; shared_.finished < cfg_.threads; boundary += interval) {
    const int64_t wait_ns = Clock::to_ns(boundary - Clock::ticks());
    if (wait_ns > 0)
      shared_.done_cv.wait_for(lock, std::chrono::nanoseconds(wait_ns),
                               [&] { return shared_.finished == cfg_.threads; });
    const Usage now = process_usage();
    switches.push_back(now.switches() - last.switches());
    last = now;
    if (!cfg_.live) continue;
    // Woken before the boundary: every client finished, and the interval is cut short.
    const bool cut_short = Clock::ticks() < boundary;
    lock.unlock();  // a client that finishes meanwhile must not wait for the display
    // Clients hand an interval over at their first reply after its boundary, and on a
    // full machine this thread's wake-up has just taken a client's CPU: give them a
    // fifth of an interval (at most 20 ms) before reading, or the view lags a tick.
    if (!cut_short)
      std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<int64_t>(cfg_.interval_ns / 5, 20'000'000)));
    deliver_live(*cfg_.live, results_, switches.size() - 1, cfg_.interval_ns, switches.back(), cut_short);
    lock.lock();
  }
  lock.unlock();
  if (cfg_.live) deliver_live(*cfg_.live, results_, switches.size(), cfg_.interval_ns, 0, true);  // what is left
  return switches;
}

// The merged clients' figures: histograms, counters, the time series, the measured
// duration (`measure_start` in the clock's ticks).
template <class Clock>
void summarise(const std::vector<std::unique_ptr<ClientResult>>& clients, const LoadConfig& cfg,
               int64_t measure_start, const std::vector<int64_t>& switches, RunResult& result) {
  std::vector<IntervalHistogram> series;
  int64_t last_completion = measure_start;
  merge_clients(clients, result, &series, &last_completion);
  for (std::size_t i = 0; i < series.size(); ++i) {
    IntervalStats s;
    s.start_s = static_cast<double>(i) * static_cast<double>(cfg.interval_ns) * 1e-9;
    s.commands = series[i].count();
    s.p50_ns = series[i].value_at_percentile(50);
    s.p99_ns = series[i].value_at_percentile(99);
    s.p999_ns = series[i].value_at_percentile(99.9);
    s.max_ns = series[i].max();
    s.context_switches = i < switches.size() ? switches[i] : 0;
    result.series.push_back(s);
  }
  // The measured part ends with the last reply to a measured command. Past saturation
  // in an open loop that is after the scheduled window (replies still arriving), and
  // dividing by the window would report the offered rate as the throughput. A run a
  // signal cut short lasted as long as it ran, not as long as it was asked to.
  result.duration_s = static_cast<double>(Clock::to_ns(last_completion - measure_start)) * 1e-9;
  if (!cfg.fixed_work() && !result.interrupted) result.duration_s = std::max(result.duration_s, cfg.duration_s);
}

// After the run: every command answered, the journal healthy, the state consistent.
std::string check_after_run(Engine& engine, const RunResult& result) {
  if (result.total_sent != result.total_replies)
    return "replies (" + std::to_string(result.total_replies) + ") do not match commands sent (" +
           std::to_string(result.total_sent) + ")";
  if (std::string f = engine.failure(); !f.empty()) return "the engine's journal failed: " + f;
  std::string why;
  if (!engine.check_invariants(&why)) return "invariant violated after the run: " + why;
  return {};
}

template <class Clock>
RunResult run_with_clock(Engine& engine, const LoadConfig& cfg) {
  RunResult result;
  result.logical_cpus = static_cast<uint32_t>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  result.busy_threads = cfg.threads + engine.worker_threads();  // service mode: workers, not connections
  result.interval_ns = cfg.interval_ns;
  if (std::string f = fund_accounts(engine, cfg.workload); !f.empty()) {
    result.failure = f;
    return result;
  }
  pin_engine_threads(engine, cfg.engine_cpus);
  ClientThreads<Clock> clients(engine, cfg);
  if (!clients.failure().empty()) {
    result.failure = clients.failure();
    return result;
  }
  const int64_t measure_start = clients.start_and_wait_for_measured_part();
  const Usage u0 = process_usage();
  const double e0 = engine.worker_cpu_seconds();
  const std::vector<int64_t> switches = clients.sample_intervals(measure_start, u0);
  clients.join();
  const Usage u1 = process_usage();
  const double e1 = engine.worker_cpu_seconds();
  result.interrupted = cfg.stop && cfg.stop->load(std::memory_order_relaxed);
  summarise<Clock>(clients.results(), cfg, measure_start, switches, result);
  result.cpu_user_s = u1.user_s - u0.user_s;
  result.cpu_system_s = u1.system_s - u0.system_s;
  result.ctx_voluntary = u1.voluntary - u0.voluntary;
  result.ctx_involuntary = u1.involuntary - u0.involuntary;
  result.engine_cpu_s = e1 - e0;
  result.failure = check_after_run(engine, result);
  return result;
}

}  // namespace

RunResult run_load(Engine& engine, const LoadConfig& config) {
  if (config.clock == ClockKind::kTsc) return run_with_clock<TscClock>(engine, config);
  return run_with_clock<SteadyClock>(engine, config);
}

}  // namespace swlab
