// Lab 2, worked solution in the starter's skeleton (instructors only: what a
// student's answer looks like; labs/make_handout.sh leaves solution/ out).
//
// Lab 2: the reader-writer engine (docs/labs/lab2.md).
//
// One lock around one Exchange, like the `mutex` engine, but a reader-writer lock:
// queries (top, depth, balance, digest: is_query() in engines/core/types.h) take it
// shared, so several can run at once; every other command takes it exclusive.
//
// The lock type is a template parameter: the engine registers as `lab2-rwlock` with
// std::shared_mutex (given/register.cpp), and the autograder also instantiates it
// with a probe that records how you lock. You may try your own lock type too.
//
// The functions marked TODO(lab2) in the starter. The rest is given; change it only if you
// know why. Tests: ctest --preset debug -L lab2.
#pragma once

#include <lab_reference_guard.h>  // the reference: a student build stops here (labs/common/rules/)
#include <atomic>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "engine/engine.h"
#include "core/exchange.h"
#include "lab_support.h"

namespace swlab::lab2 {

template <class SharedMutex>
class RwLockEngine final : public Engine {
 public:
  RwLockEngine(std::string name, uint32_t markets) : name_(std::move(name)), exchange_(markets) {}

  std::string_view name() const override { return name_; }

  Reply execute(const Command& cmd, ReplyBuffers* out) override {
    // Given: after shutdown() every command is refused.
    if (stopped_.load(std::memory_order_relaxed)) return labs::rejected_reply(RejectReason::kShutdown);
    if (is_query(cmd.type)) {
      std::shared_lock guard(lock_);
      return exchange_.apply(cmd, out);
    }
    std::lock_guard guard(lock_);
    return exchange_.apply(cmd, out);
  }

  // Given: a lock engine completes every request on the caller's own thread, so
  // nobody can be asleep on its completion (complete_inline is a release store).
  void submit(Request& req) override {
    req.reply = execute(req.cmd, req.out);
    req.done.complete_inline();
  }

  void for_each_market(const std::function<void(uint32_t, const Market&)>& f) override {
    // Shared is enough: the visitor only reads, and updates still exclude it.
    std::shared_lock guard(lock_);
    for (uint32_t i = 0; i < exchange_.markets(); ++i) f(i, exchange_.market(i));
  }

  // Given: later commands are refused with `shutdown`. A lock engine has no thread
  // of its own to stop.
  void shutdown() override { stopped_.store(true, std::memory_order_relaxed); }

 private:
  const std::string name_;
  mutable SharedMutex lock_;
  Exchange exchange_;
  std::atomic<bool> stopped_{false};
};

}  // namespace swlab::lab2
