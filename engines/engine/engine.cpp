#include "engine/engine.h"

#include "core/market.h"

namespace swlab {

void Engine::wait(Request& req) { req.done.wait(); }

uint64_t Engine::digest() {
  Fnv64 h;
  for_each_market([&](uint32_t i, const Market& m) { m.feed_digest(i, h); });
  return h.value();
}

bool Engine::check_invariants(std::string* why) {
  bool ok = true;
  for_each_market([&](uint32_t i, const Market& m) {
    std::string w;
    if (!m.check_invariants(&w)) {
      ok = false;
      if (why) *why += "market " + std::to_string(i) + ": " + w;
    }
  });
  return ok;
}

}  // namespace swlab
