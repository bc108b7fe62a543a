// A request's round trip, model-checked (tests/model/model_check.h): the default
// configuration's two protocols together. The client resets its reply slot and pushes
// its command, by value with the request's address as the engine's hand-off carries
// it (single_writer/handoff.h), through its `spsc` ring (SpscChannel::Producer over a
// LapRing of 2 slots); the engine thread drains the ring, computes the answer from
// the command it took from the slot, writes it into the request and completes it
// through the `futex` reply path (FutexReply, engine/completion.h); the client waits
// and reads the answer. Twice, through the same
// request, so the engine's completion of the first must be ordered before the
// client's reuse of the slot for the second. The request's fields are plain
// variables under the checker.
//
// Bounds: 2 threads (client, engine), 2 requests; every interleaving with up to 2
// preemptions. Mutants (tests/model/mutant_models.h): RelaxedPublishModel (every
// release relaxed) and RelaxedAcquireModel (every acquire relaxed): each a data race.
#include <ostream>

#include "model/model_check.h"
#include "model/mutant_models.h"

#include "engine/completion.h"
#include "single_writer/channels/spsc_channel.h"
#include "single_writer/reply/reply_futex.h"

namespace swlab {
namespace {

using MM = model::HarnessModel;
constexpr int kRequests = 2;

struct Req {
  BasicCompletion<MM> done;
  MM::var<int> answer{0};
};

// The hand-off: where the answer goes, and the command (the ring's item is a variable
// the checker watches, so the command's hand-off through the slot is checked too).
struct Sent {
  Req* req = nullptr;
  int ask = 0;
  Sent() = default;
  Sent(Req* r, int a) : req(r), ask(a) {}
  // What Relacy's var<T> asks of a value: it starts one at `0` (value_ = 0) and
  // prints those it traces.
  explicit(false) Sent(int zero) : ask(zero) {}
  friend std::ostream& operator<<(std::ostream& o, const Sent& s) { return o << "ask " << s.ask; }
};

struct RoundTripCheck : rl::test_suite<RoundTripCheck, 2> {
  Req request;
  SpscChannel<Sent>::Producer<MM> ring{2};

  void thread(unsigned index) {
    if (index == 0) {  // the client: submit, wait, read; then again with the same request
      for (int i = 1; i <= kRequests; ++i) {
        request.done.reset();
        ring.push(Sent{&request, i});
        FutexReply::wait(request);
        MODEL_ASSERT(request.answer.read() == 10 * i, "the client read its answer before the engine wrote it");
      }
    } else {  // the engine thread: drain, apply, complete
      for (int served = 0; served < kRequests;) {
        Sent got[2];
        const std::size_t n = ring.ring.pop_bulk(got, 2);
        if (n == 0) MM::yield();
        for (std::size_t k = 0; k < n && k < 2; ++k) {
          got[k].req->answer.write(10 * got[k].ask);
          FutexReply::complete(*got[k].req);
          ++served;
        }
      }
    }
  }
};

const model::Registrar check{{"engine.round_trip",
                              "spsc ring + futex reply: each request answered once, the answer read after it is "
                              "written, the caller always woken",
                              {"client", "engine"}, model::run<RoundTripCheck>, 2}};

}  // namespace
}  // namespace swlab
