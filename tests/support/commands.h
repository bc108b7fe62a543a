// Single commands for tests, built by name rather than field by field.
#pragma once

#include <cstdint>

#include "core/types.h"

namespace swlab::test {

// A deposit of `amount` of `asset` into `account`, on `market`.
inline Command deposit(int64_t account, int64_t amount, Asset asset = Asset::kCash, uint32_t market = 0) {
  Command c;
  c.type = CommandType::kDeposit;
  c.market = market;
  c.account = account;
  c.asset = asset;
  c.qty = amount;
  return c;
}

// An order, or a cancel or reduce of one (type), by `account` on `market`.
inline Command order(CommandType type, uint32_t market, int64_t account, int64_t id, int64_t qty, int64_t price) {
  Command c;
  c.type = type;
  c.market = market;
  c.account = account;
  c.order_id = id;
  c.qty = qty;
  c.price = price;
  return c;
}

// A query (type) of `market`, or of `account` there; a depth query asks for 3 levels.
inline Command query(CommandType type, uint32_t market = 0, int64_t account = 0) {
  Command c;
  c.type = type;
  c.market = market;
  c.account = account;
  c.qty = 3;  // depth levels
  return c;
}

}  // namespace swlab::test
