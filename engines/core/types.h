// The vocabulary shared by the core, every engine and every client: commands,
// replies and the caller-owned buffers that variable-length replies fill.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace swlab {

// Ranges of the integer state (ticks and units). A reservation is at most
// kMaxQty * kMaxPrice = 10^15, far from int64 overflow.
inline constexpr int64_t kMinPrice = 1;
inline constexpr int64_t kMaxPrice = 1'000'000;
inline constexpr int64_t kMinQty = 1;
inline constexpr int64_t kMaxQty = 1'000'000'000;
inline constexpr int64_t kMaxDeposit = 1'000'000'000'000'000;  // 10^15 per deposit

enum class CommandType : uint8_t {
  kDeposit,
  kBuy,
  kSell,
  kCancel,
  kReduce,
  kTop,
  kDepth,
  kBalance,
  kDigest,  // 64-bit digest of the whole state, taken in order with the other commands
};
inline constexpr int kCommandTypeCount = 9;

// Queries never change the state: the reader-writer engine takes its lock shared for them.
constexpr bool is_query(CommandType t) {
  return t == CommandType::kTop || t == CommandType::kDepth || t == CommandType::kBalance ||
         t == CommandType::kDigest;
}

enum class Asset : uint8_t { kCash, kQty };

struct Command {
  CommandType type = CommandType::kTop;
  Asset asset = Asset::kCash;  // deposit only
  bool ioc = false;            // buy/sell only
  uint32_t market = 0;         // index into the symbol list fixed at construction
  int64_t account = 0;
  int64_t order_id = 0;
  int64_t qty = 0;  // order qty; reduce: the new qty; deposit: the amount; depth: levels
  int64_t price = 0;
};

// A reply starts kUnset: every path that answers a command sets kOk or kRejected.
// A reply that reaches a client still unset was never answered (a stub, a
// forgotten branch); the protocol prints it as an error and every engine suite
// rejects it, so a do-nothing engine cannot pass a test by saying nothing.
enum class Status : uint8_t { kUnset, kOk, kRejected };

enum class RejectReason : uint8_t {
  kNone,
  kInvalid,
  kDuplicateOrderId,
  kInsufficientFunds,
  kInsufficientPosition,
  kUnknownOrder,
  kOverflow,      // a deposit would push a market total past INT64_MAX
  kUnknownMarket,
  kOverloaded,    // the engine's bounded channel is full and the policy is to reject
  kShutdown,      // submitted after shutdown began
  kJournalFailed, // the engine's journal failed: it accepts nothing more, and this
                  // command is not acknowledged as durable
  kNotImplemented,  // a lab's starter stub (labs/): the student has not written it yet
};
inline constexpr int kRejectReasonCount = 12;

std::string_view to_string(CommandType t);
std::string_view to_string(RejectReason r);

struct Balance {
  int64_t cash_free = 0;
  int64_t cash_reserved = 0;
  int64_t qty_free = 0;
  int64_t qty_reserved = 0;
  bool operator==(const Balance&) const = default;
};

struct TopOfBook {
  int64_t bid_price = 0;  // 0 = empty side
  int64_t bid_qty = 0;
  int64_t ask_price = 0;
  int64_t ask_qty = 0;
  bool operator==(const TopOfBook&) const = default;
};

struct Reply {
  Status status = Status::kUnset;  // the engine sets kOk or kRejected
  RejectReason reason = RejectReason::kNone;
  uint16_t shard = 0;    // sharded engines: the shard that applied the command
  uint32_t trades = 0;   // trades this command made (appended to ReplyBuffers::trades)
  uint64_t seq = 0;      // sequence number where the engine assigns one (per shard), else 0
  // The payload: one command type's, never two, so they share storage. That makes a
  // reply 48 bytes instead of 104, small enough to share one 64-byte line with the
  // request's completion word: the caller that sees its reply is done has the reply
  // in the same line transfer (engine/engine.h, Request). A new reply's payload is
  // all zeros (the constructor value-initialises `top`, which covers the whole union);
  // read only the member of the reply's own command type.
  Reply() : top{} {}
  union {
    __extension__ struct {  // GCC and Clang's anonymous struct; -Wpedantic would flag it
      int64_t filled;       // buy/sell
      int64_t resting;      // buy/sell: rests after matching; cancel: qty canceled; reduce: new qty
    };
    Balance balance;        // deposit, balance
    TopOfBook top;          // top
    uint64_t digest;        // digest
  };
  bool ok() const { return status == Status::kOk; }
};
static_assert(sizeof(Reply) == 48, "a reply and the completion word must fit one 64-byte line");

struct Trade {
  int64_t qty;
  int64_t price;
  int64_t buy_account;
  int64_t buy_id;
  int64_t sell_account;
  int64_t sell_id;
  bool operator==(const Trade&) const = default;
};

struct LevelView {
  int64_t price;
  int64_t qty;  // total resting at this price
  bool operator==(const LevelView&) const = default;
};

// Variable-length parts of a reply, owned by the caller and reused across commands,
// so that a reply never allocates in steady state. The engine appends to them
// while it executes the command; the caller reads them only after the reply is
// complete (the completion's release/acquire publishes them).
struct ReplyBuffers {
  std::vector<Trade> trades;
  std::vector<LevelView> bids;
  std::vector<LevelView> asks;
  void clear() {
    trades.clear();
    bids.clear();
    asks.clear();
  }
};

}  // namespace swlab
