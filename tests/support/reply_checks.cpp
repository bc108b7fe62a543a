#include "reply_checks.h"

#include <algorithm>
#include <map>
#include <string>

#include "persistence/persistence.h"  // is_sequenced

namespace swlab::test {

void ReplyTally::add(const Command& cmd, const Reply& reply, const ReplyBuffers* out) {
  ++replies;
  if (out != nullptr && out->trades.size() != reply.trades) ++trades_mismatched;
  switch (reply.status) {
    case Status::kUnset:
      ++unset;
      return;  // not an answer: nothing else it says counts
    case Status::kOk:
      ++ok;
      break;
    case Status::kRejected:
      ++rejected[static_cast<std::size_t>(reply.reason)];
      break;
  }
  const bool refused_at_the_door = reply.reason == RejectReason::kOverloaded ||
                                   reply.reason == RejectReason::kShutdown ||
                                   reply.reason == RejectReason::kJournalFailed ||
                                   reply.reason == RejectReason::kNotImplemented;
  if (is_sequenced(cmd.type) && !refused_at_the_door) numbered.push_back({reply.shard, reply.seq});
}

void ReplyTally::merge(const ReplyTally& other) {
  replies += other.replies;
  ok += other.ok;
  unset += other.unset;
  for (std::size_t i = 0; i < rejected.size(); ++i) rejected[i] += other.rejected[i];
  trades_mismatched += other.trades_mismatched;
  numbered.insert(numbered.end(), other.numbered.begin(), other.numbered.end());
}

::testing::AssertionResult every_reply_answered(const ReplyTally& t) {
  const int64_t stubs = t.refused(RejectReason::kNotImplemented);
  if (t.unset == 0 && stubs == 0 && t.trades_mismatched == 0) return ::testing::AssertionSuccess();
  ::testing::AssertionResult r = ::testing::AssertionFailure();
  r << "of " << t.replies << " replies:";
  if (t.unset > 0) r << " " << t.unset << " left unset (the engine never set the status)";
  if (stubs > 0) r << " " << stubs << " `not_implemented`";
  if (t.trades_mismatched > 0) r << " " << t.trades_mismatched << " with a trade count unlike the trades reported";
  return r;
}

::testing::AssertionResult numbered_without_gaps(const ReplyTally& t, bool required) {
  std::map<uint16_t, std::vector<uint64_t>> by_shard;
  bool any_numbered = false;
  for (const Numbered& n : t.numbered) {
    by_shard[n.shard].push_back(n.seq);
    any_numbered |= n.seq != 0;
  }
  if (!any_numbered) {
    if (!required) return ::testing::AssertionSuccess();  // an engine that does not number
    if (t.numbered.empty()) return ::testing::AssertionFailure() << "no state change was applied, so none was numbered";
    return ::testing::AssertionFailure() << "none of " << t.numbered.size()
                                         << " state changes has a sequence number (Reply::seq)";
  }
  for (auto& [shard, seqs] : by_shard) {
    std::sort(seqs.begin(), seqs.end());
    for (std::size_t i = 0; i < seqs.size(); ++i) {
      if (seqs[i] == i + 1) continue;
      ::testing::AssertionResult r = ::testing::AssertionFailure();
      r << "shard " << shard << ": the " << seqs.size() << " state changes should be numbered exactly 1.."
        << seqs.size() << ", but ";
      if (seqs[i] == 0) return r << "some have no number";
      if (i > 0 && seqs[i] == seqs[i - 1]) return r << "number " << seqs[i] << " was given twice";
      return r << "number " << i + 1 << " is missing (the next is " << seqs[i]
               << "): a gap, or two shards reporting as one (Reply::shard)";
    }
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult invariants_hold(Engine& engine, uint32_t markets) {
  uint32_t visited = 0;
  bool in_order = true;
  engine.for_each_market([&](uint32_t i, const Market&) { in_order &= i == visited++; });
  if (visited != markets || !in_order)
    return ::testing::AssertionFailure() << "for_each_market visited " << visited << " of " << markets
                                         << " markets" << (in_order ? "" : ", not in index order");
  std::string why;
  if (!engine.check_invariants(&why)) return ::testing::AssertionFailure() << why;
  return ::testing::AssertionSuccess();
}

}  // namespace swlab::test
