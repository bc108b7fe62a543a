#include "engine/exchange_core.h"

namespace swlab {

bool ExchangeCore::open(uint32_t markets, const PersistenceConfig& journal, std::string* error) {
  exchange_ = std::make_unique<Exchange>(markets);
  markets_ = markets;
  seq_ = 0;
  if (journal.dir.empty()) return true;
  // Recover whatever the directory holds, then continue its sequence.
  RecoveryReport report;
  uint64_t next = 1;
  persistence_ = Persistence::open(journal, exchange_.get(), &next, &report, &error_);
  if (!persistence_) {
    if (error) *error = error_;
    return false;
  }
  seq_ = next - 1;
  return true;
}

bool ExchangeCore::snapshot(std::string* error) {
  if (!persistence_) {
    if (error) *error = "this engine keeps no journal (use --journal DIR)";
    return false;
  }
  if (persistence_->snapshot(seq_, *exchange_)) return true;
  if (error) *error = persistence_->error();
  return false;
}

}  // namespace swlab
