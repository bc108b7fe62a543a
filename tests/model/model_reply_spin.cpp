// Reply path `spin` (engines/single_writer/reply/reply_spin.h), model-checked
// (tests/model/model_reply.h): the caller polls; the engine completes with a release
// store.
//
// Bounds: 2 threads (engine, caller), one reply; every interleaving with up to 3
// preemptions (a poll is a yield to the checker).
// Mutants (tests/model/mutant_models.h): RelaxedPublishModel (the completing store
// relaxed) and RelaxedAcquireModel (the caller's poll relaxed): a data race on the
// reply.
#include "model/model_reply.h"

#include "single_writer/reply/reply_spin.h"

namespace swlab::model_reply {
namespace {

const model::Registrar check{{"engine.reply_spin",
                              "the caller returns only once the reply is written, and is always woken",
                              {"engine", "caller"}, model::run<ReplyCheck<SpinReply>>, 3}};

}  // namespace
}  // namespace swlab::model_reply
