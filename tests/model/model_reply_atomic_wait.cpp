// Reply path `atomic-wait` (engines/single_writer/reply/reply_atomic_wait.h),
// model-checked (tests/model/model_reply.h): the caller spins (2 polls under the
// checker), then atomic::wait (the checker's futex, which libstdc++ uses for a 32-bit
// word); the engine stores and notifies one.
//
// Bounds: 2 threads (engine, caller), one reply; every interleaving with up to 3
// preemptions; the spin phase cut to 2 polls (RelacyMemoryModel::spin_until).
// Mutants (tests/model/mutant_models.h): RelaxedPublishModel (the completing store
// relaxed): a data race on the reply; NoRecheckWaitModel (the sleep does not re-check
// the word): a lost wake-up, a deadlock.
#include "model/model_reply.h"

#include "single_writer/reply/reply_atomic_wait.h"

namespace swlab::model_reply {
namespace {

const model::Registrar check{{"engine.reply_atomic_wait",
                              "the caller returns only once the reply is written, and is always woken",
                              {"engine", "caller"}, model::run<ReplyCheck<AtomicWaitReply>>, 3}};

}  // namespace
}  // namespace swlab::model_reply
