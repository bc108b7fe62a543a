// Reply path `futex` (engines/single_writer/reply/reply_futex.h, whose protocol is
// engine/completion.h's), model-checked (tests/model/model_reply.h): the caller spins
// (2 polls under the checker), announces its sleep with a compare-exchange and sleeps
// on the futex; the engine's exchange wakes it only if it announced one.
//
// Bounds: 2 threads (engine, caller), one reply; every interleaving with up to 3
// preemptions; the spin phase cut to 2 polls (RelacyMemoryModel::spin_until).
// Mutants (tests/model/mutant_models.h): RelaxedPublishModel (the completion
// relaxed) and RelaxedAcquireModel (the caller's loads relaxed): a data race on the
// reply; NoRecheckWaitModel (the sleep does not re-check the word): a lost wake-up,
// a deadlock.
#include "model/model_reply.h"

#include "single_writer/reply/reply_futex.h"

namespace swlab::model_reply {
namespace {

const model::Registrar check{{"engine.reply_futex",
                              "the caller returns only once the reply is written, and is always woken",
                              {"engine", "caller"}, model::run<ReplyCheck<FutexReply>>, 3}};

}  // namespace
}  // namespace swlab::model_reply
