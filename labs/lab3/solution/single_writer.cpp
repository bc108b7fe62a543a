// Lab 3 reference solution (instructors only: labs/make_handout.sh leaves solution/
// out). The project's own single-writer engine (engines/single_writer/single_writer_engine.h) with
// the spsc channel, the futex reply path and the blocking wait strategy: the
// configuration the built-in `single-writer` runs by default. The reply slot is the
// project's Completion (engines/engine/completion.h).
#include "lab3.h"
#include "engine/exchange_core.h"
#include "single_writer/channels/spsc_channel.h"
#include "single_writer/reply/reply_futex.h"
#include "single_writer/single_writer_engine.h"
#include "single_writer/wait/wait_blocking.h"

namespace swlab::lab3 {

void complete_reply(Request& req) { req.done.complete(); }

void wait_reply(Request& req) { req.done.wait(); }

std::unique_ptr<Engine> make_lab3_engine(const EngineConfig& c, std::string* error) {
  if (c.overload != OverloadPolicy::kBlock && c.overload != OverloadPolicy::kReject) {
    if (error) *error = "lab3-single-writer supports overload=block or overload=reject";
    return nullptr;
  }
  return std::make_unique<SingleWriterEngine<SpscChannel, FutexReply, BlockingWait>>("lab3-single-writer", c);
}

}  // namespace swlab::lab3
