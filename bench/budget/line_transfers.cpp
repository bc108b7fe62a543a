#include "budget/line_transfers.h"

#include <vector>

#include "single_writer/policies.h"

namespace swlab {

namespace {

std::optional<int> find_count(const std::vector<PolicyDescription>& list, const std::string& name) {
  for (const PolicyDescription& d : list)
    if (d.name == name) return d.line_transfers;
  return std::nullopt;
}

}  // namespace

std::optional<SingleWriterPolicies> single_writer_policies(const ResolvedSpec& spec) {
  if (spec.info == nullptr || spec.info->name != "single-writer") return std::nullopt;
  return SingleWriterPolicies{spec.config.channel, spec.config.reply, spec.config.wait};
}

std::optional<int> channel_line_transfers(const std::string& channel) {
  return find_count(describe_channels(Channels{}), channel);
}

std::optional<int> reply_line_transfers(const std::string& reply) {
  return find_count(describe_policies(ReplyPaths{}), reply);
}

std::optional<int> line_transfers(const SingleWriterPolicies& p) {
  const auto c = channel_line_transfers(p.channel);
  const auto r = reply_line_transfers(p.reply);
  const auto w = find_count(describe_policies(WaitStrategies{}), p.wait);
  if (!c || !r || !w) return std::nullopt;
  return kEngineLineTransfers + *c + *r + *w;
}

}  // namespace swlab
