// A request's round trip, model-checked (tests/model/model_check.h): the default
// configuration's two protocols together. The client resets its reply slot, writes
// its request and pushes it through its `spsc` ring (SpscChannel::Producer over a
// LapRing of 2 slots); the engine thread drains the ring, reads the request, writes
// the answer into it and completes it through the `futex` reply path (FutexReply,
// engine/completion.h); the client waits and reads the answer. Twice, through the same
// request, so the engine's completion of the first must be ordered before the
// client's reuse of the slot for the second. The request's fields are plain
// variables under the checker.
//
// Bounds: 2 threads (client, engine), 2 requests; every interleaving with up to 2
// preemptions. Mutants (tests/model/mutant_models.h): RelaxedPublishModel (every
// release relaxed) and RelaxedAcquireModel (every acquire relaxed): each a data race.
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
  MM::var<int> ask{0};
  MM::var<int> answer{0};
};

struct RoundTripCheck : rl::test_suite<RoundTripCheck, 2> {
  Req request;
  SpscChannel<Req*>::Producer<MM> ring{2};

  void thread(unsigned index) {
    if (index == 0) {  // the client: submit, wait, read; then again with the same request
      for (int i = 1; i <= kRequests; ++i) {
        request.done.reset();
        request.ask.write(i);
        ring.push(&request);
        FutexReply::wait(request);
        MODEL_ASSERT(request.answer.read() == 10 * i, "the client read its answer before the engine wrote it");
      }
    } else {  // the engine thread: drain, apply, complete
      for (int served = 0; served < kRequests;) {
        Req* got[2] = {nullptr, nullptr};
        const std::size_t n = ring.ring.pop_bulk(got, 2);
        if (n == 0) MM::yield();
        for (std::size_t k = 0; k < n && k < 2; ++k) {
          got[k]->answer.write(10 * got[k]->ask.read());
          FutexReply::complete(*got[k]);
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
