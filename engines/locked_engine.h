// The lock-based engines: one lock around one Exchange. The lock type is a
// template parameter so the hot path has no indirection; kSharedQueries selects
// the reader-writer behaviour (queries under a shared lock).
#pragma once

#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "engine.h"
#include "exchange.h"

namespace swlab {

template <class Lock, bool kSharedQueries>
class LockedEngine final : public Engine {
 public:
  LockedEngine(std::string name, uint32_t markets) : name_(std::move(name)), exchange_(markets) {}

  std::string_view name() const override { return name_; }

  Reply execute(const Command& cmd, ReplyBuffers* out) override {
    // A relaxed load of a line nobody writes until shutdown: stays in every
    // core's cache in the shared state and costs nothing measurable.
    if (stopped_.load(std::memory_order_relaxed)) return shutdown_reply();
    if constexpr (kSharedQueries) {
      if (is_query(cmd.type)) {
        std::shared_lock guard(lock_);
        return exchange_.apply(cmd, out);
      }
    }
    std::lock_guard guard(lock_);
    return exchange_.apply(cmd, out);
  }

  void submit(Request& req) override {
    req.reply = execute(req.cmd, req.out);
    req.done.complete_inline();
  }

  void for_each_market(const std::function<void(uint32_t, const Market&)>& f) override {
    std::lock_guard guard(lock_);
    for (uint32_t i = 0; i < exchange_.markets(); ++i) f(i, exchange_.market(i));
  }

  void shutdown() override { stopped_.store(true, std::memory_order_relaxed); }

 private:
  static Reply shutdown_reply() {
    Reply r;
    r.status = Status::kRejected;
    r.reason = RejectReason::kShutdown;
    return r;
  }

  const std::string name_;
  Lock lock_;
  Exchange exchange_;
  std::atomic<bool> stopped_{false};
};

}  // namespace swlab
