// Lab 5 reference solution (instructors only: labs/make_handout.sh leaves solution/
// out): the core wraps the project's own Persistence (engines/persistence/persistence.h), the
// journal, snapshots and recovery the built-in `single-writer` engine uses.
#pragma once

#include <lab_reference_guard.h>  // the reference: a student build stops here (labs/common/rules/)
#include <cstdint>
#include <memory>
#include <string>

#include "core/exchange.h"
#include "persistence/persistence.h"

namespace swlab::lab5 {

class JournaledCore {
 public:
  bool open(uint32_t markets, const PersistenceConfig& cfg, std::string* error);
  Reply apply(const Command& cmd, ReplyBuffers* out);
  bool end_batch();
  // Optional in the Core concept: the reference answers snapshot requests.
  bool snapshot(std::string* error);
  const Exchange& exchange() const { return *exchange_; }
  std::string error() const { return persistence_ ? persistence_->error() : std::string(); }

 private:
  std::unique_ptr<Exchange> exchange_;
  std::unique_ptr<Persistence> persistence_;  // null: no journal
  uint64_t seq_ = 0;
};

}  // namespace swlab::lab5
