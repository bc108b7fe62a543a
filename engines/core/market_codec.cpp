// Market::serialize and Market::restore: one market's whole state as bytes, the
// payload of a snapshot (engines/persistence/snapshot.h documents the layout).
#include <algorithm>

#include "core/market.h"
#include "platform/byte_order.h"

namespace swlab {

void Market::serialize(std::string* out) const {
  append_i64(out, deposited_cash_);
  append_i64(out, deposited_qty_);
  std::vector<std::size_t> order(balances_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Canonical order (ascending account), so equal states give equal snapshots.
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return balance_owner_[a] < balance_owner_[b]; });
  append_u64(out, balances_.size());
  for (std::size_t i : order) {
    const Balance& b = balances_[i];
    append_i64(out, balance_owner_[i]);
    append_i64(out, b.cash_free);
    append_i64(out, b.cash_reserved);
    append_i64(out, b.qty_free);
    append_i64(out, b.qty_reserved);
  }
  for (const Side* side : {&bids_, &asks_}) {
    append_u64(out, side->levels.size());
    for (auto it = side->levels.rbegin(); it != side->levels.rend(); ++it) {
      const Level* l = *it;
      uint64_t n = 0;
      for (const Order* o = l->head; o; o = o->next) ++n;
      append_i64(out, l->price);
      append_u64(out, n);
      for (const Order* o = l->head; o; o = o->next) {
        append_i64(out, o->account);
        append_i64(out, o->id);
        append_i64(out, o->remaining);
      }
    }
  }
}

bool Market::restore(const uint8_t** p, const uint8_t* end, std::string* error) {
  ByteReader r{*p, end};
  auto fail = [&](const std::string& what) {
    if (error) *error = what;
    return false;
  };
  // Counts are bounded by the bytes left, so a corrupt count cannot make us
  // allocate or loop far beyond the input.
  auto count_fits = [&](uint64_t n, std::size_t bytes_each) { return n <= r.left() / bytes_each; };
  deposited_cash_ = r.i64();
  deposited_qty_ = r.i64();
  const uint64_t accounts = r.u64();
  if (!r.ok || !count_fits(accounts, 40)) return fail("truncated ledger");
  for (uint64_t i = 0; i < accounts; ++i) {
    const int64_t id = r.i64();
    Balance b{r.i64(), r.i64(), r.i64(), r.i64()};
    if (id < 0) return fail("negative account id");
    if (find_account(id) != nullptr) return fail("account " + std::to_string(id) + " listed twice");
    account(id) = b;
  }
  for (Side* side : {&bids_, &asks_}) {
    const uint64_t levels = r.u64();
    if (!r.ok || !count_fits(levels, 16)) return fail("truncated book");
    int64_t previous = 0;
    for (uint64_t li = 0; li < levels; ++li) {
      const int64_t price = r.i64();
      const uint64_t n = r.u64();
      if (!r.ok || !count_fits(n, 24)) return fail("truncated level");
      if (price < kMinPrice || price > kMaxPrice) return fail("price out of range");
      if (li > 0 && !side->better(previous, price)) return fail("levels out of order");
      if (n == 0) return fail("empty level");
      previous = price;
      Level* level = level_pool_.acquire();
      level->price = price;
      side->levels.insert(side->levels.begin(), level);  // read best first; stored best last
      for (uint64_t k = 0; k < n; ++k) {
        const int64_t acct = r.i64(), id = r.i64(), remaining = r.i64();
        if (remaining < kMinQty || remaining > kMaxQty || acct < 0 || id < 0) return fail("bad order");
        if (orders_.find({acct, id}) != nullptr) return fail("order listed twice");
        Order* o = order_pool_.acquire();
        *o = Order{level->tail, nullptr, level, acct, id, remaining, price, side->bids};
        (level->tail ? level->tail->next : level->head) = o;
        level->tail = o;
        level->total += remaining;
        *orders_.try_emplace({acct, id}).first = o;
      }
    }
  }
  if (!r.ok) return fail("truncated");
  *p = r.p;
  // The bytes may be well-formed and still describe an impossible state.
  std::string why;
  if (!check_invariants(&why)) return fail("restored state breaks invariants: " + why);
  return true;
}

}  // namespace swlab
