// The `spsc` channel's ring, model-checked (tests/model/model_check.h): one client's
// Producer (engines/single_writer/channels/spsc_channel.h: its private tail and its
// cached copy of the consumer's position) over a LapRing of 2 slots, and the engine
// thread draining it with pop_bulk. 3 items through 2 slots, so the producer wraps
// and must wait for the consumer's release of slot 0 before it reuses it. The item
// is a plain variable under the checker: a slot read before its lap is published,
// or rewritten before the consumer has read it, is a data race.
//
// Bounds: 2 threads, 3 items, every interleaving with up to 3 preemptions.
// Mutants (model.spsc_channel.mutant.*, tests/model/mutant_models.h):
// RelaxedPublishModel, the lap published and the consumed position freed with relaxed
// stores; RelaxedAcquireModel, the lap and the consumed position read relaxed: each a
// data race on the slot.
#include "model/model_check.h"
#include "model/mutant_models.h"

#include "single_writer/channels/spsc_channel.h"

namespace swlab {
namespace {

using MM = model::HarnessModel;
constexpr int kItems = 3;

struct SpscChannelCheck : rl::test_suite<SpscChannelCheck, 2> {
  SpscChannel<int>::Producer<MM> producer{2};

  void thread(unsigned index) {
    if (index == 0) {  // the client
      for (int item = 1; item <= kItems; ++item) producer.push(item);
    } else {  // the engine thread
      int expect = 1;
      while (expect <= kItems) {
        int got[2] = {0, 0};
        const std::size_t n = producer.ring.pop_bulk(got, 2);
        if (n == 0) MM::yield();
        MODEL_ASSERT(n <= 2, "pop_bulk returned more items than it was asked for");
        for (std::size_t i = 0; i < n && i < 2; ++i) {
          MODEL_ASSERT(got[i] == expect, "an item was lost, duplicated, reordered or read before it was written");
          ++expect;
        }
      }
    }
  }
};

const model::Registrar check{{"engine.spsc_channel",
                              "every item pushed is popped once, in order; a slot is reused only after it is read",
                              {"client", "engine"}, model::run<SpscChannelCheck>, 3}};

}  // namespace
}  // namespace swlab
