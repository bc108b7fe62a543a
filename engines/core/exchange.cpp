#include "core/exchange.h"

namespace swlab {

Exchange::Exchange(uint32_t markets) {
  markets_.reserve(markets);
  for (uint32_t i = 0; i < markets; ++i) markets_.push_back(std::make_unique<Market>());
}

uint64_t Exchange::digest() const {
  Fnv64 h;
  for (uint32_t i = 0; i < markets_.size(); ++i) markets_[i]->feed_digest(i, h);
  return h.value();
}

bool Exchange::check_invariants(std::string* why) const {
  bool ok = true;
  for (uint32_t i = 0; i < markets_.size(); ++i) {
    std::string w;
    if (!markets_[i]->check_invariants(&w)) {
      ok = false;
      if (why) *why += "market " + std::to_string(i) + ": " + w;
    }
  }
  return ok;
}

std::string_view to_string(CommandType t) {
  switch (t) {
    case CommandType::kDeposit: return "deposit";
    case CommandType::kBuy: return "buy";
    case CommandType::kSell: return "sell";
    case CommandType::kCancel: return "cancel";
    case CommandType::kReduce: return "reduce";
    case CommandType::kTop: return "top";
    case CommandType::kDepth: return "depth";
    case CommandType::kBalance: return "balance";
    case CommandType::kDigest: return "digest";
  }
  return "?";
}

std::string_view to_string(RejectReason r) {
  switch (r) {
    case RejectReason::kNone: return "none";
    case RejectReason::kInvalid: return "invalid";
    case RejectReason::kDuplicateOrderId: return "duplicate_order_id";
    case RejectReason::kInsufficientFunds: return "insufficient_funds";
    case RejectReason::kInsufficientPosition: return "insufficient_position";
    case RejectReason::kUnknownOrder: return "unknown_order";
    case RejectReason::kOverflow: return "overflow";
    case RejectReason::kUnknownMarket: return "unknown_market";
    case RejectReason::kOverloaded: return "overloaded";
    case RejectReason::kShutdown: return "shutdown";
    case RejectReason::kJournalFailed: return "journal_failed";
    case RejectReason::kNotImplemented: return "not_implemented";
  }
  return "?";
}

}  // namespace swlab
