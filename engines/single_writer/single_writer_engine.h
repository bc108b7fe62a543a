// `single-writer`: one engine thread owns the state; no lock guards it anywhere.
// Callers send requests over a bounded channel and wait on the request's own
// completion slot. Mutation order is the order the engine thread dequeues in,
// made explicit by a sequence number on every reply.
//
// Hot-path policies are template parameters (docs/single-writer.md; policies.h
// lists them, policy_concepts.h states what each must provide):
//   Channel   how requests reach the engine thread (channels/), through its lanes:
//             a polled channel's (polled_lanes.h) run the engine's loop, a driving
//             one's (driven_lanes.h; tokio) hand the loop's steps to the channel
//   Reply     how replies reach their callers (reply/)
//   Wait      what an idle engine thread does (wait/)
//   Core      the state it owns and how mutations are numbered and made durable
//             (engine/state_core.h; ExchangeCore unless a lab brings its own)
// Capacity, batch size and the overload policy are run-time settings (EngineConfig):
// they are read once per submit or per batch, on branches that always go the same way
// in a run.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "engine/command_work.h"
#include "engine/engine.h"
#include "engine/engine_config.h"
#include "engine/overload_policy.h"
#include "engine/state_core.h"
#include "persistence/sequenced.h"
#include "platform/cache_line.h"
#include "platform/futex.h"
#include "platform/spin_budget.h"
#include "platform/thread_cpu.h"
#include "single_writer/driven_lanes.h"
#include "single_writer/polled_lanes.h"
#include "single_writer/policy_concepts.h"
#include "single_writer/request_payload.h"

namespace swlab {

class ExchangeCore;  // engine/exchange_core.h: the project's core, the default

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

// The adapter between the engine and its channel (the one place the two kinds of
// channel part ways).
template <class Queue, class ReplyT>
using LanesFor = std::conditional_t<DrivingChannel<Queue>, DrivenLanes<Queue, ReplyT>, PolledLanes<Queue>>;

template <template <class> class ChannelT, class ReplyT, class WaitT, class Core = ExchangeCore>
  requires Channel<ChannelT<Handoff>> && ReplyPath<ReplyT> && WaitStrategy<WaitT> && StateCore<Core>
class SingleWriterEngine final : public Engine {
  using Queue = ChannelT<Handoff>;
  using Lanes = LanesFor<Queue, ReplyT>;
  using Payloads = RequestPayloads<Queue, ReplyT>;

 public:
  // Built from the configuration's markets, capacity, batch, overload policy, journal
  // and command work; `shard` is stamped on every reply (sharded_engine.h).
  SingleWriterEngine(std::string name, const EngineConfig& c, uint16_t shard = 0)
      : name_(std::move(name)),
        capacity_(c.capacity == 0 ? 1 : c.capacity),
        overload_(c.overload),
        shard_(shard),
        lanes_(capacity_, c.batch == 0 ? 1 : c.batch, overload_) {
    // Recover whatever the journal directory holds and continue its sequence. On
    // failure the thread is never started; the factory reports failure().
    if (!core_.open(c.markets, c.persistence, &init_error_)) {
      if (init_error_.empty()) init_error_ = "the state core could not be opened";
      return;
    }
    configure_command_work(core_, c.work_iterations);
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
    typename Payloads::Call call;  // the request, and the policies' payload if any
    Request& req = call.request;
    req.cmd = cmd;
    req.out = out;
    block_on(call);
    return req.reply;
  }

  void wait(Request& req) override {
    Lanes::wait(req);  // a channel that carries the reply itself (driven_lanes.h)
    ReplyT::wait(req);
  }

  void submit(Request& req) override {
    req.done.reset();
    // This configuration's payload, if it keeps one, with what its previous use left
    // released, so that a refusal below leaves nothing behind.
    Payloads::prepare(req);
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
      complete(req);
      return;
    }
    const bool priority = overload_ == OverloadPolicy::kPriority && is_priority(req.cmd.type) && !req.control;
    // The command travels by value with the request's address (handoff.h): the engine
    // takes it from the channel's slot, and the request's first line stays here.
    lanes_.push(Handoff(req), priority);
    // Dekker pairing with the engine's idle path: our admission RMW on `admitted`
    // comes before this load in the seq_cst order, the engine's store to sleeping
    // before its load of `admitted`. So either the engine sees our request, or we
    // see it asleep and ring; it read the doorbell before announcing its sleep, so
    // the ring changes the word its futex_wait compares, and a wake-up cannot be lost.
    if (signals_.sleeping.load(std::memory_order_seq_cst)) ring_doorbell();
  }

  void for_each_market(const std::function<void(uint32_t, const Market&)>& f) override {
    run_control([&] {
      const auto& exchange = core_.exchange();
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
    lanes_.wake();  // a driving channel's loop sleeps in the channel, not on the doorbell
    thread_.join();
  }

 private:
  enum class Admission { kAdmitted, kStopped, kShed, kBroken };

  // Runs f on the engine thread, serialised with commands; directly on the caller's
  // thread once the engine has shut down (the join made the state the caller's).
  void run_control(const std::function<void()>& f) {
    std::lock_guard guard(shutdown_mutex_);  // shutdown cannot start in between
    if (!thread_.joinable()) {
      if (init_error_.empty()) f();  // after shutdown: the state is the caller's
      return;
    }
    typename Payloads::Call call;
    call.request.control = &f;
    block_on(call);
  }

  // The engine's own blocking call: submit, and wait through the reply path (a reply
  // path with per-call state, future, waits its own way).
  void block_on(typename Payloads::Call& call) {
    if constexpr (requires { typename ReplyT::Payload; }) {
      ReplyT::call(call.request, call.payload.reply, [this](Request& r) { submit(r); });
    } else {
      submit(call.request);
      wait(call.request);
    }
  }

  // Publishes a reply through the reply path, with its part of the payload if it
  // keeps one.
  static void complete(Request& r) {
    if constexpr (requires { typename ReplyT::Payload; }) {
      ReplyT::complete(r, Payloads::reply_part(r));
    } else {
      ReplyT::complete(r);
    }
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

  // The idle engine's sleep on the doorbell, with the handshake submit() pairs with.
  void sleep_on_doorbell() {
    const uint32_t bell = signals_.doorbell.load(std::memory_order_seq_cst);
    signals_.sleeping.store(true, std::memory_order_seq_cst);
    if (all_answered() && !signals_.stopping.load(std::memory_order_seq_cst)) futex_wait(signals_.doorbell, bell);
    signals_.sleeping.store(false, std::memory_order_relaxed);
  }

  void run() {
    const EngineThreadScope counted;  // the wait strategies' spin_allowed() sees this thread
    Loop loop{*this};
    lanes_.run(loop);
    final_cpu_s_ = thread_cpu_seconds(pthread_self());
    exited_.store(true, std::memory_order_release);
  }

  // Every request admitted so far has been answered; false while one is admitted but
  // not yet pushed, which will arrive in a moment. Engine thread only; seq_cst, for
  // the sleep handshake and the stop (admit() reads `stopping` after its increment).
  bool all_answered() const { return signals_.admitted.load(std::memory_order_seq_cst) == completed_; }

  // A stopping engine with every admitted request answered: the loop ends.
  bool stopped() const { return signals_.stopping.load(std::memory_order_seq_cst) && all_answered(); }

  // The steps of the engine's loop, for its lanes to run it (polled_lanes.h) or to
  // hand to a channel that runs its own (driven_lanes.h).
  struct Loop {
    SingleWriterEngine& engine;
    // Applies requests[0, n) in order, makes them durable, publishes their replies.
    void serve(const Handoff* requests, std::size_t n) { engine.apply_batch(requests, n); }
    // The wait strategy, after the polls-th consecutive empty poll: true = sleep.
    static bool idle(uint32_t polls) { return WaitT::idle(polls); }
    bool stopped() const { return engine.stopped(); }
    bool all_answered() const { return engine.all_answered(); }
    void sleep() { engine.sleep_on_doorbell(); }
  };

  // The command and buffers come from the hand-off (a copy the client made at submit);
  // the request itself is written (its reply), and read only for an inspection.
  void apply_batch(const Handoff* batch, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      const Handoff& h = batch[i];
      Request& r = h.request();
      if (h.inspection()) {
        (*r.control)();
        r.reply = Reply{};
      } else {
        r.reply = core_.apply(h.cmd(), h.out());
      }
      r.reply.shard = shard_;
    }
    if (!broken_locally_ && !core_.end_batch()) {
      mark_broken(core_.error().empty() ? "the journal failed" : core_.error());
      broken_locally_ = true;
    }
    if (broken_locally_) {
      // Nothing this batch mutated may be acknowledged: with durability batch or
      // always it is not known to be on disk. The engine accepts nothing more.
      for (std::size_t i = 0; i < n; ++i) {
        if (batch[i].inspection() || !is_sequenced(batch[i].cmd().type)) continue;
        Reply& reply = batch[i].request().reply;
        const uint64_t seq = reply.seq;
        reply = Reply{};
        reply.status = Status::kRejected;
        reply.reason = RejectReason::kJournalFailed;
        reply.seq = seq;
        reply.shard = shard_;
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
    for (std::size_t i = 0; i < n; ++i) complete(batch[i].request());
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
  const OverloadPolicy overload_;
  const uint16_t shard_;
  Lanes lanes_;

  EngineSignals signals_;
  // The engine thread's private state.
  Core core_;
  bool broken_locally_ = false;  // the core failed: every later batch is refused
  uint64_t completed_ = 0;       // requests answered: signals_.completed's only writer
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
