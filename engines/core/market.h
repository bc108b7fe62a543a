// One market: its limit order book and its account ledger. The unit of state that
// the sharded engines partition: no command ever touches two markets.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/flat_map.h"
#include "core/object_pool.h"
#include "core/types.h"

namespace swlab {

class Fnv64;

class Market {
 public:
  Market();
  Market(const Market&) = delete;
  Market& operator=(const Market&) = delete;
  ~Market();

  // Executes one command of this market. `out` may be null; then trades and depth
  // levels are counted but not recorded. Digest commands are handled by Exchange.
  Reply apply(const Command& cmd, ReplyBuffers* out);

  Reply deposit(int64_t account, Asset asset, int64_t amount);
  Reply place(bool buy, int64_t account, int64_t id, int64_t qty, int64_t price, bool ioc,
              ReplyBuffers* out);
  Reply cancel(int64_t account, int64_t id);
  Reply reduce(int64_t account, int64_t id, int64_t new_qty);
  TopOfBook top() const;
  void depth(int64_t levels, ReplyBuffers* out) const;
  Balance balance(int64_t account) const;

  // Feeds this market's canonical traversal into the digest (docs/protocol.md).
  void feed_digest(uint32_t index, Fnv64& h) const;
  // Appends a description of each broken invariant to *why; true when all hold.
  bool check_invariants(std::string* why) const;

  std::size_t resting_orders() const { return orders_.size(); }

  // Snapshot encoding of this market's whole state (engines/persistence/snapshot.h has the
  // layout): totals, ledger, then each side best level first, orders in time order.
  void serialize(std::string* out) const;
  // Rebuilds an empty market from serialize()'s bytes at [*p, end), advancing *p.
  // False (with what is wrong) on malformed or inconsistent input; the market is
  // then unusable and must be discarded.
  bool restore(const uint8_t** p, const uint8_t* end, std::string* error);

 private:
  struct Level;
  struct Order {
    Order* prev;
    Order* next;
    Level* level;
    int64_t account;
    int64_t id;
    int64_t remaining;
    int64_t price;
    bool buy;
  };
  struct Level {
    int64_t price;
    int64_t total;  // sum of remaining over the level's orders
    Order* head;    // oldest: first to trade
    Order* tail;
  };
  struct OrderKey {
    int64_t account;
    int64_t id;
    bool operator==(const OrderKey&) const = default;
  };
  struct OrderKeyTraits {
    static OrderKey empty() { return {-1, -1}; }
    static uint64_t hash(const OrderKey& k) {
      return mix64(static_cast<uint64_t>(k.id) * 0x9e3779b97f4a7c15ULL ^
                   static_cast<uint64_t>(k.account));
    }
  };
  struct AccountTraits {
    static int64_t empty() { return -1; }
    static uint64_t hash(int64_t a) { return mix64(static_cast<uint64_t>(a)); }
  };

  // One side of the book: levels sorted worst-to-best, so the best price is at the
  // back. Matching removes from the back (pop_back) and most new orders land at or
  // near the top of book, so insertions shift only a few pointers; a tree would
  // pay a pointer chase per level for the same job.
  struct Side {
    std::vector<Level*> levels;
    bool bids;  // bids: ascending prices; asks: descending
    bool better(int64_t a, int64_t b) const { return bids ? a > b : a < b; }
  };

  Balance& account(int64_t id);             // creates on first use
  Balance* find_account(int64_t id);
  Level* level_for(Side& side, int64_t price);  // finds or creates
  void remove_level(Side& side, Level* level);
  void unlink(Order* o);
  void release_reservation(const Order& o, int64_t qty);
  void match(bool buy, int64_t account, int64_t id, int64_t limit, int64_t& remaining,
             Reply& reply, ReplyBuffers* out);

  Side bids_{{}, true};
  Side asks_{{}, false};
  FlatMap<OrderKey, Order*, OrderKeyTraits> orders_{1024};
  FlatMap<int64_t, uint32_t, AccountTraits> account_index_{256};
  std::vector<Balance> balances_;
  std::vector<int64_t> balance_owner_;  // account id of balances_[i]
  ObjectPool<Order> order_pool_;
  ObjectPool<Level> level_pool_;
  int64_t deposited_cash_ = 0;
  int64_t deposited_qty_ = 0;
};

// 64-bit FNV-1a over little-endian 8-byte words, as docs/protocol.md specifies.
class Fnv64 {
 public:
  void add(uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h_ ^= (v >> (8 * i)) & 0xff;
      h_ *= 0x100000001b3ULL;
    }
  }
  void add(int64_t v) { add(static_cast<uint64_t>(v)); }
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 0xcbf29ce484222325ULL;
};

}  // namespace swlab
