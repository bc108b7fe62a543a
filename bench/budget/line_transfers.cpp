#include "budget/line_transfers.h"

#include <vector>

#include "single_writer/policies.h"

namespace swlab {

namespace {

std::optional<PolicyDescription> find(const std::vector<PolicyDescription>& list, const std::string& name) {
  for (const PolicyDescription& d : list)
    if (d.name == name) return d;
  return std::nullopt;
}

std::optional<int> find_count(const std::vector<PolicyDescription>& list, const std::string& name) {
  const auto d = find(list, name);
  return d ? std::optional<int>(d->line_transfers) : std::nullopt;
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

// round_trip_line_transfers<C, R, W>() (policy_concepts.h), by name.
std::optional<int> line_transfers(const SingleWriterPolicies& p) {
  const auto c = find(describe_channels(Channels{}), p.channel);
  const auto r = find(describe_policies(ReplyPaths{}), p.reply);
  const auto w = find_count(describe_policies(WaitStrategies{}), p.wait);
  if (!c || !r || !w) return std::nullopt;
  const int request_line = c->reads_request || r->reads_request ? 1 : 0;
  return kEngineLineTransfers + request_line + c->line_transfers + r->line_transfers + *w;
}

}  // namespace swlab
