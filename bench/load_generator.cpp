#include "load_generator.h"

#include <pthread.h>
#include <sched.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>

#include <atomic>
#include <cmath>
#include <thread>
#include <vector>

#include "platform/cache_line.h"
#include "clock.h"
#include "platform/futex.h"
#include "persistence/persistence.h"

namespace swlab {

RunResult::RunResult() {
  for (auto& h : by_type) h = std::make_unique<HdrHistogram>();
}

std::string validate(const LoadConfig& c, const Engine& engine) {
  if (c.threads == 0) return "--threads must be at least 1";
  if (c.window == 0) return "--window must be at least 1";
  if (c.window > 1 && !engine.asynchronous())
    return "--window " + std::to_string(c.window) + " needs an engine with asynchronous submit; '" +
           std::string(engine.name()) + "' completes inline (use --window 1)";
  if (c.mode == LoadMode::kOpen && !(c.rate > 0)) return "--mode open needs --rate > 0";
  if (c.mode == LoadMode::kClosed && c.rate > 0) return "--rate needs --mode open";
  if (c.max_commands == 0 && !(c.duration_s > 0)) return "--duration must be > 0";
  if (c.warmup_s < 0) return "--warmup must be >= 0";
  if (c.think_ns < 0) return "--think must be >= 0";
  if (c.think_ns > 0 && c.mode == LoadMode::kOpen) return "--think applies to closed loop only";
  std::string w = validate(c.workload);
  return w;
}

namespace {

// Per-client results: written only by the client's own thread while it runs, read
// by the coordinator after the join. Each client's block starts on its own cache
// line so that neighbouring clients' counters never share one.
struct alignas(kCacheLine) ClientResult {
  HdrHistogram latency;
  HdrHistogram uncorrected;
  std::array<HdrHistogram, kCommandTypeCount> by_type;
  uint64_t offered = 0, completed = 0, shed = 0, ok = 0;
  std::array<uint64_t, kRejectReasonCount> rejected{};
  uint64_t sent = 0, replies = 0;
  int64_t last_completion_ns = 0;
};
static_assert(alignof(ClientResult) == kCacheLine);

struct Shared {
  const LoadConfig* config;
  Engine* engine;
  std::atomic<uint32_t> ready{0};
  std::atomic<uint32_t> go{0};  // futex word: clients sleep on it until the start
  int64_t start_ns = 0;         // written before `go`, read after
};

void pin_to_cpu(uint32_t client) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  if (n <= 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<int>(client % static_cast<uint32_t>(n)), &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

// One client. The clock is a template parameter: no branch on it in the loop.
template <class Clock>
void client_main(Shared& shared, uint32_t id, ClientResult& out) {
  const LoadConfig& cfg = *shared.config;
  Engine& engine = *shared.engine;
  if (cfg.pin) pin_to_cpu(id);
  CommandStream stream(cfg.workload, cfg.seed, id);
  const uint32_t window = cfg.window;
  std::vector<Request> slots(window);
  std::vector<ReplyBuffers> buffers(window);
  for (auto& b : buffers) {
    b.trades.reserve(64);
    b.bids.reserve(8);
    b.asks.reserve(8);
  }
  std::vector<int64_t> intended(window), actual(window);
  std::vector<uint8_t> busy(window, 0);

  shared.ready.fetch_add(1, std::memory_order_acq_rel);
  while (shared.go.load(std::memory_order_acquire) == 0) futex_wait(shared.go, 0);

  const int64_t start = shared.start_ns;
  const int64_t warm_end = start + static_cast<int64_t>(cfg.warmup_s * 1e9);
  const bool by_count = cfg.max_commands > 0;
  const int64_t end = by_count ? INT64_MAX : warm_end + static_cast<int64_t>(cfg.duration_s * 1e9);
  // This client's share of a command budget.
  const uint64_t quota =
      by_count ? cfg.max_commands / cfg.threads + (id < cfg.max_commands % cfg.threads ? 1 : 0) : 0;
  const bool open = cfg.mode == LoadMode::kOpen;
  // Open loop: each client follows its own constant-rate schedule; the clients'
  // schedules are staggered so the aggregate is evenly spaced, not bursts of N.
  const double interval = open ? cfg.threads * 1e9 / cfg.rate : 0;
  int64_t schedule_index = 0;
  const double stagger = open ? interval * id / cfg.threads : 0;
  auto next_intended = [&] { return start + static_cast<int64_t>(stagger + interval * schedule_index); };
  uint64_t measured_sent = 0;
  bool sending = true;

  int ack_fd = -1;
  if (!cfg.ack_log_dir.empty()) {
    const std::string path = cfg.ack_log_dir + "/acks-" + std::to_string(id) + ".log";
    ack_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  }
  struct FdCloser {
    int& fd;
    ~FdCloser() {
      if (fd >= 0) ::close(fd);
    }
  } close_ack_log{ack_fd};
  auto record = [&](uint32_t slot, int64_t done_ns) {
    const Request& r = slots[slot];
    ++out.replies;
    if (ack_fd >= 0 && r.reply.seq > 0 && is_sequenced(r.cmd.type) &&
        r.reply.reason != RejectReason::kOverloaded && r.reply.reason != RejectReason::kShutdown &&
        r.reply.reason != RejectReason::kJournalFailed) {
      char line[32];
      int len = std::snprintf(line, sizeof line, "%llu\n", static_cast<unsigned long long>(r.reply.seq));
      if (::write(ack_fd, line, static_cast<size_t>(len)) != len) ack_fd = -1;
    }
    if (intended[slot] < warm_end) return;  // warm-up: counted, not measured
    ++out.completed;
    out.last_completion_ns = done_ns;
    if (!r.reply.ok()) {
      ++out.rejected[static_cast<size_t>(r.reply.reason)];
      if (r.reply.reason == RejectReason::kOverloaded) {
        ++out.shed;  // never measured as a latency: it was not served
        return;
      }
    } else {
      ++out.ok;
    }
    const int64_t latency = done_ns - intended[slot];
    out.latency.record(latency);
    out.by_type[static_cast<size_t>(r.cmd.type)].record(latency);
    if (open) out.uncorrected.record(done_ns - actual[slot]);
  };

  auto can_send = [&](int64_t now) {
    if (!sending) return false;
    if (by_count ? measured_sent >= quota : now >= end) return sending = false;
    return true;
  };

  auto send = [&](uint32_t slot, int64_t when_intended, int64_t now) {
    buffers[slot].clear();
    Request& r = slots[slot];
    r.cmd = stream.next();
    r.out = &buffers[slot];
    intended[slot] = when_intended;
    actual[slot] = now;
    if (when_intended >= warm_end) {
      ++measured_sent;
      ++out.offered;
    }
    ++out.sent;
    busy[slot] = 1;
    engine.submit(r);
  };

  if (window == 1 && !open) {
    // The plain closed loop: send, wait for the reply, (think), send again. The
    // blocking call is the one a caller would write; the reply time doubles as the
    // next iteration's "now", so a command costs two clock reads, not three.
    Request& r = slots[0];
    int64_t now = Clock::now_ns();
    while (can_send(now)) {
      // The stream is advanced before stamping, so its cost is not latency.
      buffers[0].clear();
      r.cmd = stream.next();
      const int64_t t0 = Clock::now_ns();
      intended[0] = actual[0] = t0;
      if (t0 >= warm_end) {
        ++measured_sent;
        ++out.offered;
      }
      ++out.sent;
      r.reply = engine.execute(r.cmd, &buffers[0]);
      now = Clock::now_ns();
      record(0, now);
      if (cfg.think_ns > 0) {
        wait_until<Clock>(now + cfg.think_ns);
        now = Clock::now_ns();
      }
    }
    return;
  }

  // Pipelined and/or open loop: up to `window` requests in flight.
  uint32_t in_flight = 0;
  while (true) {
    bool progressed = false;
    for (uint32_t s = 0; s < window; ++s) {
      if (busy[s] && slots[s].done.ready()) {
        busy[s] = 0;
        --in_flight;
        record(s, Clock::now_ns());
        progressed = true;
      }
    }
    int64_t now = Clock::now_ns();
    for (uint32_t s = 0; s < window && in_flight < window; ++s) {
      if (busy[s]) continue;
      if (open) {
        const int64_t due = next_intended();
        if (now < due || !can_send(due)) break;
        send(s, due, now);
        ++schedule_index;
      } else {
        if (!can_send(now)) break;
        send(s, now, now);
      }
      ++in_flight;
      progressed = true;
      now = Clock::now_ns();
    }
    if (!sending && in_flight == 0) break;
    if (progressed) continue;
    if (in_flight == window || (!sending && in_flight > 0)) {
      // Every slot busy: sleep on the oldest rather than spin, so that on a small
      // machine the engine thread gets the core.
      for (uint32_t s = 0; s < window; ++s)
        if (busy[s]) {
          engine.wait(slots[s]);
          break;
        }
    } else if (open) {
      const int64_t due = next_intended();
      if (in_flight == 0) {
        wait_until<Clock>(due);
      } else {
        std::this_thread::yield();
      }
    } else {
      std::this_thread::yield();
    }
  }
}

struct Usage {
  double user_s = 0, system_s = 0;
  int64_t voluntary = 0, involuntary = 0;
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

template <class Clock>
RunResult run_with_clock(Engine& engine, const LoadConfig& cfg) {
  RunResult result;
  result.logical_cpus = static_cast<uint32_t>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  result.busy_threads = cfg.threads + engine.worker_threads();

  // Set-up: fund every account; not measured. Pipelined where the engine allows,
  // so that a journaling engine commits the deposits in groups, not one fsync each.
  {
    const std::vector<Command> setup = setup_commands(cfg.workload);
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
          result.failure = "set-up deposit rejected: " + std::string(to_string(reqs[i].reply.reason));
          for (std::size_t k = i + 1; k < n; ++k) engine.wait(reqs[k]);
          return result;
        }
      }
    }
  }

  Shared shared;
  shared.config = &cfg;
  shared.engine = &engine;
  std::vector<std::unique_ptr<ClientResult>> clients;
  for (uint32_t i = 0; i < cfg.threads; ++i) clients.push_back(std::make_unique<ClientResult>());
  std::vector<std::thread> threads;
  threads.reserve(cfg.threads);
  for (uint32_t i = 0; i < cfg.threads; ++i)
    threads.emplace_back([&, i] { client_main<Clock>(shared, i, *clients[i]); });
  while (shared.ready.load(std::memory_order_acquire) < cfg.threads) std::this_thread::yield();

  shared.start_ns = Clock::now_ns();
  const int64_t warm_end = shared.start_ns + static_cast<int64_t>(cfg.warmup_s * 1e9);
  shared.go.store(1, std::memory_order_release);
  futex_wake_all(shared.go);

  // Resource usage over the measured part: sampled when the warm-up ends and
  // after the clients finish.
  wait_until<Clock>(warm_end);
  Usage u0 = process_usage();
  double e0 = engine.worker_cpu_seconds();
  for (auto& t : threads) t.join();
  const int64_t finished = Clock::now_ns();
  Usage u1 = process_usage();
  double e1 = engine.worker_cpu_seconds();

  int64_t last_completion = warm_end;
  for (auto& c : clients) {
    result.latency.merge(c->latency);
    result.uncorrected.merge(c->uncorrected);
    for (int t = 0; t < kCommandTypeCount; ++t) result.by_type[t]->merge(c->by_type[t]);
    result.offered += c->offered;
    result.completed += c->completed;
    result.shed += c->shed;
    result.ok += c->ok;
    for (int r = 0; r < kRejectReasonCount; ++r) result.rejected[r] += c->rejected[r];
    result.total_sent += c->sent;
    result.total_replies += c->replies;
    last_completion = std::max(last_completion, c->last_completion_ns);
  }
  // The measured part ends with the last reply to a measured command. Past
  // saturation in an open loop that is well after the scheduled window (the clients
  // are still catching up on their schedule), and dividing by the window would report
  // the offered rate as the throughput.
  result.duration_s = std::max(static_cast<double>(last_completion - warm_end) * 1e-9,
                               cfg.max_commands > 0 ? 0.0 : cfg.duration_s);
  (void)finished;
  result.cpu_user_s = u1.user_s - u0.user_s;
  result.cpu_system_s = u1.system_s - u0.system_s;
  result.ctx_voluntary = u1.voluntary - u0.voluntary;
  result.ctx_involuntary = u1.involuntary - u0.involuntary;
  result.engine_cpu_s = e1 - e0;

  if (result.total_sent != result.total_replies) {
    result.failure = "replies (" + std::to_string(result.total_replies) +
                     ") do not match commands sent (" + std::to_string(result.total_sent) + ")";
    return result;
  }
  if (std::string f = engine.failure(); !f.empty()) {
    result.failure = "the engine's journal failed: " + f;
    return result;
  }
  std::string why;
  if (!engine.check_invariants(&why)) result.failure = "invariant violated after the run: " + why;
  return result;
}

}  // namespace

RunResult run_load(Engine& engine, const LoadConfig& config) {
  if (config.clock == ClockKind::kTsc) return run_with_clock<TscClock>(engine, config);
  return run_with_clock<SteadyClock>(engine, config);
}

}  // namespace swlab
