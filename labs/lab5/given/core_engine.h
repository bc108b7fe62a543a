// Lab 5: the engine shell around your JournaledCore (given: frozen).
//
// A single-writer engine like lab 3's (one engine thread, a bounded channel, the
// `block` policy, batches, reply slots), except that it does not touch the state
// itself: the engine thread hands every command to the core and leaves numbering,
// logging and recovery to it. Per batch it calls:
//
//   core.apply(cmd, out)   for each command, in the order it dequeued them
//   core.end_batch()       once, after the batch and BEFORE any of its replies is
//                          released: with durability `batch`, this is the group
//                          commit (one fdatasync for everything in the batch)
//
// If end_batch() fails, nothing the batch changed is acknowledged: every state-
// changing command of the batch is answered `journal_failed` (keeping its seq), and
// the engine refuses every later command with `journal_failed`; failure() then
// returns core.error(). That is the promise docs/replay.md makes: an acknowledged
// command is in the journal.
//
// The Core concept (core.h):
//   bool open(uint32_t markets, const PersistenceConfig& cfg, std::string* error);
//   Reply apply(const Command& cmd, ReplyBuffers* out);
//   bool end_batch();
//   const Exchange& exchange() const;
//   std::string error() const;
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "platform/cache_line.h"
#include "engine/engine.h"
#include "engine/engine_registry.h"
#include "platform/cpu_relax.h"
#include "platform/futex.h"
#include "lab_support.h"
#include "single_writer/channels/spsc_channel.h"
#include "persistence/persistence.h"
#include "platform/thread_cpu.h"

namespace swlab::lab5 {

template <class Core>
class CoreEngine final : public Engine {
 public:
  CoreEngine(std::string name, const EngineConfig& c)
      : name_(std::move(name)),
        capacity_(c.capacity == 0 ? 1 : c.capacity),
        batch_limit_(c.batch == 0 ? 1 : c.batch),
        channel_(capacity_),
        batch_(batch_limit_) {
    if (!core_.open(c.markets, c.persistence(), &init_error_)) {
      if (init_error_.empty()) init_error_ = "the core could not be opened";
      return;  // never started; the factory reports failure()
    }
    thread_ = std::thread([this] { run(); });
  }
  ~CoreEngine() override { shutdown(); }

  std::string_view name() const override { return name_; }
  bool asynchronous() const override { return true; }
  uint32_t worker_threads() const override { return 1; }

  Reply execute(const Command& cmd, ReplyBuffers* out) override {
    Request req;
    req.cmd = cmd;
    req.out = out;
    submit(req);
    req.done.wait();
    return req.reply;
  }

  void submit(Request& req) override {
    req.done.reset();
    while (true) {
      const uint32_t old = in_flight_.fetch_add(1, std::memory_order_seq_cst);
      if (old & kStopBit) {
        in_flight_.fetch_sub(1, std::memory_order_relaxed);
        labs::reject_now(req, RejectReason::kShutdown);
        return;
      }
      if (old < capacity_) break;
      in_flight_.fetch_sub(1, std::memory_order_relaxed);
      while (true) {  // `block`: wait for room without holding a slot
        const uint32_t now = in_flight_.load(std::memory_order_relaxed);
        if ((now & kStopBit) || (now & ~kStopBit) < capacity_) break;
        std::this_thread::yield();
      }
    }
    if (!req.control && broken_.load(std::memory_order_relaxed)) {
      in_flight_.fetch_sub(1, std::memory_order_relaxed);
      labs::reject_now(req, RejectReason::kJournalFailed);
      return;
    }
    channel_.push(&req);
    if (sleeping_.load(std::memory_order_seq_cst)) futex_wake_all(in_flight_);
  }

  void for_each_market(const std::function<void(uint32_t, const Market&)>& f) override {
    run_control([&] {
      const Exchange& ex = core_.exchange();
      for (uint32_t i = 0; i < ex.markets(); ++i) f(i, ex.market(i));
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

  void run_control(const std::function<void()>& f) {
    std::lock_guard guard(shutdown_mutex_);
    if (!thread_.joinable()) {
      if (init_error_.empty()) f();  // after shutdown: the state is the caller's
      return;
    }
    Request req;
    req.control = &f;
    submit(req);
    req.done.wait();
  }

  void run() {
    uint32_t idle = 0;
    while (true) {
      const std::size_t n = channel_.pop_bulk(batch_.data(), batch_limit_);
      if (n > 0) {
        idle = 0;
        apply_batch(n);
        continue;
      }
      const uint32_t w = in_flight_.load(std::memory_order_acquire);
      if (w == kStopBit) return;
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

  void apply_batch(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      Request* r = batch_[i];
      if (r->control) {
        (*r->control)();
        r->reply = Reply{};
      } else {
        r->reply = core_.apply(r->cmd, r->out);
        r->reply.shard = 0;
      }
    }
    if (!broken_.load(std::memory_order_relaxed) && !core_.end_batch()) {
      {
        std::lock_guard guard(failure_mutex_);
        failure_ = core_.error().empty() ? "the journal failed" : core_.error();
      }
      broken_.store(true, std::memory_order_relaxed);
    }
    if (broken_.load(std::memory_order_relaxed)) {
      // Nothing this batch changed may be acknowledged.
      for (std::size_t i = 0; i < n; ++i) {
        Request* r = batch_[i];
        if (r->control || !is_sequenced(r->cmd.type)) continue;
        const uint64_t seq = r->reply.seq;
        r->reply = labs::rejected_reply(RejectReason::kJournalFailed);
        r->reply.seq = seq;
      }
    }
    for (std::size_t i = 0; i < n; ++i) batch_[i]->done.complete();
    in_flight_.fetch_sub(static_cast<uint32_t>(n), std::memory_order_release);
  }

  const std::string name_;
  const uint32_t capacity_;
  const uint32_t batch_limit_;
  SpscChannel<Request*> channel_;
  alignas(kCacheLine) std::atomic<uint32_t> in_flight_{0};
  alignas(kCacheLine) std::atomic<bool> sleeping_{false};
  std::atomic<bool> broken_{false};
  alignas(kCacheLine) Core core_;  // the engine thread's, after open()
  std::vector<Request*> batch_;
  std::thread thread_;
  std::mutex shutdown_mutex_;
  std::string init_error_;  // set once in the constructor
  mutable std::mutex failure_mutex_;
  std::string failure_;
};

}  // namespace swlab::lab5
