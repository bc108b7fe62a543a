// What a single-writer engine does when its bounded channel is full: the system's
// pressure gauge made into a decision.
#pragma once

#include <string_view>

#include "core/enum_names.h"
#include "core/types.h"

namespace swlab {

enum class OverloadPolicy {
  kBlock,     // the caller waits for room: backpressure reaches the sender
  kReject,    // submit fails at once with reason `overloaded`
  kPriority,  // cancels, reduces and queries ride a priority lane drained first;
              // new orders are shed first when full
};

// Under kPriority: commands that free resources or only read go first, because
// serving a cancel makes the book smaller and shedding it would strand an order.
constexpr bool is_priority(CommandType t) {
  return t == CommandType::kCancel || t == CommandType::kReduce || is_query(t);
}
// The commands an overloaded engine may refuse. Deposits are never shed: they are
// set-up, and refusing them would change what the run measures.
constexpr bool is_sheddable(CommandType t) { return t == CommandType::kBuy || t == CommandType::kSell; }

inline constexpr EnumName<OverloadPolicy> kOverloadPolicyNames[] = {
    {OverloadPolicy::kBlock, "block"},
    {OverloadPolicy::kReject, "reject"},
    {OverloadPolicy::kPriority, "priority"},
};
std::string_view to_string(OverloadPolicy p);

}  // namespace swlab
