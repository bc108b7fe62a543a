// `single-writer`: one engine thread owns the state; no lock guards it anywhere.
// Callers send requests over a bounded channel and wait on the request's own
// completion slot. Mutation order is the order the engine thread dequeues in,
// made explicit by a sequence number on every reply.
//
// Hot-path policies are template parameters (docs/single-writer.md; policies.h
// lists them and states what each must provide):
//   Channel   how requests reach the engine thread (channels/); a polled channel is
//             drained by the loop here, a driving one (tokio) runs that loop itself
//             and calls back into the same steps (serve, idle, stopped)
//   Reply     how replies reach their callers (reply/)
//   Wait      what an idle engine thread does (wait/)
//   Core      the state it owns and how mutations are numbered and made durable
//             (engine/state_core.h; ExchangeCore unless a lab brings its own)
// Capacity, batch size and the overload policy are run-time settings: they are read
// once per submit or per batch, on branches that always go the same way in a run.
#pragma once

#include <atomic>
#include <cstddef>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "engine/command_work.h"
#include "engine/engine.h"
#include "engine/exchange_core.h"
#include "engine/overload_policy.h"
#include "engine/state_core.h"
#include "platform/spin_budget.h"
#include "platform/cache_line.h"
#include "platform/futex.h"
#include "platform/thread_cpu.h"
#include "single_writer/policies.h"

namespace swlab {

// The words clients and the engine thread both touch, grouped by who writes them.
// Requests in flight are `admitted - completed`: two counters, each written by one
// side, rather than one that both sides modify. A single in-flight word took a line
// transfer on every admission (the engine's decrement had pulled it away) and
// another on every batch: one more transfer in every round trip than the pattern
// needs. Now a client's admission touches only the clients' line (with one client,
// it never leaves that client's core) and reads the engine's line once per
// `capacity` admissions, through a cached copy (as the Disruptor's producers cache
// the consumer's sequence).
struct EngineSignals {
  // The clients' line: every admission's fetch-add, and the copy of `completed` the
  // bound is checked against (it only lags, so the check errs towards refusing and
  // then reads `completed` itself).
  alignas(kCacheLine) std::atomic<uint64_t> admitted{0};
  std::atomic<uint64_t> completed_seen{0};
  // The engine's line: requests answered, stored once per batch.
  alignas(kCacheLine) std::atomic<uint64_t> completed{0};
  // Read by every client on every submit, written only when the engine goes to
  // sleep, when the journal fails and at shutdown.
  alignas(kCacheLine) std::atomic<bool> sleeping{false};
  std::atomic<bool> stopping{false};
  std::atomic<bool> broken{false};
  // The futex an idle engine sleeps on: a client that finds it asleep rings it.
  std::atomic<uint32_t> doorbell{0};
};
static_assert(offsetof(EngineSignals, completed) - offsetof(EngineSignals, admitted) >= kCacheLine &&
                  offsetof(EngineSignals, sleeping) - offsetof(EngineSignals, completed) >= kCacheLine,
              "the clients' counter, the engine's and the read-mostly flags must not share a line");
static_assert(sizeof(EngineSignals) % kCacheLine == 0,
              "EngineSignals must end on a line boundary so the engine's own state does not share it");

struct SingleWriterOptions {
  uint32_t markets = 8;
  uint32_t capacity = 1024;
  uint32_t batch = 64;
  OverloadPolicy overload = OverloadPolicy::kBlock;
  uint16_t shard = 0;
  PersistenceConfig journal;  // dir empty: no journal
  uint64_t work_iterations = 0;  // command work per state change (engine/command_work.h)
};

template <template <class> class ChannelT, class ReplyT, class WaitT, class Core = ExchangeCore>
  requires Channel<ChannelT<Request*>> && ReplyPath<ReplyT> && WaitStrategy<WaitT> && StateCore<Core>
class SingleWriterEngine final : public Engine {
  using Queue = ChannelT<Request*>;
  // The channel runs the engine loop itself (policies.h, DrivingChannel).
  static constexpr bool kDriven = DrivingChannel<Queue>;
  // The channel carries the reply back itself and has a waiting side of its own.
  static constexpr bool kChannelWaits = requires(Request& r) { Queue::wait(r); };

 public:
  SingleWriterEngine(std::string name, const SingleWriterOptions& o)
      : name_(std::move(name)),
        capacity_(o.capacity == 0 ? 1 : o.capacity),
        batch_limit_(o.batch == 0 ? 1 : o.batch),
        overload_(o.overload),
        shard_(o.shard),
        channel_(make_channel(capacity_, overload_)),
        batch_(batch_limit_) {
    // A driving channel keeps its priority lane inside (its loop drains both).
    if constexpr (!kDriven) {
      if (overload_ == OverloadPolicy::kPriority)
        priority_lane_ = std::make_unique<Queue>(2 * static_cast<std::size_t>(capacity_));
    }
    // Recover whatever the journal directory holds and continue its sequence. On
    // failure the thread is never started; the factory reports failure().
    if (!core_.open(o.markets, o.journal, &init_error_)) {
      if (init_error_.empty()) init_error_ = "the state core could not be opened";
      return;
    }
    configure_command_work(core_, o.work_iterations);
    thread_ = std::thread([this] { run(); });
    engine_thread_ = thread_.native_handle();
  }

  // The largest capacity Queue can hold with `overload` (the priority lane holds
  // twice the capacity); 0: no limit.
  static uint64_t max_capacity(OverloadPolicy overload) {
    if constexpr (requires { Queue::kMaxCapacity; }) {
      return overload == OverloadPolicy::kPriority ? Queue::kMaxCapacity / 2 : Queue::kMaxCapacity;
    } else {
      (void)overload;
      return 0;
    }
  }

  ~SingleWriterEngine() override { shutdown(); }

  std::string_view name() const override { return name_; }
  bool asynchronous() const override { return true; }
  uint32_t worker_threads() const override { return 1; }
  std::vector<pthread_t> worker_handles() const override {
    if (!init_error_.empty() || exited_.load(std::memory_order_acquire)) return {};
    return {engine_thread_};
  }

  // Not concurrently with shutdown(): the join ends the thread handle's life.
  double worker_cpu_seconds() const override {
    if (exited_.load(std::memory_order_acquire)) return final_cpu_s_;
    return thread_cpu_seconds(engine_thread_);
  }

  Reply execute(const Command& cmd, ReplyBuffers* out) override {
    Request req;
    req.cmd = cmd;
    req.out = out;
    if constexpr (std::is_same_v<ReplyT, FutureReply>) {
      std::promise<void> promise;
      std::future<void> done = promise.get_future();
      req.promise = &promise;
      submit(req);
      done.wait();
    } else {
      submit(req);
      wait(req);
    }
    return req.reply;
  }

  void wait(Request& req) override {
    // A channel that carries the reply itself (tokio) is waited on first when the
    // reply path may sleep: the caller sleeps where the seed's does (blocking_recv),
    // then finds the reply word already published. A reply path that only polls
    // polls the word; the channel's handle is then released unused.
    if constexpr (kChannelWaits && reply_path_sleeps<ReplyT>()) Queue::wait(req);
    ReplyT::wait(req);
  }

  void submit(Request& req) override {
    req.done.reset();
    // A handle left from this request's previous use (its caller polled
    // done.ready() instead of waiting) is released, so a refusal below leaves none.
    req.reply_handle.reset();
    Admission a = admit(req.control ? CommandType::kDigest : req.cmd.type, req.control != nullptr);
    if (a == Admission::kAdmitted && !req.control && signals_.broken.load(std::memory_order_relaxed)) {
      signals_.admitted.fetch_sub(1, std::memory_order_relaxed);
      a = Admission::kBroken;
    }
    if (a != Admission::kAdmitted) {
      req.reply = Reply{};
      req.reply.status = Status::kRejected;
      req.reply.reason = a == Admission::kShed     ? RejectReason::kOverloaded
                         : a == Admission::kBroken ? RejectReason::kJournalFailed
                                                   : RejectReason::kShutdown;
      req.reply.shard = shard_;
      ReplyT::complete(req);
      return;
    }
    const bool priority = overload_ == OverloadPolicy::kPriority && is_priority(req.cmd.type) && !req.control;
    if constexpr (kDriven) {
      channel_.push(&req, priority);
    } else if (priority) {
      priority_lane_->push(&req);
    } else {
      channel_.push(&req);
    }
    // Dekker pairing with the engine's idle path: our admission RMW on `admitted`
    // comes before this load in the seq_cst order, the engine's store to sleeping
    // before its load of `admitted`. So either the engine sees our request, or we
    // see it asleep and ring; it read the doorbell before announcing its sleep, so
    // the ring changes the word its futex_wait compares, and a wake-up cannot be lost.
    if (signals_.sleeping.load(std::memory_order_seq_cst)) ring_doorbell();
  }

  void for_each_market(const std::function<void(uint32_t, const Market&)>& f) override {
    run_control([&] {
      const Exchange& exchange = core_.exchange();
      for (uint32_t i = 0; i < exchange.markets(); ++i) f(i, exchange.market(i));
    });
  }

  void for_market(uint32_t market, const std::function<void(const Market&)>& f) override {
    run_control([&] { f(core_.exchange().market(market)); });
  }

  std::string failure() const override {
    if (!init_error_.empty()) return init_error_;
    std::lock_guard guard(failure_mutex_);
    return failure_;
  }

  bool snapshot(std::string* error) override {
    if constexpr (SnapshottingCore<Core>) {
      if (!init_error_.empty()) return Engine::snapshot(error);
      bool ok = false, ran = false;
      std::string why;
      run_control([&] {
        ran = true;
        ok = core_.snapshot(&why);
      });
      if (!ok) {
        if (error) *error = ran ? why : "the engine has shut down";
        // A snapshot that failed half-way leaves the journal in an unknown state.
        if (ran && core_journaled()) mark_broken(why);
      }
      return ok;
    } else {
      if (error) *error = "this engine's core takes no snapshots";
      return false;
    }
  }

  void shutdown() override {
    std::lock_guard guard(shutdown_mutex_);
    if (!thread_.joinable()) return;
    // From here no request is admitted (admit() reads the flag after its increment,
    // both seq_cst, so the engine's last count of `admitted` cannot miss one that
    // got in). The ring wakes an engine asleep, or makes its next sleep return.
    signals_.stopping.store(true, std::memory_order_seq_cst);
    ring_doorbell();
    if constexpr (kDriven) channel_.wake();  // its loop sleeps in the channel, not on the futex
    thread_.join();
  }

 private:
  // An idle engine polling its channel reads the clients' `admitted` line (to see
  // a stop) only once in this many empty polls, and before it sleeps: read on every
  // poll, it would be pulled away from the next client to admit.
  static constexpr uint32_t kStopCheckPolls = 64;
  // A blocking channel's sleep is bounded so a stop request is noticed (the stop
  // rings the doorbell, not the channel's own wait).
  static constexpr int64_t kChannelSleepUs = 5000;

  enum class Admission { kAdmitted, kStopped, kShed, kBroken };

  // Runs f on the engine thread, serialised with commands; directly on the caller's
  // thread once the engine has shut down (the join made the state the caller's).
  void run_control(const std::function<void()>& f) {
    std::lock_guard guard(shutdown_mutex_);  // shutdown cannot start in between
    if (!thread_.joinable()) {
      if (init_error_.empty()) f();  // after shutdown: the state is the caller's
      return;
    }
    Request req;
    req.control = &f;
    submit(req);
    wait(req);
  }

  Admission admit(CommandType type, bool control) {
    const bool priority = overload_ == OverloadPolicy::kPriority && is_priority(type);
    // The priority lane may hold up to twice the capacity: cancels and queries keep
    // flowing after new orders have started to be shed.
    const int64_t limit = priority ? 2 * int64_t{capacity_} : int64_t{capacity_};
    // Never shed: deposits (set-up) and the engine's own inspections (a shed
    // invariant check would be a check that silently did not run).
    const bool may_shed = !control && type != CommandType::kDeposit &&
                          (overload_ == OverloadPolicy::kReject ||
                           (overload_ == OverloadPolicy::kPriority && is_sheddable(type)));
    while (true) {
      const uint64_t old = signals_.admitted.fetch_add(1, std::memory_order_seq_cst);
      if (signals_.stopping.load(std::memory_order_seq_cst)) {
        signals_.admitted.fetch_sub(1, std::memory_order_relaxed);
        return Admission::kStopped;
      }
      if (ahead(old, signals_.completed_seen.load(std::memory_order_relaxed)) < limit) return Admission::kAdmitted;
      // The cached count says the bound may be reached: read the engine's own.
      const uint64_t completed = signals_.completed.load(std::memory_order_acquire);
      signals_.completed_seen.store(completed, std::memory_order_relaxed);
      if (ahead(old, completed) < limit) return Admission::kAdmitted;
      signals_.admitted.fetch_sub(1, std::memory_order_relaxed);
      if (may_shed) return Admission::kShed;
      // `block`: wait for the engine to drain, without holding a slot.
      while (!signals_.stopping.load(std::memory_order_relaxed) &&
             ahead(signals_.admitted.load(std::memory_order_relaxed),
                   signals_.completed.load(std::memory_order_acquire)) >= limit) {
        std::this_thread::yield();
      }
    }
  }

  // Requests in flight ahead of an admission that read `admitted` as `admitted` and
  // `completed` afterwards. Signed: other clients' requests admitted and answered in
  // between make `completed` the larger, which means none ahead, not 2^64 of them.
  static int64_t ahead(uint64_t admitted, uint64_t completed) {
    return static_cast<int64_t>(admitted - completed);
  }

  void ring_doorbell() {
    signals_.doorbell.fetch_add(1, std::memory_order_seq_cst);
    futex_wake_all(signals_.doorbell);
  }

  static Queue make_channel(uint32_t capacity, OverloadPolicy overload) {
    if constexpr (kDriven) {
      return Queue(capacity, overload);
    } else {
      (void)overload;
      return Queue(capacity);
    }
  }

  std::size_t pop(Request** out) {
    std::size_t n = priority_lane_ ? priority_lane_->pop_bulk(out, batch_limit_) : 0;
    if (n < batch_limit_) n += channel_.pop_bulk(out + n, batch_limit_ - n);
    return n;
  }

  // Sleeps until work may have arrived; returns requests if the channel's own wait
  // delivered some.
  std::size_t sleep_for_work() {
    if constexpr (Queue::kBlocking) {
      if (!priority_lane_) return channel_.pop_bulk_wait(batch_.data(), batch_limit_, kChannelSleepUs);
    }
    const uint32_t bell = signals_.doorbell.load(std::memory_order_seq_cst);
    signals_.sleeping.store(true, std::memory_order_seq_cst);
    if (all_answered() && !signals_.stopping.load(std::memory_order_seq_cst)) futex_wait(signals_.doorbell, bell);
    signals_.sleeping.store(false, std::memory_order_relaxed);
    return 0;
  }

  void run() {
    const EngineThreadScope counted;  // the wait strategies' spin_allowed() sees this thread
    if constexpr (kDriven) {
      drive();
    } else {
      poll_loop();
    }
    final_cpu_s_ = thread_cpu_seconds(pthread_self());
    exited_.store(true, std::memory_order_release);
  }

  // Every request admitted so far has been answered; false while one is admitted but
  // not yet pushed, which will arrive in a moment. Engine thread only; seq_cst, for
  // the sleep handshake and the stop (admit() reads `stopping` after its increment).
  bool all_answered() const { return signals_.admitted.load(std::memory_order_seq_cst) == completed_; }

  // A stopping engine with every admitted request answered: the loop ends.
  bool stopped() const { return signals_.stopping.load(std::memory_order_seq_cst) && all_answered(); }

  // The loop for a polled channel.
  void poll_loop() {
    uint32_t idle = 0;
    while (true) {
      std::size_t n = pop(batch_.data());
      if (n == 0) {
        const bool sleep = WaitT::idle(++idle);
        if (!sleep && idle % kStopCheckPolls != 0) continue;
        if (stopped()) break;  // stopping, and every admitted request answered
        if (!sleep || !all_answered()) continue;  // never sleep on a request on its way
        n = sleep_for_work();
        idle = 0;
        if (n == 0) continue;
      }
      idle = 0;
      apply_batch(batch_.data(), n);
    }
  }

  // A driving channel runs the loop: it gets the same steps the loop above takes.
  void drive() {
    EngineSteps steps;
    steps.engine = this;
    steps.batch = batch_limit_;
    steps.serve = [](void* e, Request* const* requests, std::size_t n) {
      static_cast<SingleWriterEngine*>(e)->apply_batch(requests, n);
    };
    steps.idle = [](void*, uint32_t polls) { return WaitT::idle(polls); };
    steps.stopped = [](void* e) { return static_cast<const SingleWriterEngine*>(e)->stopped(); };
    channel_.drive(steps);
  }

  void apply_batch(Request* const* batch, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      Request* r = batch[i];
      if (r->control) {
        (*r->control)();
        r->reply = Reply{};
      } else {
        r->reply = core_.apply(r->cmd, r->out);
      }
      r->reply.shard = shard_;
    }
    if (!broken_locally_ && !core_.end_batch()) {
      mark_broken(core_.error().empty() ? "the journal failed" : core_.error());
      broken_locally_ = true;
    }
    if (broken_locally_) {
      // Nothing this batch mutated may be acknowledged: with durability batch or
      // always it is not known to be on disk. The engine accepts nothing more.
      for (std::size_t i = 0; i < n; ++i) {
        Request* r = batch[i];
        if (r->control || !is_sequenced(r->cmd.type)) continue;
        const uint64_t seq = r->reply.seq;
        r->reply = Reply{};
        r->reply.status = Status::kRejected;
        r->reply.reason = RejectReason::kJournalFailed;
        r->reply.seq = seq;
        r->reply.shard = shard_;
      }
    }
    // The batch is answered: count it before publishing the replies, not after. A
    // caller that gets its reply and submits again at once must find its old request
    // no longer counted, or `reject` with one slot per caller sheds a request that had
    // room (Admission.RejectNeverShedsARequestThatHadRoom caught it; the single
    // in-flight word before had the same race). Room was never the channel's: every
    // request of the batch has already left it.
    completed_ += n;
    signals_.completed.store(completed_, std::memory_order_release);
    // Replies are published after the whole batch (and, with durability batch, after
    // its one fdatasync: group commit): one burst of completions instead of
    // interleaving stores to the callers' lines with the work.
    for (std::size_t i = 0; i < n; ++i) ReplyT::complete(*batch[i]);
  }

  bool core_journaled() const {
    if constexpr (requires(const Core& c) { c.journaled(); }) return core_.journaled();
    return true;
  }

  void mark_broken(const std::string& why) {
    {
      std::lock_guard guard(failure_mutex_);
      if (failure_.empty()) failure_ = why;
    }
    signals_.broken.store(true, std::memory_order_relaxed);
  }

  const std::string name_;
  const uint32_t capacity_;
  const uint32_t batch_limit_;
  const OverloadPolicy overload_;
  const uint16_t shard_;
  Queue channel_;
  std::unique_ptr<Queue> priority_lane_;  // kPriority with a polled channel only

  EngineSignals signals_;
  // The engine thread's private state.
  Core core_;
  bool broken_locally_ = false;  // the core failed: every later batch is refused
  uint64_t completed_ = 0;       // requests answered: signals_.completed's only writer
  std::vector<Request*> batch_;
  std::thread thread_;
  pthread_t engine_thread_{};
  double final_cpu_s_ = 0;  // the engine thread's CPU time when it exited
  std::atomic<bool> exited_{false};
  std::mutex shutdown_mutex_;
  std::string init_error_;  // set once in the constructor
  mutable std::mutex failure_mutex_;
  std::string failure_;  // the core's error that stopped the engine
};

}  // namespace swlab
