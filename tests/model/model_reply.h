// What the reply-path harnesses share (model_reply_*.cpp): a request as the model
// checker sees it, a reply slot (engine/completion.h) on the harness's memory model
// and the reply as a plain variable, and the one check each reply path must pass:
// the engine thread writes the reply, then completes; the caller waits, then reads
// the reply. A reply read before the completion orders it is a data race; a caller
// asleep that nobody wakes is a deadlock.
#pragma once

#include "model/model_check.h"
#include "model/mutant_models.h"

#include "engine/completion.h"

namespace swlab::model_reply {

using MM = model::HarnessModel;

struct Req {
  BasicCompletion<MM> done;
  MM::var<int> reply{0};
};

template <class ReplyPath>
struct ReplyCheck : rl::test_suite<ReplyCheck<ReplyPath>, 2> {
  Req r;

  void thread(unsigned index) {
    if (index == 0) {  // the engine thread
      r.reply.write(42);
      ReplyPath::complete(r);
    } else {  // the caller
      ReplyPath::wait(r);
      MODEL_ASSERT(r.reply.read() == 42, "the caller read the reply before the engine wrote it");
    }
  }
};

}  // namespace swlab::model_reply
