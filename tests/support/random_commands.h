// A random command mix for concurrency tests (the project's and the labs'): each
// thread funds its own accounts, places orders around a common price so that
// threads trade with each other, cancels and reduces its own recent ids, and queries.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>

#include "core/types.h"

namespace swlab::test {

inline Command random_command(std::mt19937_64& rng, int thread, int64_t* next_id, uint32_t markets) {
  auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  Command c;
  c.market = static_cast<uint32_t>(pick(0, markets - 1));
  c.account = thread * 4 + pick(0, 3);
  const int64_t r = pick(0, 99);
  if (r < 3) {
    c.type = CommandType::kDeposit;
    c.asset = pick(0, 1) ? Asset::kCash : Asset::kQty;
    c.qty = pick(1, 100000);
  } else if (r < 60) {
    c.type = pick(0, 1) ? CommandType::kBuy : CommandType::kSell;
    c.order_id = (*next_id)++;
    c.qty = pick(1, 20);
    c.price = 500 + pick(-5, 5);
    c.ioc = pick(0, 9) == 0;
  } else if (r < 80) {
    c.type = CommandType::kCancel;
    c.order_id = std::max<int64_t>(0, *next_id - pick(1, 30));
  } else if (r < 85) {
    c.type = CommandType::kReduce;
    c.order_id = std::max<int64_t>(0, *next_id - pick(1, 30));
    c.qty = pick(1, 10);
  } else if (r < 92) {
    c.type = CommandType::kTop;
  } else if (r < 97) {
    c.type = CommandType::kBalance;
  } else {
    c.type = CommandType::kDepth;
    c.qty = 3;
  }
  return c;
}

}  // namespace swlab::test
