// The `disruptor` channel's claim and gating protocol, model-checked
// (tests/model/model_check.h): DisruptorChannel::Ring
// (engines/single_writer/channels/disruptor_channel.h) of 2 slots, 2 producers
// pushing 2 items each (the claim fetch-add, the gating cache, the lap publish), and
// the engine thread draining it. 4 items through 2 slots: every producer's second
// item waits for a slot to be freed. The items are plain variables under the checker.
//
// Bounds: 3 threads (2 producers, 1 consumer), 2 items each; 20,000 seeded random
// executions (three threads with spin loops: a context-bound search takes minutes).
// Mutants (tests/model/mutant_models.h): RelaxedPublishModel (the lap, the gating
// cache and the consumed position stored relaxed) and RelaxedAcquireModel (read
// relaxed): each a data race on a slot.
#include "model/model_check.h"
#include "model/mutant_models.h"

#include "single_writer/channels/disruptor_channel.h"

namespace swlab {
namespace {

using MM = model::HarnessModel;
constexpr int kProducers = 2;
constexpr int kItemsEach = 2;

struct DisruptorChannelCheck : rl::test_suite<DisruptorChannelCheck, kProducers + 1> {
  DisruptorChannel<int>::Ring<MM> ring{2};

  void thread(unsigned index) {
    if (index < kProducers) {  // producer p pushes 10p+1, 10p+2, ...
      for (int i = 1; i <= kItemsEach; ++i) ring.push(10 * static_cast<int>(index + 1) + i);
      return;
    }
    // The engine thread: takes every item once; each producer's in its order.
    int last[kProducers] = {0, 0};
    int taken = 0;
    int sum = 0;
    while (taken < kProducers * kItemsEach) {
      int got[2] = {0, 0};
      const std::size_t n = ring.pop_bulk(got, 2);
      if (n == 0) MM::yield();
      MODEL_ASSERT(n <= 2, "pop_bulk returned more items than it was asked for");
      for (std::size_t i = 0; i < n && i < 2; ++i) {
        const int p = got[i] / 10 - 1;
        const int k = got[i] % 10;
        MODEL_ASSERT(p >= 0 && p < kProducers && k >= 1 && k <= kItemsEach,
                     "the consumer read an item that no producer pushed (a slot read before it was written)");
        if (p < 0 || p >= kProducers) return;
        MODEL_ASSERT(k == last[p] + 1, "a producer's items were lost, duplicated or reordered");
        last[p] = k;
        sum += got[i];
        ++taken;
      }
    }
    int expect = 0;
    for (int p = 0; p < kProducers; ++p)
      for (int i = 1; i <= kItemsEach; ++i) expect += 10 * (p + 1) + i;
    MODEL_ASSERT(sum == expect, "the sum of the items taken is not the sum pushed");
  }
};

const model::Registrar check{{"engine.disruptor_channel",
                              "2 producers x 2 items through 2 slots: each item taken once, each producer's in order, "
                              "the exact sum",
                              {"producer-0", "producer-1", "engine"}, model::run<DisruptorChannelCheck>, 0, 20000}};

}  // namespace
}  // namespace swlab
