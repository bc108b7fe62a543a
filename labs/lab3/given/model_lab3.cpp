// Lab 3's model checker (frozen): your reply slot, ring, admission and engine loop,
// compiled against Relacy's memory model (tests/model/relacy_memory_model.h) and run
// by a few threads a few steps: over every interleaving with up to 2 or 3
// preemptions (and every store each load may read), or, for the three-thread check,
// 20000 seeded random executions. labs/grade.sh runs it first; a failure
// prints the interleaving that broke it, in your lines. Run it yourself:
//   build/debug/labs/lab3_model_starter [--check 'lab3.ring']
#include "model/model_check.h"

#include "admission.h"
#include "engine_loop.h"
#include "reply_slot.h"
#include "ring.h"

namespace swlab::lab3 {
namespace {

using MM = model::RelacyMemoryModel;
using model::Atomic;
using model::Var;

// ---- the reply slot: the engine completes, the caller waits -----------------------

struct ReplySlotCheck : rl::test_suite<ReplySlotCheck, 2> {
  Atomic<uint32_t> word{kPending};
  Var<int> reply{0};

  void thread(unsigned index) {
    if (index == 0) {  // the engine
      reply.write(42);
      complete_reply<MM>(word);
    } else {  // the caller
      wait_reply<MM>(word);
      MODEL_ASSERT(reply.read() == 42, "the caller read the reply before it was written");
    }
  }
};

const model::Registrar reply_slot{{"lab3.reply_slot",
                                   "complete_reply publishes the reply and wakes a sleeping caller; "
                                   "wait_reply returns only after it",
                                   {"engine", "caller"}, model::run<ReplySlotCheck>, 3}};

// ---- the ring: one producer, one consumer, 3 items through 2 slots ----------------

struct RingCheck : rl::test_suite<RingCheck, 2> {
  Ring<int, MM> ring{2};

  void thread(unsigned index) {
    if (index == 0) {  // the producer
      for (int item = 1; item <= 3; ++item) {
        while (!ring.try_push(item)) MM::yield();
      }
    } else {  // the consumer
      int expect = 1;
      while (expect <= 3) {
        int got[2] = {0, 0};
        const std::size_t n = ring.pop_bulk(got, 2);
        if (n == 0) MM::yield();
        MODEL_ASSERT(n <= 2, "pop_bulk returned more items than it was asked for");
        for (std::size_t i = 0; i < n && i < 2; ++i) {
          MODEL_ASSERT(got[i] == expect, "the consumer took an item out of order, twice, or before it was written");
          ++expect;
        }
      }
    }
  }
};

const model::Registrar ring{{"lab3.ring",
                             "every item pushed is popped once, in order, and a slot is reused only after it is read",
                             {"producer", "consumer"}, model::run<RingCheck>, 2}};

// ---- admission, the rings, the engine loop and the reply slots together -----------

// A request as the model sees it: its reply slot, what the client asks, what the
// engine answers (plain variables: handed over by the ring and the slot).
struct Req {
  Atomic<uint32_t> word{kPending};
  Var<int> ask{0};
  Var<int> answer{0};
};

// What every check below shares: an engine thread running your engine_loop over one
// ring per client, and the harness's own bookkeeping (its atomics are seq_cst and
// not yours: they watch, they do not synchronise your code).
template <int kClients>
struct ModelEngine {
  explicit ModelEngine(uint32_t capacity) : admission(capacity), capacity(capacity) {
    for (auto& r : rings) r = nullptr;
  }
  Admission<MM> admission;
  const uint32_t capacity;
  Ring<Req*, MM>* rings[kClients];
  Atomic<int> admitted{0};  // requests admitted (the client counts after admit())
  Atomic<int> answered{0};  // replies completed (the engine counts before complete_reply)

  struct Source {
    ModelEngine& e;
    int next = 0;
    std::size_t pop_bulk(Req** out, std::size_t max) {
      std::size_t got = 0;
      for (int k = 0; k < kClients && got < max; ++k) got += e.rings[(next + k) % kClients]->pop_bulk(out + got, max - got);
      next = (next + 1) % kClients;
      return got;
    }
  };
  struct Handler {
    ModelEngine& e;
    void apply(Req* r) { r->answer.write(r->ask.read() * 10); }
    void complete(Req* r) {
      e.answered.fetch_add(1);
      complete_reply<MM>(r->word);
    }
  };

  void serve() {
    Source source{*this};
    Handler handler{*this};
    Req* batch[2];
    engine_loop<MM>(admission, source, handler, batch, 2);
    MODEL_ASSERT(answered.load() == admitted.load(),
                 "engine_loop returned while an admitted request was still unanswered");
  }

  // One request from client `c`: admit, push, notify, wait, read the answer.
  Admit request(int c, Req& r, int ask, bool may_shed) {
    const Admit a = admission.admit(may_shed);
    if (a != Admit::kAdmitted) return a;
    const int live = admitted.fetch_add(1) + 1 - answered.load();
    MODEL_ASSERT(live <= static_cast<int>(capacity),
                 "more requests admitted and unanswered than the capacity: a slot was released before its reply");
    r.ask.write(ask);
    while (!rings[c]->try_push(&r)) MM::yield();
    admission.notify_pushed();
    wait_reply<MM>(r.word);
    MODEL_ASSERT(r.answer.read() == ask * 10, "the client read its answer before the engine wrote it");
    return a;
  }
};

// One client, one request, then shutdown: the engine is asleep or about to sleep
// when the request comes (its spin phase is cut to two rounds), so a lost wake-up
// shows as a deadlock.
struct WakeUpCheck : rl::test_suite<WakeUpCheck, 2> {
  ModelEngine<1> engine{4};
  Ring<Req*, MM> ring{2};
  Req req;

  void before() { engine.rings[0] = &ring; }
  void thread(unsigned index) {
    if (index == 0) {
      engine.serve();
    } else {
      MODEL_ASSERT(engine.request(0, req, 7, false) == Admit::kAdmitted, "a request before shutdown was refused");
      engine.admission.stop();
    }
  }
};

const model::Registrar wake_up{{"lab3.wake_up",
                                "a request that arrives while the engine falls asleep is served; shutdown stops it",
                                {"engine", "client"}, model::run<WakeUpCheck>, 2}};

// Two clients against a capacity of 1: one blocks for room, the other may be shed;
// then shutdown. Every admitted request is answered, never more than the capacity
// in flight, and nothing is admitted after the stop bit.
struct AdmissionCheck : rl::test_suite<AdmissionCheck, 3> {
  ModelEngine<2> engine{1};
  Ring<Req*, MM> ring_a{1};
  Ring<Req*, MM> ring_b{1};
  Req a;
  Req b;
  Req late;

  void before() {
    engine.rings[0] = &ring_a;
    engine.rings[1] = &ring_b;
  }
  void thread(unsigned index) {
    if (index == 0) {
      engine.serve();
    } else if (index == 1) {  // block: waits for room
      MODEL_ASSERT(engine.request(0, a, 1, false) != Admit::kOverloaded, "a request of a blocking client was shed");
    } else {  // reject: admitted or shed, then shutdown, then one more
      const Admit got = engine.request(1, b, 2, true);
      MODEL_ASSERT(got != Admit::kShutdown, "a request before shutdown was refused `shutdown`");
      engine.admission.stop();
      MODEL_ASSERT(engine.request(1, late, 3, true) == Admit::kShutdown, "a request after stop() was admitted");
    }
  }
};

const model::Registrar admission{{"lab3.admission",
                                  "capacity 1, a blocking and a shedding client, then shutdown: every admitted "
                                  "request answered, at most the capacity in flight, none admitted after the stop",
                                  {"engine", "client-block", "client-reject"}, model::run<AdmissionCheck>, 0, 20000}};

}  // namespace
}  // namespace swlab::lab3
