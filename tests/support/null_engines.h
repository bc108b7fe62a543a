// Test-only engines that prove a suite honest (tests/vacuity/, labs/common/
// lab_vacuity.cpp): registered only in the executables that check the suites, never
// in swlab_tests or a lab's grader.
//
//   NullEngine    answers every command at once, and does nothing else: a Reply left
//                 as constructed (status kUnset), or a refusal such as a lab starter's
//                 `not_implemented`. It claims a thread of its own (asynchronous() ==
//                 true), so that no suite may skip it: every suite must fail for it.
//   InlineEngine  a correct engine (another engine behind it) that completes every
//                 submit inline, on the caller's thread: it must pass every suite, and
//                 the pipelined ones must skip it rather than pass.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "engine/engine.h"
#include "engine/engine_registry.h"

namespace swlab::test {

class NullEngine final : public Engine {
 public:
  NullEngine(std::string name, std::optional<RejectReason> refusal) : name_(std::move(name)), refusal_(refusal) {}

  std::string_view name() const override { return name_; }
  Reply execute(const Command&, ReplyBuffers*) override { return answer(); }
  void submit(Request& req) override {
    req.done.reset();
    req.reply = answer();
    req.done.complete();
  }
  bool asynchronous() const override { return true; }
  void for_each_market(const std::function<void(uint32_t, const Market&)>&) override {}
  void shutdown() override {}

 private:
  Reply answer() const {
    Reply r;  // kUnset
    if (refusal_) {
      r.status = Status::kRejected;
      r.reason = *refusal_;
    }
    return r;
  }

  const std::string name_;
  const std::optional<RejectReason> refusal_;
};

// The registration of a NullEngine named `name` (EngineRegistrar{null_engine(...)}).
inline EngineInfo null_engine(const std::string& name, const std::string& description,
                              std::optional<RejectReason> refusal) {
  return EngineInfo{.name = name,
                    .description = "test only: " + description,
                    .make = [name, refusal](const EngineConfig&, std::string*) -> std::unique_ptr<Engine> {
                      return std::make_unique<NullEngine>(name, refusal);
                    }};
}

class InlineEngine final : public Engine {
 public:
  InlineEngine(std::string name, std::unique_ptr<Engine> inner) : name_(std::move(name)), inner_(std::move(inner)) {}

  std::string_view name() const override { return name_; }
  Reply execute(const Command& cmd, ReplyBuffers* out) override { return inner_->execute(cmd, out); }
  void submit(Request& req) override {
    req.reply = inner_->execute(req.cmd, req.out);
    req.done.complete_inline();
  }
  void for_each_market(const std::function<void(uint32_t, const Market&)>& f) override {
    inner_->for_each_market(f);
  }
  void shutdown() override { inner_->shutdown(); }

 private:
  const std::string name_;
  std::unique_ptr<Engine> inner_;
};

}  // namespace swlab::test
