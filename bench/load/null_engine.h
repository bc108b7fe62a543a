// An engine that does nothing and answers at once, on the caller's thread: what the
// load generator costs by itself is measured against it (measure_generator_cost,
// bm_load_generator).
#pragma once

#include "engine/engine.h"

namespace swlab {

class NullEngine final : public Engine {
 public:
  std::string_view name() const override { return "null"; }
  Reply execute(const Command&, ReplyBuffers*) override { return ok(); }
  void submit(Request& req) override {
    req.reply = ok();
    req.done.complete_inline();
  }
  void for_each_market(const std::function<void(uint32_t, const Market&)>&) override {}
  void shutdown() override {}

 private:
  static Reply ok() {
    Reply r;
    r.status = Status::kOk;
    return r;
  }
};

}  // namespace swlab
