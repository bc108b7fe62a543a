// One client thread of a run (service mode: one worker and its connections): what
// every loop shares. It sends commands from its pre-generated streams, stamps them,
// decides when it may send (time, fixed work, the warm-up meeting, a stop request),
// and records each reply through its LatencyRecorder. The loops themselves are one
// file each: closed_loop.h, pipelined_loop.h (pipelined and open loop) and
// service_loop.h; Client::run picks one.
#pragma once

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <thread>
#include <vector>

#include "engine/command_work.h"
#include "load/client_shared.h"
#include "load/latency_recorder.h"
#include "measure/clock.h"
#include "persistence/persistence.h"
#include "platform/futex.h"

namespace swlab::load_detail {

inline void pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
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
        recorder_(out, Clock::from_ns(cfg_.interval_ns)),
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
        interval_(open_ ? cfg_.threads * 1e9 / cfg_.rate * Clock::ticks_per_ns() : 0),
        stagger_(open_ ? interval_ * id / cfg_.threads : 0) {
    if (open_) out_.uncorrected = std::make_unique<HdrHistogram>();
    if (service_) {
      make_connections();
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
    if (shared_.abandon.load(std::memory_order_relaxed)) {  // read after `go`
      if (ack_fd_ >= 0) ::close(ack_fd_);
      return;
    }
    start_ = shared_.start;
    if (!cfg_.fixed_work()) {
      begin_measuring(start_ + Clock::from_ns(static_cast<int64_t>(cfg_.warmup_s * 1e9)));
      end_ = measure_start_ + Clock::from_ns(static_cast<int64_t>(cfg_.duration_s * 1e9));
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
    recorder_.finish();
    if (ack_fd_ >= 0) ::close(ack_fd_);
    out_.between_commands_ns = Clock::to_ns(out_.between_commands);
  }

 private:
  // The loops (closed_loop.h, pipelined_loop.h, service_loop.h).
  void closed_loop();
  void pipelined_loop();
  void service_loop();

  // Service mode (service_loop.h): one closed-loop connection per slot.
  struct Connection {
    uint32_t id = 0;                     // global index: its stream and its share of fixed work
    uint64_t warm_quota = 0, quota = 0;  // fixed work
    uint64_t sent = 0;
    uint64_t replies = 0;                // measured
    int64_t ready_at = 0;
    bool finished = false;               // sends nothing more
  };
  void make_connections();
  bool connection_may_send(Connection& c);
  void complete_connection(uint32_t k, int64_t now);
  bool all_connections_warm() const;
  void wait_for_connections(uint32_t in_flight, int64_t next_send);

  void begin_measuring(int64_t at) {
    measure_start_ = at;
    recorder_.begin(at);
  }

  // Fixed work: after the warm-up quota, wait until every client is warm; the
  // coordinator then starts the measured part for all at once.
  void meet_after_warmup() {
    announce_warm();
    while (shared_.measure_go.load(std::memory_order_acquire) == 0) futex_wait(shared_.measure_go, 0);
    begin_measuring(shared_.measure_start);
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
    ack_fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
  }

  [[gnu::noinline]] void log_ack(const Command& cmd, const Reply& reply) {
    if (reply.seq == 0 || !is_sequenced(cmd.type) || reply.reason == RejectReason::kOverloaded ||
        reply.reason == RejectReason::kShutdown || reply.reason == RejectReason::kJournalFailed)
      return;
    char line[32];
    const int len = std::snprintf(line, sizeof line, "%llu\n", static_cast<unsigned long long>(reply.seq));
    if (::write(ack_fd_, line, static_cast<size_t>(len)) != len) ack_fd_ = -1;
  }

  // Counts the reply to `slot`'s command and records its latency. Returns true when
  // the recorder filed its samples: the caller then reads the clock again (see
  // LatencyRecorder::add). Inlined into each loop, with its rare branches out of
  // line: as a call it cost about 6 ns a command.
  [[gnu::always_inline]] bool record(uint32_t slot, int64_t done) {
    return record(slot, done, slots_[slot].cmd, slots_[slot].reply);
  }

  // The same, for a command and reply the caller holds (the closed loop's: the command from
  // its stream, the reply returned by execute()).
  [[gnu::always_inline]] bool record(uint32_t slot, int64_t done, const Command& cmd, const Reply& reply) {
    ++out_.replies;
    if (ack_fd_ >= 0) log_ack(cmd, reply);
    if (!measured_[slot]) return false;  // warm-up: counted, not measured
    ++out_.completed;
    if (service_) ++conns_[slot].replies;
    out_.last_completion = done;
    if (!reply.ok()) {
      ++out_.rejected[static_cast<size_t>(reply.reason)];
      if (reply.reason == RejectReason::kOverloaded) {
        ++out_.shed;  // never measured as a latency: it was not served
        return false;
      }
    } else {
      ++out_.ok;
    }
    if (open_) out_.uncorrected->record(Clock::to_ns(done - actual_[slot]));
    return recorder_.add(done, done - intended_[slot], cmd.type);
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
    const int64_t before = Clock::ticks();
    stream.refill();
    const int64_t after = Clock::ticks();
    if (measuring()) out_.between_commands += after - before;
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

  // Open loop (pipelined_loop.h): the schedule.
  int64_t next_due() const {
    return schedule_base_ + static_cast<int64_t>(stagger_ + interval_ * static_cast<double>(schedule_index_));
  }
  void skip_warmup_backlog(int64_t now);
  void count_unsent();
  bool collect_replies(uint32_t& head, uint32_t& in_flight);
  bool send_due(uint32_t head, uint32_t& in_flight);

  // Open loop: how late a measured send went against its due time, and whether it
  // fell due while every slot was busy (the engine held the client back, not the
  // client's own pace): the last slot came free after it was due.
  void note_lateness(int64_t due, int64_t now) {
    if (!measuring()) return;
    out_.send_lateness.record(Clock::to_ns(std::max<int64_t>(now - due, 0)));
    if (now > due && slot_free_at_ > due) ++out_.window_stalled_sends;
  }

  Shared& shared_;
  const LoadConfig& cfg_;
  Engine& engine_;
  const uint32_t id_;
  ClientResult& out_;
  LatencyRecorder<Clock> recorder_;
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
  const double interval_;  // open loop: ticks between this client's sends
  const double stagger_;   // open loop: the clients' schedules interleave evenly
  // Every time below is in the clock's ticks (measure/clock.h).
  const int64_t think_ = Clock::from_ns(cfg_.think_ns);
  int64_t start_ = 0, measure_start_ = 0, end_ = INT64_MAX;
  int64_t schedule_base_ = 0;
  uint64_t schedule_index_ = 0;
  int64_t intended_now_ = 0;
  uint64_t sent_ = 0, measured_sent_ = 0;
  bool sending_ = true;
  bool warm_ = false;       // fixed work: past the warm-up
  bool announced_ = false;  // fixed work: counted in Shared::warmed
  int64_t slot_free_at_ = INT64_MIN;  // open loop: when a full window last had a slot come free
  int ack_fd_ = -1;
};

}  // namespace swlab::load_detail

#include "load/closed_loop.h"
#include "load/pipelined_loop.h"
#include "load/service_loop.h"
