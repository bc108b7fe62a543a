// Lab 3 reference solution (instructors only: labs/make_handout.sh leaves solution/
// out). The project's own single-writer engine (engines/single_writer/single_writer_engine.h) with
// the spsc channel, the futex reply path and the blocking wait strategy: the
// configuration the built-in `single-writer` runs by default. The reply slot, the ring,
// admission and the engine loop of the model checker's harness are the worked answer's
// (solution/worked/): the project's engine is not written against a memory model.
// It breaks lab 3's rule on purpose: it is the reference (labs/CMakeLists.txt checks
// the rules on every variant but this one).
#include <lab_reference_guard.h>  // the reference: a student build stops here (labs/common/rules/)
#include "lab3.h"
#include "engine/exchange_core.h"
#include "single_writer/channels/spsc_channel.h"
#include "single_writer/reply/reply_futex.h"
#include "single_writer/single_writer_engine.h"
#include "single_writer/wait/wait_blocking.h"

namespace swlab::lab3 {

std::unique_ptr<Engine> make_lab3_engine(const EngineConfig& c, std::string* error) {
  if (c.overload != OverloadPolicy::kBlock && c.overload != OverloadPolicy::kReject) {
    if (error) *error = "lab3-single-writer supports overload=block or overload=reject";
    return nullptr;
  }
  return std::make_unique<SingleWriterEngine<SpscChannel, FutexReply, BlockingWait>>("lab3-single-writer", c);
}

}  // namespace swlab::lab3
