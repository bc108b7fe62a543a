// Lab 3: the single-writer engine (docs/labs/lab3.md).
//
// One engine thread owns the Exchange; nothing else touches it and no lock guards
// it. A caller admits its request (admission.h: one atomic word bounds the requests
// in flight), pushes a pointer to it into its own ring (ring.h), and waits on the
// request's reply slot (reply_slot.h). The engine thread (engine_loop.h) drains the
// rings in batches, applies each command, numbers every state-changing one, and
// completes the replies.
//
// Those four headers are written against a memory model (engines/platform/
// memory_model.h): here they run with StdMemoryModel, and the model checker
// (given/model_lab3.cpp) runs them with Relacy's. In this file: submit() and apply(),
// marked TODO(lab3). The rest is given; the engine itself is yours to write: a
// submission that uses the project's SingleWriterEngine scores 0 (lab3.h).
// Tests: ctest --preset debug -L lab3; the model checker: build/debug/labs/lab3_model_starter.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "admission.h"
#include "core/exchange.h"
#include "engine_loop.h"
#include "lab3.h"
#include "lab_support.h"
#include "persistence/persistence.h"
#include "platform/memory_model.h"
#include "platform/thread_cpu.h"
#include "reply_slot.h"
#include "ring.h"
#include "single_writer/channels/producer_slots.h"

namespace swlab::lab3 {

using MM = StdMemoryModel;

class Lab3Engine final : public Engine {
 public:
  explicit Lab3Engine(const EngineConfig& c)
      : capacity_(c.capacity == 0 ? 1 : c.capacity),
        batch_limit_(c.batch == 0 ? 1 : c.batch),
        reject_when_full_(c.overload == OverloadPolicy::kReject),
        admission_(capacity_),
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

  // Given: sets the stop bit and wakes the engine (Admission::stop), and joins it.
  // run() must then answer every request admitted before the bit, and return.
  // submit() must refuse every request after it with `shutdown`.
  void shutdown() override {
    std::lock_guard guard(shutdown_mutex_);
    if (!thread_.joinable()) return;
    admission_.stop();
    thread_.join();
  }

 private:
  // A client thread's ring, found by ProducerSlots (one per client thread, created
  // on its first submit). Each holds capacity_ pointers: admission bounds the
  // requests in all rings together by capacity_, so a push always finds room.
  struct ClientRing {
    explicit ClientRing(std::size_t capacity) : ring(capacity) {}
    Ring<Request*, MM> ring;
  };

  // The engine loop's view of the rings: every client's, in turn.
  struct Source {
    ProducerSlots<ClientRing>& rings;
    std::size_t pop_bulk(Request** out, std::size_t max) {
      return rings.drain_round_robin(out, max,
                                     [](ClientRing& r, Request** o, std::size_t m) { return r.ring.pop_bulk(o, m); });
    }
  };

  // What the engine loop does with each request.
  struct Handler {
    Lab3Engine& engine;
    void apply(Request* r) { engine.apply(*r); }
    void complete(Request* r) { complete_reply<MM>(r->done.word()); }
  };

  // Given: the engine thread.
  void run() {
    Source source{rings_};
    Handler handler{*this};
    engine_loop<MM>(admission_, source, handler, batch_.data(), batch_limit_);
  }

  void apply(Request& r);

  // Given: runs f on the engine thread, serialised with commands; once the engine
  // has shut down, directly (the join handed the state to the caller). The lock
  // covers the check and the admission only: a shutdown() that comes while f runs
  // goes ahead (f was admitted before the stop bit, so the engine must still serve
  // it, like any admitted request), instead of waiting for f and then for whatever
  // the engine has already taken from the rings meanwhile.
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
  Admission<MM> admission_;
  ProducerSlots<ClientRing> rings_;

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
  // TODO(lab3): admission (admission_.admit: deposits and control requests are never
  // shed, lab3.h), then push &req into this client's ring
  // (rings_.local([this] { return std::make_unique<ClientRing>(capacity_); }).ring),
  // then admission_.notify_pushed(). Refusals: labs::reject_now(req, reason).
  // The starter refuses everything at once (and honours the stop bit, so that the
  // tests that wait for `shutdown` end). Replace this line.
  labs::reject_now(req, admission_.admit(true) == Admit::kShutdown ? RejectReason::kShutdown
                                                                     : RejectReason::kNotImplemented);
}

void Lab3Engine::apply(Request& r) {
  // TODO(lab3): a control request runs (*r.control)() and gets an empty Reply; a
  // command is applied (exchange_.apply(r.cmd, r.out)), and if it changes state
  // (is_sequenced(type), engines/persistence/persistence.h) it gets the next sequence
  // number (++seq_) in reply.seq, while a query gets the current one (seq_).
  (void)r;
}

std::unique_ptr<Engine> make_lab3_engine(const EngineConfig& config, std::string* error) {
  if (config.overload != OverloadPolicy::kBlock && config.overload != OverloadPolicy::kReject) {
    if (error) *error = "lab3-single-writer supports overload=block or overload=reject";
    return nullptr;
  }
  return std::make_unique<Lab3Engine>(config);
}

}  // namespace swlab::lab3
