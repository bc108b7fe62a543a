// A configuration's cache-line transfers per round trip, looked up at run time from
// its policies' names: the same sum round_trip_line_transfers<C, R, W>() forms at
// compile time (single_writer/policy_concepts.h), read from the declarations through
// the policy lists (single_writer/policies.h), so the budget follows the code.
#pragma once

#include <optional>
#include <string>

#include "engine/engine_registry.h"

namespace swlab {

struct SingleWriterPolicies {
  std::string channel, reply, wait;
};

// The single writer's policies of a resolved spec; nullopt for any other engine.
std::optional<SingleWriterPolicies> single_writer_policies(const ResolvedSpec& spec);

// kEngineLineTransfers + each policy's kLineTransfers; nullopt for a name not listed.
std::optional<int> line_transfers(const SingleWriterPolicies& p);
// The channel's own kLineTransfers; nullopt for a name not listed.
std::optional<int> channel_line_transfers(const std::string& channel);
// The reply path's own kLineTransfers; nullopt for a name not listed.
std::optional<int> reply_line_transfers(const std::string& reply);

}  // namespace swlab
