// Builds a single-writer engine from run-time names (channel, reply path, wait
// strategy) by choosing among the template instantiations. Each channel's
// instantiations live in their own translation unit (single_writer_<channel>.cpp)
// so the build parallelises and no file compiles all sixty.
#pragma once

#include <memory>
#include <string>

#include "engine/engine_registry.h"
#include "single_writer/reply/reply_atomic_wait.h"
#include "single_writer/reply/reply_future.h"
#include "single_writer/reply/reply_futex.h"
#include "single_writer/reply/reply_spin.h"
#include "single_writer/single_writer_engine.h"
#include "single_writer/wait/wait_blocking.h"
#include "single_writer/wait/wait_busy_spin.h"
#include "single_writer/wait/wait_spin_yield.h"

namespace swlab {

// Null with *error when the names or settings are unusable.
std::unique_ptr<Engine> make_single_writer(const EngineConfig& c, const std::string& name, uint16_t shard,
                                           std::string* error);

using SingleWriterMaker = std::unique_ptr<Engine> (*)(const EngineConfig&, const std::string&, uint16_t,
                                                      std::string*);
std::unique_ptr<Engine> make_single_writer_moodycamel(const EngineConfig&, const std::string&, uint16_t, std::string*);
std::unique_ptr<Engine> make_single_writer_moodycamel_blocking(const EngineConfig&, const std::string&, uint16_t,
                                                               std::string*);
std::unique_ptr<Engine> make_single_writer_boost_queue(const EngineConfig&, const std::string&, uint16_t, std::string*);
std::unique_ptr<Engine> make_single_writer_spsc(const EngineConfig&, const std::string&, uint16_t, std::string*);
std::unique_ptr<Engine> make_single_writer_mutex_deque(const EngineConfig&, const std::string&, uint16_t, std::string*);

template <template <class> class Channel>
std::unique_ptr<Engine> make_single_writer_with(const EngineConfig& c, const std::string& name, uint16_t shard,
                                                std::string* error) {
  SingleWriterOptions o;
  o.markets = c.markets;
  o.capacity = c.capacity;
  o.batch = c.batch;
  o.overload = c.overload;
  o.shard = shard;
  o.journal = c.persistence();
  auto checked = [&](std::unique_ptr<Engine> e) -> std::unique_ptr<Engine> {
    if (std::string f = e->failure(); !f.empty()) {
      if (error) *error = f;
      return nullptr;
    }
    return e;
  };
  auto with_reply = [&]<class ReplyPath>() -> std::unique_ptr<Engine> {
    if (c.wait == "blocking") return checked(std::make_unique<SingleWriterEngine<Channel, ReplyPath, BlockingWait>>(name, o));
    if (c.wait == "spin-yield") return checked(std::make_unique<SingleWriterEngine<Channel, ReplyPath, SpinYieldWait>>(name, o));
    if (c.wait == "busy-spin") return checked(std::make_unique<SingleWriterEngine<Channel, ReplyPath, BusySpinWait>>(name, o));
    if (error) *error = "unknown wait strategy '" + c.wait + "'";
    return nullptr;
  };
  if (c.reply == "futex") return with_reply.template operator()<FutexReply>();
  if (c.reply == "spin") return with_reply.template operator()<SpinReply>();
  if (c.reply == "atomic-wait") return with_reply.template operator()<AtomicWaitReply>();
  if (c.reply == "future") return with_reply.template operator()<FutureReply>();
  if (error) *error = "unknown reply path '" + c.reply + "'";
  return nullptr;
}

}  // namespace swlab
