// Lab 3, worked solution in the starter's skeleton (instructors only: what a
// student's answer looks like; labs/make_handout.sh leaves solution/ out).
//
// Lab 3: the single-writer engine (docs/labs/lab3.md).
//
// One engine thread owns the Exchange; nothing else touches it and no lock guards
// it. A caller admits its request (one atomic counter bounds the requests in
// flight), pushes a pointer to it into the channel, and waits on the request's
// reply slot. The engine thread drains the channel in batches, applies each
// command, numbers every state-changing one, and completes the replies.
//
// Write the functions marked The reply slot (complete_reply,
// wait_reply), admission (submit, with the `block` and `reject` policies), and the
// engine loop (run, apply_batch). The rest is given. The frozen helpers you build
// on: engines/single_writer/channels/spsc_channel.h (the channel), engines/platform/futex.h (futex_wait,
// futex_wake_all, cpu_relax), engines/engine/completion_word.h (the slot's states).
// Tests: ctest --preset debug -L lab3 (and the tsan preset: data races fail).
#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "platform/cache_line.h"
#include "core/exchange.h"
#include "platform/cpu_relax.h"
#include "platform/futex.h"
#include "lab3.h"
#include "lab_support.h"
#include "single_writer/channels/spsc_channel.h"
#include "persistence/persistence.h"
#include "platform/thread_cpu.h"

namespace swlab::lab3 {

// ---- The reply slot (lab3.h has the contract) ---------------------------------

void complete_reply(Request& req) {
  // Publish the reply (kDone, with release ordering); if the caller had
  // announced that it sleeps (kSleeping), wake it.
  std::atomic<uint32_t>& w = req.done.word();
  if (w.exchange(Completion::kDone, std::memory_order_acq_rel) == Completion::kSleeping) futex_wake_all(w);
}

void wait_reply(Request& req) {
  // Spin a little (cpu_relax), then announce the sleep with a
  // compare-exchange kPending -> kSleeping and futex_wait until the word is kDone.
  std::atomic<uint32_t>& w = req.done.word();
  for (int i = 0; i < 256; ++i) {
    if (w.load(std::memory_order_acquire) == Completion::kDone) return;
    cpu_relax();
  }
  uint32_t expected = Completion::kPending;
  if (w.compare_exchange_strong(expected, Completion::kSleeping, std::memory_order_acq_rel) ||
      expected == Completion::kSleeping) {
    while (w.load(std::memory_order_acquire) != Completion::kDone) futex_wait(w, Completion::kSleeping);
  }
}

// The engine. (In a named namespace, so that the compiler does not warn about the
// starter's member functions that nothing calls yet.)
class Lab3Engine final : public Engine {
 public:
  explicit Lab3Engine(const EngineConfig& c)
      : capacity_(c.capacity == 0 ? 1 : c.capacity),
        batch_limit_(c.batch == 0 ? 1 : c.batch),
        reject_when_full_(c.overload == OverloadPolicy::kReject),
        channel_(capacity_),
        exchange_(c.markets),
        batch_(batch_limit_) {
    thread_ = std::thread([this] {
      run();
      final_cpu_s_ = thread_cpu_seconds(pthread_self());
      exited_.store(true, std::memory_order_release);
    });
    engine_thread_ = thread_.native_handle();
  }
  ~Lab3Engine() override { shutdown(); }

  std::string_view name() const override { return "lab3-single-writer"; }
  bool asynchronous() const override { return true; }
  uint32_t worker_threads() const override { return 1; }
  double worker_cpu_seconds() const override {
    if (exited_.load(std::memory_order_acquire)) return final_cpu_s_;
    return thread_cpu_seconds(engine_thread_);
  }

  // Given: a blocking call is a submit and a wait.
  Reply execute(const Command& cmd, ReplyBuffers* out) override {
    Request req;
    req.cmd = cmd;
    req.out = out;
    submit(req);
    wait_reply(req);
    return req.reply;
  }
  void wait(Request& req) override { wait_reply(req); }

  void submit(Request& req) override;

  // Given: inspections run on the engine thread as control requests, in order with
  // the commands (so for_each_market sees a state no command is half-way through).
  void for_each_market(const std::function<void(uint32_t, const Market&)>& f) override {
    run_control([&] {
      for (uint32_t i = 0; i < exchange_.markets(); ++i) f(i, exchange_.market(i));
    });
  }
  void for_market(uint32_t market, const std::function<void(const Market&)>& f) override {
    run_control([&] { f(exchange_.market(market)); });
  }

  // Given: sets the stop bit (a change of the word the engine sleeps on, so it
  // cannot miss it), wakes the engine, and joins it. run() must then answer every
  // request admitted before the bit, and return. submit() must refuse every
  // request after it with `shutdown`.
  void shutdown() override {
    std::lock_guard guard(shutdown_mutex_);
    if (!thread_.joinable()) return;
    in_flight_.fetch_or(kStopBit, std::memory_order_seq_cst);
    futex_wake_all(in_flight_);
    thread_.join();
  }

 private:
  static constexpr uint32_t kStopBit = 1u << 31;
  static constexpr uint32_t kSpinsBeforeSleep = 2000;

  void run();
  void apply_batch(std::size_t n);

  // Given: runs f on the engine thread, serialised with commands; once the engine
  // has shut down, directly (the join handed the state to the caller). The lock
  // covers the check and the admission only: a shutdown() that comes while f runs
  // goes ahead (f was admitted before the stop bit, so the engine must still serve
  // it, like any admitted request), instead of waiting for f and then for whatever
  // the engine has already taken from the channel meanwhile.
  void run_control(const std::function<void()>& f) {
    Request req;
    {
      std::lock_guard guard(shutdown_mutex_);
      if (!thread_.joinable()) {
        f();
        return;
      }
      req.control = &f;
      submit(req);
    }
    wait_reply(req);
  }

  const uint32_t capacity_;
  const uint32_t batch_limit_;
  const bool reject_when_full_;
  SpscChannel<Request*> channel_;

  // Written by every client (admission) and by the engine (once per batch): the
  // requests admitted and not yet answered, and the stop bit (kStopBit).
  alignas(kCacheLine) std::atomic<uint32_t> in_flight_{0};
  // Set by the engine thread just before it sleeps on in_flight_; read by every
  // client after it pushes. Its own line: the admission traffic must not evict it.
  alignas(kCacheLine) std::atomic<bool> sleeping_{false};

  // The engine thread's own state: no other thread touches it.
  alignas(kCacheLine) uint64_t seq_ = 0;
  Exchange exchange_;
  std::vector<Request*> batch_;

  std::thread thread_;
  pthread_t engine_thread_{};
  double final_cpu_s_ = 0;
  std::atomic<bool> exited_{false};
  std::mutex shutdown_mutex_;
};

void Lab3Engine::submit(Request& req) {
  req.done.reset();
  // Admission. Count the request in in_flight_ (fetch_add); if the stop
  // bit is set, undo and refuse it with `shutdown`; if the engine already holds
  // capacity_ requests, undo and either refuse it with `overloaded`
  // (reject_when_full_, except for deposits and control requests, which are never
  // shed: lab3.h) or wait until there is room and try again (`block`: yield, do not
  // hold a slot while waiting). A control request (req.control) takes a slot like
  // any other. Refusals: labs::reject_now(req, reason).
  // Then push &req into channel_, and wake the engine if it sleeps: the engine sets
  // sleeping_ and then reads in_flight_; you incremented in_flight_ and then read
  // sleeping_ (both seq_cst), so one of you sees the other: no lost wake-up.
  while (true) {
    const uint32_t old = in_flight_.fetch_add(1, std::memory_order_seq_cst);
    if (old & kStopBit) {
      in_flight_.fetch_sub(1, std::memory_order_relaxed);
      labs::reject_now(req, RejectReason::kShutdown);
      return;
    }
    if (old < capacity_) break;
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    if (reject_when_full_ && !req.control && req.cmd.type != CommandType::kDeposit) {
      labs::reject_now(req, RejectReason::kOverloaded);
      return;
    }
    while (true) {
      const uint32_t now = in_flight_.load(std::memory_order_relaxed);
      if ((now & kStopBit) || (now & ~kStopBit) < capacity_) break;
      std::this_thread::yield();
    }
  }
  channel_.push(&req);
  if (sleeping_.load(std::memory_order_seq_cst)) futex_wake_all(in_flight_);
}

void Lab3Engine::run() {
  // The engine loop. Drain up to batch_limit_ requests from channel_
  // (pop_bulk into batch_) and apply them (apply_batch). With nothing to do:
  //   - if in_flight_ is exactly kStopBit (stopping, nothing admitted left): return;
  //   - if in_flight_ is not 0, a request is admitted but not pushed yet: poll again;
  //   - otherwise spin a while (cpu_relax), then sleep: set sleeping_ (seq_cst),
  //     re-read in_flight_ and futex_wait on it only if it is still 0, clear
  //     sleeping_ when you wake.
  uint32_t idle = 0;
  while (true) {
    const std::size_t n = channel_.pop_bulk(batch_.data(), batch_limit_);
    if (n > 0) {
      idle = 0;
      apply_batch(n);
      continue;
    }
    const uint32_t w = in_flight_.load(std::memory_order_acquire);
    if (w == kStopBit) break;
    if (w != 0 || ++idle < kSpinsBeforeSleep) {
      cpu_relax();
      continue;
    }
    sleeping_.store(true, std::memory_order_seq_cst);
    if (in_flight_.load(std::memory_order_seq_cst) == 0) futex_wait(in_flight_, 0);
    sleeping_.store(false, std::memory_order_relaxed);
    idle = 0;
  }
}

void Lab3Engine::apply_batch(std::size_t n) {
  // For each of the n requests in batch_: a control request runs
  // (*req->control)() and gets an empty Reply; a command is applied
  // (exchange_.apply(req->cmd, req->out)), and if it changes state
  // (is_sequenced(type), engines/persistence/persistence.h) it gets the next sequence number
  // (++seq_) in reply.seq, while a query gets the current one (seq_). Only after the
  // whole batch is applied, complete every reply (complete_reply), then release the
  // batch's slots: subtract n from in_flight_ in one step.
  for (std::size_t i = 0; i < n; ++i) {
    Request* r = batch_[i];
    if (r->control) {
      (*r->control)();
      r->reply = Reply{};
      continue;
    }
    r->reply = exchange_.apply(r->cmd, r->out);
    r->reply.seq = is_sequenced(r->cmd.type) ? ++seq_ : seq_;
  }
  for (std::size_t i = 0; i < n; ++i) complete_reply(*batch_[i]);
  in_flight_.fetch_sub(static_cast<uint32_t>(n), std::memory_order_release);
}

std::unique_ptr<Engine> make_lab3_engine(const EngineConfig& config, std::string* error) {
  if (config.overload != OverloadPolicy::kBlock && config.overload != OverloadPolicy::kReject) {
    if (error) *error = "lab3-single-writer supports overload=block or overload=reject";
    return nullptr;
  }
  return std::make_unique<Lab3Engine>(config);
}

}  // namespace swlab::lab3
