// Deterministic random command streams in the text protocol, for the
// differential tests: the same seed gives the same script on every run.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace swlab::test {

struct ScriptShape {
  int markets = 3;       // uses S0..S(markets-1)
  int accounts = 6;      // 0..accounts-1
  int64_t mid = 1000;    // prices mid +- spread
  int64_t spread = 8;
  int64_t max_qty = 40;
  int order_ids = 30;    // ids drawn from 0..order_ids-1: collisions exercise duplicate_order_id
};

// `lines` commands: deposits, buys and sells (some IOC, some out of range), cancels,
// reduces and queries, with a digest now and then.
inline std::string random_script(uint64_t seed, int lines, const ScriptShape& s = {}) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  std::string out;
  auto sym = [&] { return " S" + std::to_string(pick(0, s.markets - 1)); };
  auto acct = [&] { return " " + std::to_string(pick(0, s.accounts - 1)); };
  auto id = [&] { return " " + std::to_string(pick(0, s.order_ids - 1)); };
  for (int i = 0; i < lines; ++i) {
    int64_t r = pick(0, 99);
    if (r < 8) {
      out += "deposit" + sym() + acct() + (pick(0, 1) ? " cash " : " qty ") +
             std::to_string(pick(1, 200000));
    } else if (r < 58) {
      int64_t qty = pick(0, 30) == 0 ? pick(-2, 0) : pick(1, s.max_qty);
      int64_t price = pick(0, 60) == 0 ? 0 : s.mid + pick(-s.spread, s.spread);
      out += (pick(0, 1) ? "buy" : "sell") + sym() + acct() + id() + " " + std::to_string(qty) +
             " " + std::to_string(price) + (pick(0, 9) == 0 ? " ioc" : "");
    } else if (r < 75) {
      out += "cancel" + sym() + acct() + id();
    } else if (r < 83) {
      out += "reduce" + sym() + acct() + id() + " " + std::to_string(pick(0, s.max_qty));
    } else if (r < 89) {
      out += "top" + sym();
    } else if (r < 93) {
      out += "depth" + sym() + " " + std::to_string(pick(0, 4));
    } else if (r < 99) {
      out += "balance" + sym() + acct();
    } else {
      out += "digest";
    }
    out += '\n';
  }
  return out;
}

}  // namespace swlab::test
