// See reference_model.h. Section references are to docs/protocol.md.
#include "reference_model.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <optional>
#include <utility>

namespace swlab::test {
namespace {

constexpr int64_t kMaxPrice = 1'000'000;
constexpr int64_t kMaxQty = 1'000'000'000;
constexpr int64_t kMaxDeposit = 1'000'000'000'000'000;
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// "Tokens are separated by spaces or tabs; a carriage return is treated as a space.
// A `#` starts a comment that runs to the end of the line." 
std::vector<std::string> tokenize(std::string_view line) {
  const size_t hash = line.find('#');
  if (hash != std::string_view::npos) line = line.substr(0, hash);
  std::vector<std::string> tokens;
  std::string current;
  for (char c : line) {
    if (c == ' ' || c == '\t' || c == '\r') {
      if (!current.empty()) tokens.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return tokens;
}

// "Integers are decimal, optionally signed, and must fit in a signed 64-bit integer."
// Accepts an optional '+' or '-' followed by one or more ASCII digits, nothing else.
std::optional<int64_t> parse_int(const std::string& tok) {
  size_t i = 0;
  bool negative = false;
  if (i < tok.size() && (tok[i] == '+' || tok[i] == '-')) {
    negative = tok[i] == '-';
    ++i;
  }
  if (i == tok.size()) return std::nullopt;
  // Magnitude limit: 2^63 - 1 for positive numbers, 2^63 for negative ones.
  const uint64_t limit = negative ? uint64_t{1} << 63 : static_cast<uint64_t>(kInt64Max);
  uint64_t mag = 0;
  for (; i < tok.size(); ++i) {
    if (tok[i] < '0' || tok[i] > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(tok[i] - '0');
    if (mag > (limit - digit) / 10) return std::nullopt;
    mag = mag * 10 + digit;
  }
  if (!negative) return static_cast<int64_t>(mag);
  if (mag == (uint64_t{1} << 63)) return std::numeric_limits<int64_t>::min();
  return -static_cast<int64_t>(mag);
}

// The reply for a line that does not parse.
std::string error_line(int line_no, const std::string& what) {
  return "error line " + std::to_string(line_no) + ": " + what + "\n";
}

// Thrown (and caught in execute_line) when an argument fails to parse.
struct ParseError {
  std::string what;
};

int64_t parse_integer_field(const std::string& tok, const char* field) {
  std::optional<int64_t> v = parse_int(tok);
  if (!v) throw ParseError{std::string(field) + " '" + tok + "' is not an integer"};
  return *v;
}

int64_t parse_non_negative_field(const std::string& tok, const char* field) {
  const int64_t v = parse_integer_field(tok, field);
  if (v < 0) throw ParseError{std::string(field) + " must be non-negative, got " + std::to_string(v)};
  return v;
}

std::string order_ref(const std::string& sym, int64_t account, int64_t id) {
  return sym + " " + std::to_string(account) + "/" + std::to_string(id);
}

std::string level_text(int64_t price, int64_t qty) {
  return std::to_string(price) + "x" + std::to_string(qty);
}

// acc += v; false (and acc unspecified) if that overflows int64.
bool add_checked(int64_t& acc, int64_t v) { return !__builtin_add_overflow(acc, v, &acc); }

// FNV-1a over one value as 8 little-endian bytes.
void fnv_feed(uint64_t& h, int64_t value) {
  const uint64_t bits = static_cast<uint64_t>(value);
  for (int b = 0; b < 8; ++b) {
    h ^= (bits >> (8 * b)) & 0xff;
    h *= 0x100000001b3ULL;
  }
}

}  // namespace

ReferenceExchange::ReferenceExchange(std::vector<std::string> symbols) {
  for (std::string& s : symbols) {
    Market m;
    m.symbol = std::move(s);
    markets_.push_back(std::move(m));
  }
}

std::string ReferenceExchange::run_script(std::string_view script) {
  std::string out;
  int line_no = 0;
  size_t start = 0;
  while (start < script.size()) {
    size_t end = script.find('\n', start);
    if (end == std::string_view::npos) end = script.size();
    ++line_no;
    out += execute_line(script.substr(start, end - start), line_no);
    start = end + 1;
  }
  return out;
}

std::string ReferenceExchange::execute_line(std::string_view line, int line_no) {
  const std::vector<std::string> tok = tokenize(line);
  if (tok.empty()) return "";
  const std::string& cmd = tok[0];
  const int nargs = static_cast<int>(tok.size()) - 1;

  // 1. The command name.
  int expected = -1;  // argument count; buy/sell take 5 or 6
  if (cmd == "deposit") expected = 4;
  else if (cmd == "buy" || cmd == "sell") expected = 5;
  else if (cmd == "cancel") expected = 3;
  else if (cmd == "reduce") expected = 4;
  else if (cmd == "top") expected = 1;
  else if (cmd == "depth") expected = 2;
  else if (cmd == "balance") expected = 2;
  else if (cmd == "digest") expected = 0;
  else return error_line(line_no, "unknown command '" + cmd + "'");

  // 2. The number of tokens.
  if (cmd == "buy" || cmd == "sell") {
    if (nargs != 5 && nargs != 6) {
      return error_line(line_no, "'" + cmd + "' takes 5 or 6 arguments, got " + std::to_string(nargs));
    }
  } else if (nargs != expected) {
    return error_line(line_no, "'" + cmd + "' takes " + std::to_string(expected) +
                                   (expected == 1 ? " argument, got " : " arguments, got ") +
                                   std::to_string(nargs));
  }

  if (cmd == "digest") {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(digest()));
    return std::string("digest ") + buf + "\n";
  }

  // 3. Each argument, left to right. The first is always the symbol.
  try {
    Market* market = nullptr;
    for (Market& m : markets_) {
      if (m.symbol == tok[1]) market = &m;
    }
    if (market == nullptr) throw ParseError{"unknown symbol '" + tok[1] + "'"};
    Market& m = *market;

    if (cmd == "deposit") {
      const int64_t account = parse_non_negative_field(tok[2], "account");
      if (tok[3] != "cash" && tok[3] != "qty") {
        throw ParseError{"deposit asset must be 'cash' or 'qty', got '" + tok[3] + "'"};
      }
      const int64_t amount = parse_integer_field(tok[4], "amount");
      if (amount < 1 || amount > kMaxDeposit) {
        throw ParseError{"deposit amount must be between 1 and 1000000000000000, got " +
                         std::to_string(amount)};
      }
      return do_deposit(m, account, tok[3] == "cash", amount, line_no);
    }
    if (cmd == "buy" || cmd == "sell") {
      const int64_t account = parse_non_negative_field(tok[2], "account");
      const int64_t id = parse_non_negative_field(tok[3], "order id");
      const int64_t qty = parse_integer_field(tok[4], "qty");
      const int64_t price = parse_integer_field(tok[5], "price");
      const bool ioc = nargs == 6;
      if (ioc && tok[6] != "ioc") throw ParseError{"expected 'ioc' as the last token, got '" + tok[6] + "'"};
      return do_order(m, cmd == "buy", account, id, qty, price, ioc);
    }
    if (cmd == "cancel") {
      const int64_t account = parse_non_negative_field(tok[2], "account");
      const int64_t id = parse_non_negative_field(tok[3], "order id");
      return do_cancel(m, account, id);
    }
    if (cmd == "reduce") {
      const int64_t account = parse_non_negative_field(tok[2], "account");
      const int64_t id = parse_non_negative_field(tok[3], "order id");
      const int64_t new_qty = parse_integer_field(tok[4], "qty");
      return do_reduce(m, account, id, new_qty);
    }
    if (cmd == "top") return do_top(m);
    if (cmd == "depth") {
      const int64_t levels = parse_non_negative_field(tok[2], "levels");
      return do_depth(m, levels);
    }
    // balance
    const int64_t account = parse_non_negative_field(tok[2], "account");
    return balance_line(m, account);
  } catch (const ParseError& e) {
    return error_line(line_no, e.what);
  }
}

std::string ReferenceExchange::do_deposit(Market& m, int64_t account, bool cash, int64_t amount,
                                          int line_no) {
  int64_t& total = cash ? m.deposited_cash : m.deposited_qty;
  if (total > kInt64Max - amount) {
    return error_line(line_no, "deposit would overflow the market total");
  }
  total += amount;
  Account& a = account_ref(m, account);
  if (cash) a.free_cash += amount;
  else a.free_qty += amount;
  return balance_line(m, account);
}

std::string ReferenceExchange::do_order(Market& m, bool is_buy, int64_t account, int64_t id, int64_t qty,
                                        int64_t price, bool ioc) {
  const std::string ref = order_ref(m.symbol, account, id);
  // Validation order: invalid, duplicate_order_id, insufficient_funds/position.
  if (qty < 1 || qty > kMaxQty || price < 1 || price > kMaxPrice) return "rejected " + ref + " invalid\n";
  if (find_order(m, account, id) != nullptr) return "rejected " + ref + " duplicate_order_id\n";
  {
    // Look without creating: a rejected order leaves no ledger entry behind.
    auto it = m.accounts.find(account);
    const Account zero;
    const Account& a = it == m.accounts.end() ? zero : it->second;
    if (is_buy && a.free_cash < qty * price) return "rejected " + ref + " insufficient_funds\n";
    if (!is_buy && a.free_qty < qty) return "rejected " + ref + " insufficient_position\n";
  }

  // Reserve the whole order at its limit price.
  {
    reserve(account_ref(m, account), is_buy, qty, price);
  }

  std::string out;
  int64_t remaining = qty;
  while (remaining > 0) {
    const int best = best_index(m, !is_buy);
    if (best < 0) break;
    Order& resting = m.orders[static_cast<size_t>(best)];
    if (is_buy ? resting.price > price : resting.price < price) break;

    const int64_t q = std::min(remaining, resting.remaining);
    const int64_t p = resting.price;  // every trade is at the resting order's price
    const int64_t buyer = is_buy ? account : resting.account;
    const int64_t buyer_id = is_buy ? id : resting.id;
    const int64_t buyer_limit = is_buy ? price : resting.price;
    const int64_t seller = is_buy ? resting.account : account;
    const int64_t seller_id = is_buy ? resting.id : id;

    {
      Account& b = account_ref(m, buyer);
      b.reserved_cash -= q * buyer_limit;
      b.free_cash += q * (buyer_limit - p);
      b.free_qty += q;
    }
    {
      // Looked up again after the buyer: for a self-trade this is the same entry.
      Account& s = account_ref(m, seller);
      s.reserved_qty -= q;
      s.free_cash += q * p;
    }
    out += "trade " + m.symbol + " " + std::to_string(q) + " " + std::to_string(p) + " buy=" +
           std::to_string(buyer) + "/" + std::to_string(buyer_id) + " sell=" + std::to_string(seller) + "/" +
           std::to_string(seller_id) + "\n";

    remaining -= q;
    resting.remaining -= q;
    if (resting.remaining == 0) m.orders.erase(m.orders.begin() + best);
  }

  int64_t resting_qty = 0;
  if (remaining > 0) {
    if (ioc) {
      // Drop the rest and release its reservation.
      reserve(account_ref(m, account), is_buy, -remaining, price);
    } else {
      m.orders.push_back(Order{is_buy, account, id, price, remaining, next_seq_++});
      resting_qty = remaining;
    }
  }
  out += "accepted " + ref + " filled=" + std::to_string(qty - remaining) +
         " resting=" + std::to_string(resting_qty) + "\n";
  return out;
}

// Moves `qty` of an order (a buy's at its limit price) from free to reserved; a
// negative qty releases it back.
void ReferenceExchange::reserve(Account& a, bool is_buy, int64_t qty, int64_t price) {
  if (is_buy) {
    a.free_cash -= qty * price;
    a.reserved_cash += qty * price;
  } else {
    a.free_qty -= qty;
    a.reserved_qty += qty;
  }
}

std::string ReferenceExchange::do_cancel(Market& m, int64_t account, int64_t id) {
  const std::string ref = order_ref(m.symbol, account, id);
  Order* o = find_order(m, account, id);
  if (o == nullptr) return "rejected " + ref + " unknown_order\n";
  const int64_t remaining = o->remaining;
  reserve(account_ref(m, account), o->is_buy, -remaining, o->price);
  m.orders.erase(m.orders.begin() + (o - m.orders.data()));
  return "canceled " + ref + " qty=" + std::to_string(remaining) + "\n";
}

std::string ReferenceExchange::do_reduce(Market& m, int64_t account, int64_t id, int64_t new_qty) {
  const std::string ref = order_ref(m.symbol, account, id);
  Order* o = find_order(m, account, id);
  if (o == nullptr) return "rejected " + ref + " unknown_order\n";
  if (new_qty <= 0 || new_qty >= o->remaining) return "rejected " + ref + " invalid\n";
  const int64_t released = o->remaining - new_qty;
  reserve(account_ref(m, account), o->is_buy, -released, o->price);
  o->remaining = new_qty;  // seq unchanged: the order keeps its place in the queue
  return "reduced " + ref + " qty=" + std::to_string(new_qty) + "\n";
}

std::string ReferenceExchange::do_top(const Market& m) const {
  const auto bids = levels(m, true);
  const auto asks = levels(m, false);
  std::string out = "top " + m.symbol + " bid=";
  out += bids.empty() ? "-" : level_text(bids[0].first, bids[0].second);
  out += " ask=";
  out += asks.empty() ? "-" : level_text(asks[0].first, asks[0].second);
  return out + "\n";
}

std::string ReferenceExchange::do_depth(const Market& m, int64_t max_levels) const {
  auto side_text = [&](bool buy_side) {
    const auto lv = levels(m, buy_side);
    std::string s;
    for (size_t i = 0; i < lv.size() && static_cast<int64_t>(i) < max_levels; ++i) {
      if (!s.empty()) s += ",";
      s += level_text(lv[i].first, lv[i].second);
    }
    return s.empty() ? std::string("-") : s;
  };
  return "depth " + m.symbol + " bids=" + side_text(true) + " asks=" + side_text(false) + "\n";
}

std::string ReferenceExchange::balance_line(const Market& m, int64_t account) {
  auto it = m.accounts.find(account);  // never creates an account
  const Account zero;
  const Account& a = it == m.accounts.end() ? zero : it->second;
  return "balance " + m.symbol + " " + std::to_string(account) + " cash=" + std::to_string(a.free_cash) + "/" +
         std::to_string(a.reserved_cash) + " qty=" + std::to_string(a.free_qty) + "/" +
         std::to_string(a.reserved_qty) + "\n";
}

ReferenceExchange::Order* ReferenceExchange::find_order(Market& m, int64_t account, int64_t id) {
  for (Order& o : m.orders) {
    if (o.account == account && o.id == id) return &o;
  }
  return nullptr;
}

int ReferenceExchange::best_index(const Market& m, bool buy_side) {
  int best = -1;
  for (size_t i = 0; i < m.orders.size(); ++i) {
    const Order& o = m.orders[i];
    if (o.is_buy != buy_side) continue;
    if (best < 0) {
      best = static_cast<int>(i);
      continue;
    }
    const Order& b = m.orders[static_cast<size_t>(best)];
    const bool better_price = buy_side ? o.price > b.price : o.price < b.price;
    if (better_price || (o.price == b.price && o.seq < b.seq)) best = static_cast<int>(i);
  }
  return best;
}

std::vector<std::pair<int64_t, int64_t>> ReferenceExchange::levels(const Market& m, bool buy_side) {
  std::map<int64_t, int64_t> by_price;  // ascending price
  for (const Order& o : m.orders) {
    if (o.is_buy == buy_side) by_price[o.price] += o.remaining;
  }
  std::vector<std::pair<int64_t, int64_t>> out(by_price.begin(), by_price.end());
  if (buy_side) std::reverse(out.begin(), out.end());  // bids: highest first
  return out;
}

std::vector<ReferenceExchange::Order> ReferenceExchange::orders_at(const Market& m, bool buy_side,
                                                                   int64_t price) {
  std::vector<Order> out;
  for (const Order& o : m.orders) {
    if (o.is_buy == buy_side && o.price == price) out.push_back(o);
  }
  std::sort(out.begin(), out.end(), [](const Order& a, const Order& b) { return a.seq < b.seq; });
  return out;
}

ReferenceExchange::Account& ReferenceExchange::account_ref(Market& m, int64_t account) {
  return m.accounts[account];
}

bool ReferenceExchange::check_invariants(std::string* why) const {
  auto fail = [&](const std::string& what) {
    if (why != nullptr) *why = what;
    return false;
  };
  for (const Market& m : markets_) {
    const std::string where = "market " + m.symbol + ": ";

    // Resting orders are well formed and (account, id) is unique among them.
    for (size_t i = 0; i < m.orders.size(); ++i) {
      const Order& o = m.orders[i];
      if (o.remaining < 1 || o.remaining > kMaxQty || o.price < 1 || o.price > kMaxPrice) {
        return fail(where + "order " + std::to_string(o.account) + "/" + std::to_string(o.id) +
                    " out of range");
      }
      for (size_t j = i + 1; j < m.orders.size(); ++j) {
        if (m.orders[j].account == o.account && m.orders[j].id == o.id) {
          return fail(where + "two live orders " + std::to_string(o.account) + "/" + std::to_string(o.id));
        }
      }
    }

    // No crossed book.
    const int bid = best_index(m, true);
    const int ask = best_index(m, false);
    if (bid >= 0 && ask >= 0 &&
        m.orders[static_cast<size_t>(bid)].price >= m.orders[static_cast<size_t>(ask)].price) {
      return fail(where + "crossed book: bid " + std::to_string(m.orders[static_cast<size_t>(bid)].price) +
                  " >= ask " + std::to_string(m.orders[static_cast<size_t>(ask)].price));
    }

    // Conservation and reservations. Sums are overflow-checked so that a broken state
    // cannot hide behind a wrapped total.
    int64_t total_cash = 0;
    int64_t total_qty = 0;
    for (const auto& [id, a] : m.accounts) {
      const std::string who = where + "account " + std::to_string(id) + ": ";
      if (a.free_cash < 0 || a.reserved_cash < 0 || a.free_qty < 0 || a.reserved_qty < 0) {
        return fail(who + "negative balance field");
      }
      if (!add_checked(total_cash, a.free_cash) || !add_checked(total_cash, a.reserved_cash) ||
          !add_checked(total_qty, a.free_qty) || !add_checked(total_qty, a.reserved_qty)) {
        return fail(where + "market total overflows int64");
      }
      int64_t want_cash = 0;
      int64_t want_qty = 0;
      for (const Order& o : m.orders) {
        if (o.account != id) continue;
        int64_t value = 0;
        const bool ok = o.is_buy ? !__builtin_mul_overflow(o.remaining, o.price, &value) &&
                                       add_checked(want_cash, value)
                                 : add_checked(want_qty, o.remaining);
        if (!ok) return fail(who + "reservation sum overflows int64");
      }
      if (want_cash != a.reserved_cash) {
        return fail(who + "reserved cash " + std::to_string(a.reserved_cash) + " != resting buys " +
                    std::to_string(want_cash));
      }
      if (want_qty != a.reserved_qty) {
        return fail(who + "reserved qty " + std::to_string(a.reserved_qty) + " != resting sells " +
                    std::to_string(want_qty));
      }
    }
    for (const Order& o : m.orders) {
      if (m.accounts.find(o.account) == m.accounts.end()) {
        return fail(where + "order of account " + std::to_string(o.account) + " without a ledger entry");
      }
    }
    if (total_cash != m.deposited_cash) {
      return fail(where + "total cash " + std::to_string(total_cash) + " != deposits " +
                  std::to_string(m.deposited_cash));
    }
    if (total_qty != m.deposited_qty) {
      return fail(where + "total qty " + std::to_string(total_qty) + " != deposits " +
                  std::to_string(m.deposited_qty));
    }
  }
  return true;
}

uint64_t ReferenceExchange::digest() const {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t index = 0; index < markets_.size(); ++index) {
    const Market& m = markets_[index];
    fnv_feed(h, static_cast<int64_t>(index));
    for (bool buy_side : {true, false}) {  // bids, then asks
      const auto lv = levels(m, buy_side);
      fnv_feed(h, static_cast<int64_t>(lv.size()));
      for (const auto& [price, total] : lv) {
        const std::vector<Order> queue = orders_at(m, buy_side, price);
        fnv_feed(h, price);
        fnv_feed(h, static_cast<int64_t>(queue.size()));
        for (const Order& o : queue) {
          fnv_feed(h, o.account);
          fnv_feed(h, o.id);
          fnv_feed(h, o.remaining);
        }
      }
    }
    auto non_zero = [](const Account& a) {
      return a.free_cash != 0 || a.reserved_cash != 0 || a.free_qty != 0 || a.reserved_qty != 0;
    };
    int64_t count = 0;
    for (const auto& [id, a] : m.accounts) count += non_zero(a) ? 1 : 0;
    fnv_feed(h, count);
    for (const auto& [id, a] : m.accounts) {  // std::map: ascending account
      if (!non_zero(a)) continue;
      fnv_feed(h, id);
      fnv_feed(h, a.free_cash);
      fnv_feed(h, a.reserved_cash);
      fnv_feed(h, a.free_qty);
      fnv_feed(h, a.reserved_qty);
    }
  }
  return h;
}

}  // namespace swlab::test
