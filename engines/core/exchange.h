// The whole state: a fixed list of markets, each with its own book and ledger.
// A single-threaded state machine; every engine wraps one (or, sharded, several)
// and none changes its rules.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/market.h"
#include "core/types.h"

namespace swlab {

class Exchange {
 public:
  explicit Exchange(uint32_t markets);

  uint32_t markets() const { return static_cast<uint32_t>(markets_.size()); }

  // Executes one command. Never throws; a command naming a market that does not
  // exist is rejected kUnknownMarket.
  Reply apply(const Command& cmd, ReplyBuffers* out) {
    if (cmd.type == CommandType::kDigest) {
      Reply r;
      r.status = Status::kOk;
      r.digest = digest();
      return r;
    }
    if (cmd.market >= markets_.size()) {
      Reply r;
      r.status = Status::kRejected;
      r.reason = RejectReason::kUnknownMarket;
      return r;
    }
    return markets_[cmd.market]->apply(cmd, out);
  }

  Market& market(uint32_t i) { return *markets_[i]; }
  const Market& market(uint32_t i) const { return *markets_[i]; }

  uint64_t digest() const;
  bool check_invariants(std::string* why) const;

 private:
  std::vector<std::unique_ptr<Market>> markets_;
};

}  // namespace swlab
