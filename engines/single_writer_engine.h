// `single-writer`: one engine thread owns the Exchange; no lock guards it anywhere.
// Callers send requests over a bounded channel and wait on the request's own
// completion slot. Mutation order is the order the engine thread dequeues in,
// made explicit by a sequence number on every reply.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cache_line.h"
#include "engine.h"
#include "exchange.h"
#include "futex.h"
#include "thread_cpu.h"

namespace swlab {

// The words clients and the engine thread both touch, each on its own line.
struct EngineSignals {
  // Admitted requests not yet completed; written by every client on admission and
  // by the engine once per batch.
  alignas(kCacheLine) std::atomic<uint32_t> in_flight{0};
  // Read by every client on every submit, written by the engine only when it goes
  // to sleep: apart from in_flight so the admission traffic does not evict it.
  alignas(kCacheLine) std::atomic<bool> sleeping{false};
};
static_assert(offsetof(EngineSignals, sleeping) - offsetof(EngineSignals, in_flight) >= kCacheLine,
              "in_flight and sleeping must not share a cache line");
static_assert(sizeof(EngineSignals) % kCacheLine == 0,
              "EngineSignals must end on a line boundary so the engine's own state does not share it");

template <template <class> class Channel>
class SingleWriterEngine final : public Engine {
 public:
  SingleWriterEngine(std::string name, uint32_t markets, uint32_t capacity, uint32_t batch)
      : name_(std::move(name)),
        capacity_(capacity == 0 ? 1 : capacity),
        batch_limit_(batch == 0 ? 1 : batch),
        channel_(capacity_),
        exchange_(markets),
        batch_(batch_limit_) {
    thread_ = std::thread([this] { run(); });
    engine_thread_ = thread_.native_handle();
  }

  ~SingleWriterEngine() override { shutdown(); }

  std::string_view name() const override { return name_; }
  bool asynchronous() const override { return true; }

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
    if (!admit()) {
      req.reply = Reply{};
      req.reply.status = Status::kRejected;
      req.reply.reason = RejectReason::kShutdown;
      req.done.complete();
      return;
    }
    channel_.push(&req);
    // Dekker pairing with the engine's idle path: our admission RMW on signals_.in_flight
    // comes before this load in the seq_cst order, the engine's store to signals_.sleeping
    // before its load of signals_.in_flight. So either the engine sees our request, or we
    // see it asleep and wake it; a wake-up cannot be lost.
    if (signals_.sleeping.load(std::memory_order_seq_cst)) futex_wake_all(signals_.in_flight);
  }

  uint32_t worker_threads() const override { return 1; }
  // Not concurrently with shutdown(): the join ends the thread handle's life.
  double worker_cpu_seconds() const override {
    if (exited_.load(std::memory_order_acquire)) return final_cpu_s_;
    return thread_cpu_seconds(engine_thread_);
  }

  void for_each_market(const std::function<void(uint32_t, const Market&)>& f) override {
    std::function<void()> task = [&] {
      for (uint32_t i = 0; i < exchange_.markets(); ++i) f(i, exchange_.market(i));
    };
    // Held throughout, so shutdown cannot begin between the check and the submit.
    std::lock_guard guard(shutdown_mutex_);
    if (!thread_.joinable()) {  // shut down: the join made the state ours
      task();
      return;
    }
    Request req;
    req.control = &task;
    submit(req);
    req.done.wait();
  }

  void shutdown() override {
    std::lock_guard guard(shutdown_mutex_);
    if (!thread_.joinable()) return;
    // Setting the stop bit changes the futex word, so an engine asleep on
    // "signals_.in_flight == 0" cannot miss it.
    signals_.in_flight.fetch_or(kStopBit, std::memory_order_seq_cst);
    futex_wake_all(signals_.in_flight);
    thread_.join();
  }

 private:
  // signals_.in_flight counts admitted requests not yet completed; its top bit says the
  // engine is stopping. One word for both, so that "admitted before the stop" and
  // "stopping with nothing in flight" are decided by one atomic order.
  static constexpr uint32_t kStopBit = 1u << 31;

  // Idle policy of the engine thread: poll with PAUSE, then yield, then sleep.
  // Polling keeps wake-up latency at a cache-line transfer while requests keep
  // coming; yielding hands the core to a client when threads outnumber cores;
  // sleeping stops the engine burning a core when no one is sending.
  static constexpr uint32_t kPollSpins = 2000;
  static constexpr uint32_t kYields = 200;

  bool admit() {
    while (true) {
      uint32_t old = signals_.in_flight.fetch_add(1, std::memory_order_seq_cst);
      if (old & kStopBit) {
        signals_.in_flight.fetch_sub(1, std::memory_order_relaxed);
        return false;
      }
      if (old < capacity_) return true;
      // Full: back out and wait for the engine to drain (the `block` policy).
      signals_.in_flight.fetch_sub(1, std::memory_order_relaxed);
      while (true) {
        uint32_t now = signals_.in_flight.load(std::memory_order_relaxed);
        if ((now & kStopBit) || (now & ~kStopBit) < capacity_) break;
        std::this_thread::yield();
      }
    }
  }

  void run() {
    uint32_t idle = 0;
    while (true) {
      std::size_t n = channel_.pop_bulk(batch_.data(), batch_limit_);
      if (n > 0) {
        idle = 0;
        for (std::size_t i = 0; i < n; ++i) {
          Request* r = batch_[i];
          if (r->control) {
            (*r->control)();
            r->reply = Reply{};
          } else {
            r->reply = exchange_.apply(r->cmd, r->out);
          }
          r->reply.seq = ++seq_;
        }
        // Replies are published after the whole batch: one burst of completions
        // instead of interleaving stores to the clients' lines with the work.
        for (std::size_t i = 0; i < n; ++i) batch_[i]->done.complete();
        signals_.in_flight.fetch_sub(static_cast<uint32_t>(n), std::memory_order_release);
        continue;
      }
      uint32_t w = signals_.in_flight.load(std::memory_order_acquire);
      if (w == kStopBit) {  // stopping, and every admitted request answered
        final_cpu_s_ = thread_cpu_seconds(pthread_self());
        exited_.store(true, std::memory_order_release);
        return;
      }
      if (w != 0 || idle < kPollSpins) {
        // Either a request is being enqueued right now or one may come soon.
        ++idle;
        if (idle < kPollSpins) {
          cpu_relax();
        } else {
          std::this_thread::yield();
        }
        continue;
      }
      if (idle < kPollSpins + kYields) {
        ++idle;
        std::this_thread::yield();
        continue;
      }
      signals_.sleeping.store(true, std::memory_order_seq_cst);
      if (signals_.in_flight.load(std::memory_order_seq_cst) == 0) futex_wait(signals_.in_flight, 0);
      signals_.sleeping.store(false, std::memory_order_relaxed);
      idle = 0;
    }
  }

  const std::string name_;
  const uint32_t capacity_;
  const uint32_t batch_limit_;
  Channel<Request*> channel_;

  EngineSignals signals_;
  // The engine thread's private state.
  uint64_t seq_ = 0;
  Exchange exchange_;
  std::vector<Request*> batch_;
  std::thread thread_;
  pthread_t engine_thread_{};
  double final_cpu_s_ = 0;  // the engine thread's CPU time when it exited
  std::atomic<bool> exited_{false};
  std::mutex shutdown_mutex_;
};

}  // namespace swlab
