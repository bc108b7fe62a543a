// The test oracle: a deliberately naive, single-threaded implementation of the
// `swlab exec` protocol (docs/protocol.md), written without looking at engines/.
//
// Every engine must print byte-identical output to this model for the same script.
// It favours being obviously correct over being fast: each market keeps its resting
// orders in one unsorted std::vector, tagged with an arrival sequence number, and
// every lookup (best price, order by id, price levels) is a linear scan. Nothing here
// is shared with the production engine, so a bug in one is unlikely to hide in both.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace swlab::test {

class ReferenceExchange {
 public:
  explicit ReferenceExchange(std::vector<std::string> symbols);

  // Executes one protocol line. line_no is the 1-based line number used in
  // "error line <n>: ..." messages. Returns the reply lines, each ending in '\n';
  // empty string for blank/comment-only lines.
  std::string execute_line(std::string_view line, int line_no);

  // Runs a whole script (lines separated by '\n'; a final line without '\n' still counts).
  std::string run_script(std::string_view script);

  // Checks the invariants from the spec: no crossed book; per market total cash and total qty
  // (free+reserved over all accounts) equal the sum of deposits; each account's reserved cash equals
  // the sum over its resting buys of remaining*price and reserved qty equals the sum of its resting
  // sells' remaining. Returns true if they hold, else false and a description in *why (if why != nullptr).
  bool check_invariants(std::string* why) const;

  uint64_t digest() const;  // exactly the FNV-1a digest described in docs/protocol.md

 private:
  struct Order {
    bool is_buy;
    int64_t account;
    int64_t id;
    int64_t price;
    int64_t remaining;
    uint64_t seq;  // arrival order across the whole exchange: smaller is older
  };

  struct Account {
    int64_t free_cash = 0;
    int64_t reserved_cash = 0;
    int64_t free_qty = 0;
    int64_t reserved_qty = 0;
  };

  struct Market {
    std::string symbol;
    std::vector<Order> orders;                // resting orders of both sides, unsorted
    std::map<int64_t, Account> accounts;      // created by the first deposit or accepted order
    int64_t deposited_cash = 0;               // sum of all cash deposits (conserved by trading)
    int64_t deposited_qty = 0;                // sum of all qty deposits
  };

  // Commands, called after a line parsed cleanly.
  std::string do_deposit(Market& m, int64_t account, bool cash, int64_t amount, int line_no);
  std::string do_order(Market& m, bool is_buy, int64_t account, int64_t id, int64_t qty,
                       int64_t price, bool ioc);
  std::string do_cancel(Market& m, int64_t account, int64_t id);
  std::string do_reduce(Market& m, int64_t account, int64_t id, int64_t new_qty);
  std::string do_top(const Market& m) const;
  std::string do_depth(const Market& m, int64_t levels) const;
  static std::string balance_line(const Market& m, int64_t account);

  // Linear-scan helpers.
  static Order* find_order(Market& m, int64_t account, int64_t id);
  // Index of the best resting order on the given side (best price, then oldest), or -1.
  static int best_index(const Market& m, bool buy_side);
  // (price, total qty) per level on one side, best first.
  static std::vector<std::pair<int64_t, int64_t>> levels(const Market& m, bool buy_side);
  // Resting orders of one side at one price, oldest first.
  static std::vector<Order> orders_at(const Market& m, bool buy_side, int64_t price);
  // Returns the ledger entry, creating a zero one if absent.
  static Account& account_ref(Market& m, int64_t account);
  static void reserve(Account& a, bool is_buy, int64_t qty, int64_t price);

  std::vector<Market> markets_;
  uint64_t next_seq_ = 0;
};

}  // namespace swlab::test
