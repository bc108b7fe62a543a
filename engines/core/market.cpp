#include "core/market.h"

#include <algorithm>
#include <limits>
#include <map>

namespace swlab {

namespace {

Reply rejected(RejectReason r) {
  Reply reply;
  reply.status = Status::kRejected;
  reply.reason = r;
  return reply;
}

// Every answer sets its status: a Reply starts kUnset (core/types.h).
Reply accepted() {
  Reply reply;
  reply.status = Status::kOk;
  return reply;
}

bool add_overflows(int64_t a, int64_t b) { return a > std::numeric_limits<int64_t>::max() - b; }

}  // namespace

Market::Market() { balances_.reserve(256); }

Market::~Market() = default;  // pools own every node

Balance* Market::find_account(int64_t id) {
  uint32_t* i = account_index_.find(id);
  return i ? &balances_[*i] : nullptr;
}

Balance& Market::account(int64_t id) {
  auto [index, inserted] = account_index_.try_emplace(id);
  if (inserted) {
    *index = static_cast<uint32_t>(balances_.size());
    balances_.push_back({});
    balance_owner_.push_back(id);
  }
  return balances_[*index];
}

Reply Market::apply(const Command& cmd, ReplyBuffers* out) {
  switch (cmd.type) {
    case CommandType::kDeposit:
      return deposit(cmd.account, cmd.asset, cmd.qty);
    case CommandType::kBuy:
      return place(true, cmd.account, cmd.order_id, cmd.qty, cmd.price, cmd.ioc, out);
    case CommandType::kSell:
      return place(false, cmd.account, cmd.order_id, cmd.qty, cmd.price, cmd.ioc, out);
    case CommandType::kCancel:
      return cancel(cmd.account, cmd.order_id);
    case CommandType::kReduce:
      return reduce(cmd.account, cmd.order_id, cmd.qty);
    case CommandType::kTop: {
      Reply r = accepted();
      r.top = top();
      return r;
    }
    case CommandType::kDepth:
      depth(cmd.qty, out);
      return accepted();
    case CommandType::kBalance: {
      Reply r = accepted();
      r.balance = balance(cmd.account);
      return r;
    }
    case CommandType::kDigest:
      break;
  }
  return rejected(RejectReason::kInvalid);
}

Reply Market::deposit(int64_t account_id, Asset asset, int64_t amount) {
  if (amount < 1 || amount > kMaxDeposit || account_id < 0) return rejected(RejectReason::kInvalid);
  int64_t& total = asset == Asset::kCash ? deposited_cash_ : deposited_qty_;
  // Every account's holdings are bounded by the market total, so checking the
  // total is enough to keep every ledger field from overflowing.
  if (add_overflows(total, amount)) return rejected(RejectReason::kOverflow);
  total += amount;
  Balance& b = account(account_id);
  (asset == Asset::kCash ? b.cash_free : b.qty_free) += amount;
  Reply r = accepted();
  r.balance = b;
  return r;
}

Market::Level* Market::level_for(Side& side, int64_t price) {
  auto& v = side.levels;
  // Scan from the top of book: new orders cluster there, so this usually stops
  // within a level or two; fall back to binary search for deep prices.
  std::size_t n = v.size();
  std::size_t pos;  // first index whose level is better than `price`
  if (n == 0 || side.better(price, v.back()->price)) {
    pos = n;
  } else if (v.back()->price == price) {
    return v.back();
  } else {
    auto it = std::lower_bound(v.begin(), v.end(), price, [&](const Level* l, int64_t p) {
      return !side.better(l->price, p);  // l is worse than or equal to p
    });
    // [begin, it) are worse-or-equal; an equal level, if any, is just before it.
    if (it != v.begin() && (*(it - 1))->price == price) return *(it - 1);
    pos = static_cast<std::size_t>(it - v.begin());
  }
  Level* level = level_pool_.acquire();
  level->price = price;
  v.insert(v.begin() + static_cast<std::ptrdiff_t>(pos), level);
  return level;
}

void Market::remove_level(Side& side, Level* level) {
  auto& v = side.levels;
  if (v.back() == level) {
    v.pop_back();
  } else {
    auto it = std::lower_bound(v.begin(), v.end(), level->price, [&](const Level* l, int64_t p) {
      return side.better(p, l->price);  // l is strictly worse than p
    });
    v.erase(it);
  }
  level_pool_.release(level);
}

void Market::unlink(Order* o) {
  Level* l = o->level;
  (o->prev ? o->prev->next : l->head) = o->next;
  (o->next ? o->next->prev : l->tail) = o->prev;
  l->total -= o->remaining;
}

void Market::release_reservation(const Order& o, int64_t qty) {
  Balance* b = find_account(o.account);  // exists: it holds the reservation
  if (o.buy) {
    b->cash_reserved -= qty * o.price;
    b->cash_free += qty * o.price;
  } else {
    b->qty_reserved -= qty;
    b->qty_free += qty;
  }
}

void Market::match(bool buy, int64_t account_id, int64_t id, int64_t limit, int64_t& remaining,
                   Reply& reply, ReplyBuffers* out) {
  Side& opposite = buy ? asks_ : bids_;
  Balance* taker = find_account(account_id);
  while (remaining > 0 && !opposite.levels.empty()) {
    Level* level = opposite.levels.back();
    const int64_t price = level->price;
    if (buy ? price > limit : price < limit) break;
    while (remaining > 0 && level->head != nullptr) {
      Order* maker = level->head;
      const int64_t q = std::min(remaining, maker->remaining);
      Balance* mb = find_account(maker->account);
      if (buy) {
        taker->cash_reserved -= q * limit;
        taker->cash_free += q * (limit - price);  // price improvement comes back
        taker->qty_free += q;
        mb->qty_reserved -= q;
        mb->cash_free += q * price;
      } else {
        taker->qty_reserved -= q;
        taker->cash_free += q * price;
        mb->cash_reserved -= q * price;
        mb->qty_free += q;
      }
      if (out) {
        out->trades.push_back(buy ? Trade{q, price, account_id, id, maker->account, maker->id}
                                  : Trade{q, price, maker->account, maker->id, account_id, id});
      }
      ++reply.trades;
      remaining -= q;
      maker->remaining -= q;
      level->total -= q;
      if (maker->remaining == 0) {
        level->head = maker->next;
        (maker->next ? maker->next->prev : level->tail) = nullptr;
        orders_.erase({maker->account, maker->id});
        order_pool_.release(maker);
      }
    }
    if (level->head == nullptr) {
      opposite.levels.pop_back();
      level_pool_.release(level);
    }
  }
}

Reply Market::place(bool buy, int64_t account_id, int64_t id, int64_t qty, int64_t price, bool ioc,
                    ReplyBuffers* out) {
  if (qty < kMinQty || qty > kMaxQty || price < kMinPrice || price > kMaxPrice || account_id < 0 ||
      id < 0)
    return rejected(RejectReason::kInvalid);
  if (orders_.find({account_id, id}) != nullptr) return rejected(RejectReason::kDuplicateOrderId);
  Balance* b = find_account(account_id);
  if (buy) {
    const int64_t cost = qty * price;
    if (b == nullptr || b->cash_free < cost) return rejected(RejectReason::kInsufficientFunds);
    b->cash_free -= cost;
    b->cash_reserved += cost;
  } else {
    if (b == nullptr || b->qty_free < qty) return rejected(RejectReason::kInsufficientPosition);
    b->qty_free -= qty;
    b->qty_reserved += qty;
  }

  Reply reply = accepted();
  int64_t remaining = qty;
  match(buy, account_id, id, price, remaining, reply, out);
  reply.filled = qty - remaining;
  reply.resting = 0;  // both members of the reply's payload written (core/types.h, Reply)
  if (remaining > 0) {
    if (ioc) {
      // The unfilled part never rests: give its reservation back.
      if (buy) {
        b->cash_reserved -= remaining * price;
        b->cash_free += remaining * price;
      } else {
        b->qty_reserved -= remaining;
        b->qty_free += remaining;
      }
    } else {
      Side& side = buy ? bids_ : asks_;
      Level* level = level_for(side, price);
      Order* o = order_pool_.acquire();
      *o = Order{level->tail, nullptr, level, account_id, id, remaining, price, buy};
      (level->tail ? level->tail->next : level->head) = o;
      level->tail = o;
      level->total += remaining;
      *orders_.try_emplace({account_id, id}).first = o;
      reply.resting = remaining;
    }
  }
  return reply;
}

Reply Market::cancel(int64_t account_id, int64_t id) {
  Order** found = orders_.find({account_id, id});
  if (found == nullptr) return rejected(RejectReason::kUnknownOrder);
  Order* o = *found;
  Reply reply = accepted();
  reply.resting = o->remaining;
  release_reservation(*o, o->remaining);
  unlink(o);
  Level* level = o->level;
  orders_.erase({account_id, id});
  order_pool_.release(o);
  if (level->head == nullptr) remove_level(o->buy ? bids_ : asks_, level);
  return reply;
}

Reply Market::reduce(int64_t account_id, int64_t id, int64_t new_qty) {
  Order** found = orders_.find({account_id, id});
  if (found == nullptr) return rejected(RejectReason::kUnknownOrder);
  Order* o = *found;
  if (new_qty <= 0 || new_qty >= o->remaining) return rejected(RejectReason::kInvalid);
  const int64_t released = o->remaining - new_qty;
  release_reservation(*o, released);
  o->remaining = new_qty;  // in place: the order keeps its queue position
  o->level->total -= released;
  Reply reply = accepted();
  reply.resting = new_qty;
  return reply;
}

TopOfBook Market::top() const {
  TopOfBook t;
  if (!bids_.levels.empty()) {
    t.bid_price = bids_.levels.back()->price;
    t.bid_qty = bids_.levels.back()->total;
  }
  if (!asks_.levels.empty()) {
    t.ask_price = asks_.levels.back()->price;
    t.ask_qty = asks_.levels.back()->total;
  }
  return t;
}

void Market::depth(int64_t levels, ReplyBuffers* out) const {
  if (out == nullptr || levels <= 0) return;
  auto copy = [levels](const Side& side, std::vector<LevelView>& dst) {
    int64_t n = 0;
    for (auto it = side.levels.rbegin(); it != side.levels.rend() && n < levels; ++it, ++n)
      dst.push_back({(*it)->price, (*it)->total});
  };
  copy(bids_, out->bids);
  copy(asks_, out->asks);
}

Balance Market::balance(int64_t account_id) const {
  const uint32_t* i = account_index_.find(account_id);
  return i ? balances_[*i] : Balance{};
}

void Market::feed_digest(uint32_t index, Fnv64& h) const {
  h.add(static_cast<uint64_t>(index));
  for (const Side* side : {&bids_, &asks_}) {
    h.add(static_cast<uint64_t>(side->levels.size()));
    for (auto it = side->levels.rbegin(); it != side->levels.rend(); ++it) {
      const Level* l = *it;
      uint64_t n = 0;
      for (const Order* o = l->head; o; o = o->next) ++n;
      h.add(l->price);
      h.add(n);
      for (const Order* o = l->head; o; o = o->next) {
        h.add(o->account);
        h.add(o->id);
        h.add(o->remaining);
      }
    }
  }
  std::vector<std::pair<int64_t, const Balance*>> accounts;
  for (std::size_t i = 0; i < balances_.size(); ++i)
    if (!(balances_[i] == Balance{})) accounts.emplace_back(balance_owner_[i], &balances_[i]);
  std::sort(accounts.begin(), accounts.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  h.add(static_cast<uint64_t>(accounts.size()));
  for (const auto& [id, b] : accounts) {
    h.add(id);
    h.add(b->cash_free);
    h.add(b->cash_reserved);
    h.add(b->qty_free);
    h.add(b->qty_reserved);
  }
}

bool Market::check_invariants(std::string* why) const {
  bool ok = true;
  auto fail = [&](const std::string& what) {
    ok = false;
    if (why) *why += what + "; ";
  };
  // Book shape: strictly sorted sides, non-empty levels whose totals add up, and
  // every order indexed and pointing at its level.
  std::map<int64_t, Balance> backing;  // reservations implied by resting orders
  std::size_t order_count = 0;
  for (const Side* side : {&bids_, &asks_}) {
    for (std::size_t i = 0; i < side->levels.size(); ++i) {
      const Level* l = side->levels[i];
      if (i > 0 && !side->better(l->price, side->levels[i - 1]->price))
        fail("levels out of order at price " + std::to_string(l->price));
      if (l->head == nullptr) fail("empty level at price " + std::to_string(l->price));
      int64_t total = 0;
      for (const Order* o = l->head; o; o = o->next) {
        ++order_count;
        total += o->remaining;
        if (o->remaining <= 0) fail("order with non-positive remaining");
        if (o->level != l || o->price != l->price || o->buy != side->bids)
          fail("order on the wrong level");
        const Order* const* idx = orders_.find({o->account, o->id});
        if (idx == nullptr || *idx != o) fail("resting order missing from the index");
        Balance& need = backing[o->account];
        if (o->buy)
          need.cash_reserved += o->remaining * o->price;
        else
          need.qty_reserved += o->remaining;
      }
      if (total != l->total) fail("level total mismatch at price " + std::to_string(l->price));
    }
  }
  if (order_count != orders_.size()) fail("order index size differs from the book");
  if (!bids_.levels.empty() && !asks_.levels.empty() &&
      bids_.levels.back()->price >= asks_.levels.back()->price)
    fail("crossed book");
  int64_t cash = 0, qty = 0;
  for (std::size_t i = 0; i < balances_.size(); ++i) {
    const Balance& b = balances_[i];
    if (b.cash_free < 0 || b.cash_reserved < 0 || b.qty_free < 0 || b.qty_reserved < 0)
      fail("negative balance for account " + std::to_string(balance_owner_[i]));
    cash += b.cash_free + b.cash_reserved;
    qty += b.qty_free + b.qty_reserved;
    auto it = backing.find(balance_owner_[i]);
    Balance need = it == backing.end() ? Balance{} : it->second;
    if (need.cash_reserved != b.cash_reserved || need.qty_reserved != b.qty_reserved)
      fail("reservations of account " + std::to_string(balance_owner_[i]) +
           " do not match its resting orders");
    if (it != backing.end()) backing.erase(it);
  }
  if (!backing.empty()) fail("resting order of an account without a ledger entry");
  if (cash != deposited_cash_) fail("total cash differs from deposits");
  if (qty != deposited_qty_) fail("total qty differs from deposits");
  return ok;
}

}  // namespace swlab
