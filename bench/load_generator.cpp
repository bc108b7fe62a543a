#include "load_generator.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "clock.h"
#include "engine/command_work.h"
#include "interval_histogram.h"
#include "null_engine.h"
#include "persistence/persistence.h"
#include "platform/cache_line.h"
#include "platform/futex.h"

namespace swlab {

const char* to_string(LoadMode m) {
  switch (m) {
    case LoadMode::kClosed: return "closed";
    case LoadMode::kOpen: return "open";
    case LoadMode::kService: return "service";
  }
  return "?";
}

double RunResult::tail_stability() const {
  std::vector<int64_t> p99s;
  // The last interval is cut short by the end of the run: left out.
  for (std::size_t i = 0; i + 1 < series.size(); ++i)
    if (series[i].commands >= kMinIntervalCommands) p99s.push_back(series[i].p99_ns);
  if (p99s.size() < kMinIntervals) return -1;
  std::sort(p99s.begin(), p99s.end());
  const auto rank = [&](double p) {  // nearest rank
    std::size_t r = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(p99s.size())));
    return p99s[std::clamp<std::size_t>(r, 1, p99s.size()) - 1];
  };
  const int64_t median = rank(50);
  return median > 0 ? static_cast<double>(rank(99)) / static_cast<double>(median) : -1;
}

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

namespace {

// Per-client results: written only by the client's own thread while it runs, read
// by the coordinator after the join. Each client's block starts on its own cache
// line so that neighbouring clients' counters never share one.
struct alignas(kCacheLine) ClientResult {
  HdrHistogram latency;
  std::unique_ptr<HdrHistogram> uncorrected;  // open loop only
  std::array<IntervalHistogram, kCommandTypeCount> by_type;
  std::vector<IntervalHistogram> series;  // one per interval of the measured part
  uint64_t offered = 0, unsent = 0, completed = 0, shed = 0, ok = 0;
  std::array<uint64_t, kRejectReasonCount> rejected{};
  uint64_t sent = 0, replies = 0;
  int64_t last_completion_ns = 0;
  // Measured part: time spent between commands, inside no latency: pre-generating
  // commands and filing the latency samples into the histograms.
  int64_t between_commands_ns = 0;
  // Service mode: measured replies of this worker's least and most served connection.
  uint64_t connection_min = UINT64_MAX, connection_max = 0;
  // A live display (LoadConfig::live): the client merges each finished interval into
  // `pending` and the coordinator takes it at its tick. The lock is taken once per
  // interval by each side, so it is never contended for long.
  struct LiveMailbox {
    std::mutex mutex;
    IntervalHistogram pending;
  };
  std::unique_ptr<LiveMailbox> live;
};
static_assert(alignof(ClientResult) == kCacheLine);

struct Shared {
  const LoadConfig* config = nullptr;
  Engine* engine = nullptr;
  std::atomic<uint32_t> ready{0};
  std::atomic<uint32_t> go{0};          // futex word: clients sleep on it until the start
  int64_t start_ns = 0;                 // written before `go`, read after
  // Fixed work: clients meet after their warm-up, and the measured part starts for
  // all of them at one instant (written before `measure_go`, read after).
  std::atomic<uint32_t> warmed{0};
  std::atomic<uint32_t> measure_go{0};  // futex word
  int64_t measure_start_ns = 0;
  // Clients that have finished; the coordinator's time-series sampler waits on it.
  std::mutex done_mutex;
  std::condition_variable done_cv;
  uint32_t finished = 0;
};

void pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

// A client's commands, generated in bulk before they are needed: generating one
// costs about 20 ns, which must not be inside any measured latency. Refilled
// outside the timed region (the caller re-reads the clock after a refill).
class PregeneratedStream {
 public:
  PregeneratedStream(const WorkloadSpec& spec, uint64_t seed, uint32_t client, std::size_t chunk)
      : stream_(spec, seed, client), buffer_(chunk) {
    refill();
  }
  // True when the next command is ready without a refill.
  bool ready() const { return next_ < buffer_.size(); }
  const Command& take() { return buffer_[next_++]; }
  void refill() {
    for (Command& c : buffer_) c = stream_.next();
    next_ = 0;
  }

 private:
  CommandStream stream_;
  std::vector<Command> buffer_;
  std::size_t next_ = 0;
};

// Commands pre-generated per client between refills: at most about 4 M commands
// (160 MB) over all clients, at most 16 K per client.
std::size_t chunk_for(uint32_t threads) {
  return std::clamp<std::size_t>((std::size_t{1} << 22) / threads, 256, 16384);
}

// Service mode: per connection, at most about 1 M commands over all of them; a
// connection sends one command per round trip, so a short chunk refills rarely.
std::size_t chunk_for_connections(uint32_t connections) {
  return std::clamp<std::size_t>((std::size_t{1} << 20) / connections, 64, 4096);
}

// This client's share of a total split over all clients.
uint64_t share(uint64_t total, uint32_t id, uint32_t threads) {
  return total / threads + (id < total % threads ? 1 : 0);
}

template <class Clock>
class Client {
 public:
  Client(Shared& shared, uint32_t id, ClientResult& out)
      : shared_(shared),
        cfg_(*shared.config),
        engine_(*shared.engine),
        id_(id),
        out_(out),
        service_(cfg_.mode == LoadMode::kService),
        // Service mode: one slot (and one stream) per connection of this worker.
        window_(service_ ? (cfg_.connections - id + cfg_.threads - 1) / cfg_.threads : cfg_.window),
        slots_(window_),
        buffers_(window_),
        intended_(window_),
        actual_(window_),
        measured_(window_, 0),
        busy_(window_, 0),
        warm_quota_(cfg_.fixed_work() ? share(cfg_.warmup_commands, id, cfg_.threads) : 0),
        quota_(cfg_.fixed_work() ? share(cfg_.max_commands, id, cfg_.threads) : 0),
        open_(cfg_.mode == LoadMode::kOpen),
        interval_(open_ ? cfg_.threads * 1e9 / cfg_.rate : 0),
        stagger_(open_ ? interval_ * id / cfg_.threads : 0) {
    if (open_) out_.uncorrected = std::make_unique<HdrHistogram>();
    if (service_) {
      streams_.reserve(window_);
      conns_.resize(window_);
      for (uint32_t k = 0; k < window_; ++k) {
        Connection& c = conns_[k];
        c.id = id + k * cfg_.threads;
        c.warm_quota = cfg_.fixed_work() ? share(cfg_.warmup_commands, c.id, cfg_.connections) : 0;
        c.quota = cfg_.fixed_work() ? share(cfg_.max_commands, c.id, cfg_.connections) : 0;
        streams_.emplace_back(cfg_.workload, cfg_.seed, c.id, chunk_for_connections(cfg_.connections));
      }
    } else {
      streams_.emplace_back(cfg_.workload, cfg_.seed, id, chunk_for(cfg_.threads));
    }
    for (auto& b : buffers_) {
      b.trades.reserve(64);
      b.bids.reserve(8);
      b.asks.reserve(8);
    }
  }

  void run() {
    if (!cfg_.client_cpus.empty()) pin_to_cpu(cfg_.client_cpus[id_ % cfg_.client_cpus.size()]);
    open_ack_log();
    shared_.ready.fetch_add(1, std::memory_order_acq_rel);
    while (shared_.go.load(std::memory_order_acquire) == 0) futex_wait(shared_.go, 0);
    start_ = shared_.start_ns;
    if (!cfg_.fixed_work()) {
      begin_measuring(start_ + static_cast<int64_t>(cfg_.warmup_s * 1e9));
      end_ = measure_start_ + static_cast<int64_t>(cfg_.duration_s * 1e9);
    } else {
      // The warm-up's schedule (open loop) starts now; the measured part's when all
      // clients are warm.
      measure_start_ = INT64_MAX;
      end_ = INT64_MAX;
    }
    if (service_) {
      service_loop();
    } else if (window_ == 1 && !open_) {
      closed_loop();
    } else {
      pipelined_loop();
    }
    // A client that stopped before its warm-up ended (a stop request) must still be
    // counted, or the coordinator would wait for it forever.
    if (cfg_.fixed_work() && !announced_) announce_warm();
    file_samples();
    hand_over(SIZE_MAX);  // the last, unfinished interval too
    if (ack_fd_ >= 0) ::close(ack_fd_);
  }

 private:
  void begin_measuring(int64_t at) {
    measure_start_ = at;
    next_boundary_ = at + cfg_.interval_ns;
    interval_index_ = 0;
  }

  // Fixed work: after the warm-up quota, wait until every client is warm; the
  // coordinator then starts the measured part for all at once.
  void meet_after_warmup() {
    announce_warm();
    while (shared_.measure_go.load(std::memory_order_acquire) == 0) futex_wait(shared_.measure_go, 0);
    begin_measuring(shared_.measure_start_ns);
    schedule_base_ = measure_start_;
    schedule_index_ = 0;
    // The measured part of an open loop lasts as long as its schedule: quota commands
    // at this client's interval. Whatever is not sent by then is unsent.
    end_ = open_ ? measure_start_ + static_cast<int64_t>(stagger_ + interval_ * static_cast<double>(quota_))
                 : INT64_MAX;
    warm_ = true;
  }

  void announce_warm() {
    announced_ = true;
    shared_.warmed.fetch_add(1, std::memory_order_acq_rel);
    futex_wake_all(shared_.warmed);
  }

  void open_ack_log() {
    if (cfg_.ack_log_dir.empty()) return;
    const std::string path = cfg_.ack_log_dir + "/acks-" + std::to_string(id_) + ".log";
    ack_fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  }

  [[gnu::noinline]] void log_ack(const Request& r) {
    if (r.reply.seq == 0 || !is_sequenced(r.cmd.type) || r.reply.reason == RejectReason::kOverloaded ||
        r.reply.reason == RejectReason::kShutdown || r.reply.reason == RejectReason::kJournalFailed)
      return;
    char line[32];
    const int len = std::snprintf(line, sizeof line, "%llu\n", static_cast<unsigned long long>(r.reply.seq));
    if (::write(ack_fd_, line, static_cast<size_t>(len)) != len) ack_fd_ = -1;
  }

  // Returns true when it also filed the samples into the histograms (and handed a
  // finished interval to a live display): the caller then reads the clock again, so
  // that this work is in no command's latency (in a closed loop the next one starts
  // at this reply).
  // Inlined into each loop, with its rare branches out of line: as a call it cost
  // about 6 ns a command, a quarter of the generator's part of every latency.
  [[gnu::always_inline]] bool record(uint32_t slot, int64_t done_ns) {
    const Request& r = slots_[slot];
    ++out_.replies;
    if (ack_fd_ >= 0) log_ack(r);
    if (!measured_[slot]) return false;  // warm-up: counted, not measured
    ++out_.completed;
    if (service_) ++conns_[slot].replies;
    out_.last_completion_ns = done_ns;
    if (!r.reply.ok()) {
      ++out_.rejected[static_cast<size_t>(r.reply.reason)];
      if (r.reply.reason == RejectReason::kOverloaded) {
        ++out_.shed;  // never measured as a latency: it was not served
        return false;
      }
    } else {
      ++out_.ok;
    }
    if (open_) out_.uncorrected->record(done_ns - actual_[slot]);
    bool filed = false;
    if (done_ns >= next_boundary_) {
      next_interval(done_ns);
      filed = true;
    }
    samples_[samples_n_++] = pack_sample(done_ns - intended_[slot], r.cmd.type);
    if (samples_n_ == kSampleBatch) {
      file_samples();
      filed = true;
    }
    return filed;
  }

  // The interval that holds `done_ns` begins: the samples so far belong to the one
  // that has just ended.
  [[gnu::noinline]] void next_interval(int64_t done_ns) {
    file_samples();
    while (done_ns >= next_boundary_) {
      ++interval_index_;
      next_boundary_ += cfg_.interval_ns;
    }
    hand_over(interval_index_);
  }

  // A latency sample: the latency in the low 56 bits (signed: a negative one is a
  // broken clock, which the histogram counts), the command type in the top 8.
  static uint64_t pack_sample(int64_t latency, CommandType type) {
    constexpr int64_t kMax = (int64_t{1} << 55) - 1;  // a year; the histogram clamps far lower
    latency = std::clamp(latency, -kMax, kMax);
    return (static_cast<uint64_t>(latency) & kSampleLatencyMask) | (uint64_t{static_cast<uint8_t>(type)} << 56);
  }

  // Files the buffered samples into the run's histogram, their command type's and the
  // current interval's: three records a sample, in bulk between two commands rather
  // than inside each latency. Timed, like a refill.
  [[gnu::noinline]] void file_samples() {
    if (samples_n_ == 0) return;
    const int64_t before = Clock::now_ns();
    if (interval_index_ >= out_.series.size()) out_.series.resize(interval_index_ + 1);
    IntervalHistogram& interval = out_.series[interval_index_];
    for (std::size_t i = 0; i < samples_n_; ++i) {
      const uint64_t s = samples_[i];
      const int64_t latency = static_cast<int64_t>(s << 8) >> 8;  // sign-extends the 56 bits
      out_.latency.record(latency);
      out_.by_type[s >> 56].record(latency);
      interval.record(latency);
    }
    samples_n_ = 0;
    if (measuring()) out_.between_commands_ns += Clock::now_ns() - before;
  }

  // Live display: hands the intervals before `upto` to the coordinator, each once.
  [[gnu::noinline]] bool hand_over(std::size_t upto) {
    if (!out_.live) return false;
    upto = std::min(upto, out_.series.size());
    if (handed_ >= upto) return false;
    std::lock_guard guard(out_.live->mutex);
    for (; handed_ < upto; ++handed_) out_.live->pending.merge(out_.series[handed_]);
    return true;
  }

  bool stopped() const { return cfg_.stop && cfg_.stop->load(std::memory_order_relaxed); }

  // Whether the next command (sent now, or due at `due` in open loop) may go.
  bool may_send(int64_t now) {
    if (!sending_) return false;
    if (stopped()) return sending_ = false;
    if (cfg_.fixed_work()) {
      if (!warm_ && sent_ >= warm_quota_) meet_after_warmup();
      if (warm_ && measured_sent_ >= quota_) return sending_ = false;
    }
    if (now >= end_) return sending_ = false;
    return true;
  }

  // Refills a client's pre-generated commands and returns the clock after it: the
  // caller sends its next command from then on. Timed (two extra clock reads a
  // refill, every few thousand commands) so that the generator's cost can be split
  // into what is inside the latencies and what is not.
  [[gnu::noinline]] int64_t refill(PregeneratedStream& stream) {
    const int64_t before = Clock::now_ns();
    stream.refill();
    const int64_t after = Clock::now_ns();
    if (measuring()) out_.between_commands_ns += after - before;
    return after;
  }

  bool measuring() const { return warm_ || (!cfg_.fixed_work() && intended_now_ >= measure_start_); }

  void stamp(uint32_t slot, int64_t intended, int64_t now) {
    intended_[slot] = intended;
    actual_[slot] = now;
    intended_now_ = intended;
    measured_[slot] = measuring();
    if (measured_[slot]) {
      ++measured_sent_;
      ++out_.offered;
    }
    ++sent_;
    ++out_.sent;
  }

  // The plain closed loop: send, wait for the reply, (think), send again. The reply
  // time is the next command's send time: one clock read per command.
  void closed_loop() {
    Request& r = slots_[0];
    int64_t now = Clock::now_ns();
    while (may_send(now)) {
      if (!streams_[0].ready()) now = refill(streams_[0]);  // the refill is not the next command's latency
      buffers_[0].clear();
      r.cmd = streams_[0].take();
      stamp(0, now, now);
      parallel_work(r.cmd);
      r.reply = engine_.execute(r.cmd, &buffers_[0]);
      now = Clock::now_ns();
      if (record(0, now)) now = Clock::now_ns();
      if (cfg_.think_ns > 0) {
        wait_until<Clock>(now + cfg_.think_ns);
        now = Clock::now_ns();
      }
    }
  }

  int64_t next_due() const {
    return schedule_base_ + static_cast<int64_t>(stagger_ + interval_ * static_cast<double>(schedule_index_));
  }

  // Open loop, time-bounded: when the measured part begins with warm-up commands
  // still due (the client fell behind its schedule), they are dropped, and the
  // schedule goes on from the first command due in the measured part; otherwise a
  // client far behind would spend the whole run on its warm-up backlog.
  void skip_warmup_backlog(int64_t now) {
    if (cfg_.fixed_work() || now < measure_start_ || next_due() >= measure_start_) return;
    const double first = std::ceil((static_cast<double>(measure_start_ - start_) - stagger_) / interval_);
    schedule_index_ = std::max<uint64_t>(schedule_index_, static_cast<uint64_t>(std::max(0.0, first)));
  }

  // Open loop: how many of this client's measured commands were due before the end
  // and never sent.
  void count_unsent() {
    if (!open_ || measure_start_ == INT64_MAX) return;
    uint64_t due = 0;
    if (cfg_.fixed_work()) {
      due = warm_ ? quota_ : 0;
    } else {
      // Schedule indices i with measure_start <= start + stagger + i*interval < end.
      const double first = std::ceil((static_cast<double>(measure_start_ - start_) - stagger_) / interval_);
      const double last = std::ceil((static_cast<double>(end_ - start_) - stagger_) / interval_);
      due = static_cast<uint64_t>(std::max(0.0, last - std::max(0.0, first)));
    }
    out_.unsent = due > measured_sent_ ? due - measured_sent_ : 0;
  }

  // Pipelined and/or open loop: up to `window` requests in flight.
  void pipelined_loop() {
    schedule_base_ = start_;
    uint32_t in_flight = 0;
    while (true) {
      bool progressed = false;
      for (uint32_t s = 0; s < window_; ++s) {
        if (busy_[s] && slots_[s].done.ready()) {
          busy_[s] = 0;
          --in_flight;
          record(s, Clock::now_ns());
          progressed = true;
        }
      }
      int64_t now = Clock::now_ns();
      for (uint32_t s = 0; s < window_ && in_flight < window_; ++s) {
        if (busy_[s]) continue;
        if (!streams_[0].ready()) now = refill(streams_[0]);
        if (open_) {
          if (!may_send(now)) break;
          skip_warmup_backlog(now);
          const int64_t due = next_due();
          if (now < due) break;
          send(s, due, now);
          ++schedule_index_;
        } else {
          if (!may_send(now)) break;
          send(s, now, now);
        }
        ++in_flight;
        progressed = true;
        now = Clock::now_ns();
      }
      if (!sending_ && in_flight == 0) break;
      if (progressed) continue;
      if (in_flight == window_ || (!sending_ && in_flight > 0)) {
        // Every slot busy: sleep on the oldest rather than spin, so that on a small
        // machine the engine thread gets the core.
        for (uint32_t s = 0; s < window_; ++s)
          if (busy_[s]) {
            engine_.wait(slots_[s]);
            break;
          }
      } else if (open_) {
        const int64_t due = next_due();
        if (in_flight == 0) {
          wait_until<Clock>(std::min(due, end_));
        } else {
          std::this_thread::yield();
        }
      } else {
        std::this_thread::yield();
      }
    }
    count_unsent();
  }

  void send(uint32_t slot, int64_t intended, int64_t now) {
    buffers_[slot].clear();
    Request& r = slots_[slot];
    r.cmd = streams_[service_ ? slot : 0].take();
    r.out = &buffers_[slot];
    stamp(slot, intended, now);
    parallel_work(r.cmd);
    busy_[slot] = 1;
    engine_.submit(r);
  }

  // --parallel-work-ns: the client's share of the command's work, outside any
  // critical section and inside the measured latency (it is part of serving it).
  void parallel_work(const Command& cmd) const {
    if (cfg_.parallel_work_iterations > 0 && is_sequenced(cmd.type))
      spin_work(cfg_.parallel_work_iterations, static_cast<uint64_t>(cmd.account) ^ static_cast<uint64_t>(cmd.order_id));
  }

  // ------------------------------------------------------------------ service mode
  // One event loop over this worker's connections. Each connection is a closed-loop
  // client: it sends its next request `think` after its last reply, at ready_at, and
  // that request's latency runs from ready_at (the moment the connection sent it), so
  // time spent waiting for the worker to get to it counts, as a real server's queue
  // would. On an asynchronous engine the worker submits and moves on, completing each
  // request when its reply arrives; on a lock engine submit completes inline, so the
  // worker serves one connection at a time and the others wait.
  struct Connection {
    uint32_t id = 0;                     // global index: its stream and its share of fixed work
    uint64_t warm_quota = 0, quota = 0;  // fixed work
    uint64_t sent = 0;
    uint64_t replies = 0;                // measured
    int64_t ready_at = 0;
    bool finished = false;               // sends nothing more
  };

  // Whether connection k may send its next request now.
  bool connection_may_send(Connection& c) {
    if (c.finished) return false;
    if (stopped()) return !(c.finished = true);
    if (cfg_.fixed_work()) {
      if (!warm_) return c.sent < c.warm_quota;  // waits for the meeting after its warm-up
      if (c.sent - c.warm_quota >= c.quota) return !(c.finished = true);
      return true;
    }
    // A request the connection sent before the end is served, whenever the worker
    // gets to it: at most one per connection, so the overrun is bounded.
    if (c.ready_at >= end_) return !(c.finished = true);
    return true;
  }

  void complete_connection(uint32_t k, int64_t now) {
    busy_[k] = 0;
    if (record(k, now)) now = Clock::now_ns();  // this connection's next request starts after the merge
    conns_[k].ready_at = now + cfg_.think_ns;
  }

  void service_loop() {
    const uint32_t n = window_;
    for (Connection& c : conns_) c.ready_at = start_;
    uint32_t in_flight = 0, first = 0;
    while (true) {
      bool progressed = false;
      if (stopped())
        for (Connection& c : conns_) c.finished = true;
      if (in_flight > 0) {
        for (uint32_t k = 0; k < n; ++k)
          if (busy_[k] && slots_[k].done.ready()) {
            complete_connection(k, Clock::now_ns());
            --in_flight;
            progressed = true;
          }
      }
      // Fixed work: once every connection here has sent its warm-up, meet the other
      // workers; the measured part starts for every connection at one instant.
      if (cfg_.fixed_work() && !warm_ && !stopped()) {
        bool all_warm = true;
        for (const Connection& c : conns_) all_warm &= c.sent >= c.warm_quota;
        if (all_warm) {
          meet_after_warmup();
          for (Connection& c : conns_) c.ready_at = std::max(c.ready_at, measure_start_);
        }
      }
      int64_t now = Clock::now_ns();
      // Round robin from a moving start: no connection is always served last.
      for (uint32_t j = 0; j < n; ++j) {
        const uint32_t k = (first + j) % n;
        Connection& c = conns_[k];
        if (busy_[k] || now < c.ready_at || !connection_may_send(c)) continue;
        if (!streams_[k].ready()) now = refill(streams_[k]);
        send(k, c.ready_at, now);
        ++c.sent;
        progressed = true;
        // A lock engine answered inline: record it now, not after the others.
        if (slots_[k].done.ready()) {
          now = Clock::now_ns();
          complete_connection(k, now);
        } else {
          ++in_flight;
          now = Clock::now_ns();
        }
      }
      first = first + 1 == n ? 0 : first + 1;
      bool all_finished = true;
      int64_t next_send = INT64_MAX;  // the first thinking connection's next send
      for (uint32_t k = 0; k < n; ++k) {
        Connection& c = conns_[k];
        if (!c.finished && !busy_[k] && !cfg_.fixed_work() && c.ready_at >= end_) c.finished = true;
        all_finished &= c.finished;
        if (!c.finished && !busy_[k] && c.ready_at > now) next_send = std::min(next_send, c.ready_at);
      }
      if (all_finished && in_flight == 0) break;
      if (progressed) continue;
      if (in_flight > 0 && next_send == INT64_MAX) {
        // Every connection is waiting for its reply: sleep on the oldest request
        // rather than spin, so that on a small machine the engine thread gets the core.
        uint32_t oldest = n;
        for (uint32_t k = 0; k < n; ++k)
          if (busy_[k] && (oldest == n || actual_[k] < actual_[oldest])) oldest = k;
        engine_.wait(slots_[oldest]);
      } else if (in_flight == 0 && next_send != INT64_MAX) {
        // Every connection is thinking: sleep until the first one sends.
        wait_until<Clock>(next_send);
      } else {
        // Replies pending while connections think: poll both (an event loop would
        // wait on timers and replies at once; a futex waits on one word).
        std::this_thread::yield();
      }
    }
    for (const Connection& c : conns_) {
      out_.connection_min = std::min(out_.connection_min, c.replies);
      out_.connection_max = std::max(out_.connection_max, c.replies);
    }
  }

  Shared& shared_;
  const LoadConfig& cfg_;
  Engine& engine_;
  const uint32_t id_;
  ClientResult& out_;
  const bool service_;
  const uint32_t window_;
  std::vector<PregeneratedStream> streams_;  // one; service mode: one per connection
  std::vector<Connection> conns_;            // service mode
  std::vector<Request> slots_;
  std::vector<ReplyBuffers> buffers_;
  std::vector<int64_t> intended_, actual_;
  std::vector<uint8_t> measured_, busy_;
  const uint64_t warm_quota_, quota_;
  const bool open_;
  const double interval_;  // open loop: ns between this client's sends
  const double stagger_;   // open loop: the clients' schedules interleave evenly
  int64_t start_ = 0, measure_start_ = 0, end_ = INT64_MAX;
  int64_t schedule_base_ = 0;
  uint64_t schedule_index_ = 0;
  int64_t next_boundary_ = INT64_MAX;
  std::size_t interval_index_ = 0;
  std::size_t handed_ = 0;  // intervals handed to the live display
  // Latency samples not yet filed into the histograms (see record()).
  static constexpr std::size_t kSampleBatch = 4096;
  static constexpr uint64_t kSampleLatencyMask = (uint64_t{1} << 56) - 1;
  std::unique_ptr<uint64_t[]> samples_ = std::make_unique<uint64_t[]>(kSampleBatch);
  std::size_t samples_n_ = 0;
  int64_t intended_now_ = 0;
  uint64_t sent_ = 0, measured_sent_ = 0;
  bool sending_ = true;
  bool warm_ = false;       // fixed work: past the warm-up
  bool announced_ = false;  // fixed work: counted in Shared::warmed
  int ack_fd_ = -1;
};

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

void merge_clients(const std::vector<std::unique_ptr<ClientResult>>& clients, RunResult& result,
                   std::vector<IntervalHistogram>* series, int64_t* last_completion) {
  uint64_t connection_min = UINT64_MAX;
  for (const auto& c : clients) {
    result.latency.merge(c->latency);
    if (c->uncorrected) result.uncorrected.merge(*c->uncorrected);
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
    *last_completion = std::max(*last_completion, c->last_completion_ns);
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

  Shared shared;
  shared.config = &cfg;
  shared.engine = &engine;
  std::vector<std::unique_ptr<ClientResult>> results;
  for (uint32_t i = 0; i < cfg.threads; ++i) {
    results.push_back(std::make_unique<ClientResult>());
    if (cfg.live) results.back()->live = std::make_unique<ClientResult::LiveMailbox>();
  }
  std::vector<std::thread> threads;
  threads.reserve(cfg.threads);
  for (uint32_t i = 0; i < cfg.threads; ++i)
    threads.emplace_back([&, i] {
      Client<Clock>(shared, i, *results[i]).run();
      std::lock_guard guard(shared.done_mutex);
      ++shared.finished;
      shared.done_cv.notify_all();
    });
  while (shared.ready.load(std::memory_order_acquire) < cfg.threads) std::this_thread::yield();

  shared.start_ns = Clock::now_ns();
  shared.go.store(1, std::memory_order_release);
  futex_wake_all(shared.go);

  // The measured part starts at the end of the warm-up: a fixed time, or (fixed work)
  // when every client has sent its warm-up quota.
  int64_t measure_start;
  if (cfg.fixed_work()) {
    while (true) {
      const uint32_t w = shared.warmed.load(std::memory_order_acquire);
      if (w == cfg.threads) break;
      futex_wait(shared.warmed, w);
    }
    measure_start = Clock::now_ns();
    shared.measure_start_ns = measure_start;
    shared.measure_go.store(1, std::memory_order_release);
    futex_wake_all(shared.measure_go);
  } else {
    measure_start = shared.start_ns + static_cast<int64_t>(cfg.warmup_s * 1e9);
    wait_until<Clock>(measure_start);
  }
  const Usage u0 = process_usage();
  const double e0 = engine.worker_cpu_seconds();

  // The context switches of each interval, sampled at its end while the clients run.
  std::vector<int64_t> switches;
  {
    Usage last = u0;
    std::unique_lock lock(shared.done_mutex);
    for (int64_t boundary = measure_start + cfg.interval_ns; shared.finished < cfg.threads;
         boundary += cfg.interval_ns) {
      const int64_t wait_ns = boundary - Clock::now_ns();
      if (wait_ns > 0)
        shared.done_cv.wait_for(lock, std::chrono::nanoseconds(wait_ns), [&] { return shared.finished == cfg.threads; });
      const Usage now = process_usage();
      switches.push_back(now.switches() - last.switches());
      last = now;
      if (cfg.live) {
        // Woken before the boundary: every client finished, and the interval is cut short.
        const bool cut_short = Clock::now_ns() < boundary;
        lock.unlock();  // a client that finishes meanwhile must not wait for the display
        // Clients hand an interval over at their first reply after its boundary, and on
        // a full machine this thread's wake-up has just taken a client's CPU: give them
        // a fifth of an interval (at most 20 ms) before reading, or the view lags a tick.
        if (!cut_short)
          std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<int64_t>(cfg.interval_ns / 5, 20'000'000)));
        deliver_live(*cfg.live, results, switches.size() - 1, cfg.interval_ns, switches.back(), cut_short);
        lock.lock();
      }
    }
  }
  if (cfg.live) deliver_live(*cfg.live, results, switches.size(), cfg.interval_ns, 0, true);  // what is left
  for (auto& t : threads) t.join();
  const Usage u1 = process_usage();
  const double e1 = engine.worker_cpu_seconds();

  std::vector<IntervalHistogram> series;
  int64_t last_completion = measure_start;
  merge_clients(results, result, &series, &last_completion);
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
  // The measured part ends with the last reply to a measured command. Past
  // saturation in an open loop that is after the scheduled window (replies still
  // arriving), and dividing by the window would report the offered rate as the
  // throughput.
  result.duration_s = static_cast<double>(last_completion - measure_start) * 1e-9;
  if (!cfg.fixed_work()) result.duration_s = std::max(result.duration_s, cfg.duration_s);
  result.cpu_user_s = u1.user_s - u0.user_s;
  result.cpu_system_s = u1.system_s - u0.system_s;
  result.ctx_voluntary = u1.voluntary - u0.voluntary;
  result.ctx_involuntary = u1.involuntary - u0.involuntary;
  result.engine_cpu_s = e1 - e0;
  result.interrupted = cfg.stop && cfg.stop->load(std::memory_order_relaxed);

  if (result.total_sent != result.total_replies) {
    result.failure = "replies (" + std::to_string(result.total_replies) + ") do not match commands sent (" +
                     std::to_string(result.total_sent) + ")";
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

GeneratorCost measure_generator_cost(ClockKind clock, double seconds) {
  // The cheapest of three short runs: a cost, measured on a machine whose other
  // threads (and the host's) come and go; single 50 ms runs read 19-43 ns on the same
  // VM within a minute.
  constexpr int kTries = 3;
  GeneratorCost best;
  for (int i = 0; i < kTries; ++i) {
    NullEngine engine;
    LoadConfig cfg;
    cfg.threads = 1;
    cfg.warmup_s = i == 0 ? 0.01 : 0;  // the first warms the caches and the branch predictors for all
    cfg.duration_s = seconds / kTries;
    cfg.clock = clock;
    cfg.workload.accounts = 10;
    const RunResult r = run_load(engine, cfg);
    if (r.served() == 0) continue;
    const double n = static_cast<double>(r.served());
    GeneratorCost c;
    c.ns_per_command = r.duration_s * 1e9 / n;
    c.in_latency_ns_per_command =
        std::max(0.0, r.duration_s * 1e9 - static_cast<double>(r.between_commands_ns)) / n;
    if (best.ns_per_command == 0 || c.in_latency_ns_per_command < best.in_latency_ns_per_command) best = c;
  }
  return best;
}

}  // namespace swlab
