#include "engine/overload_policy.h"

namespace swlab {

std::string_view to_string(OverloadPolicy p) {
  switch (p) {
    case OverloadPolicy::kBlock: return "block";
    case OverloadPolicy::kReject: return "reject";
    case OverloadPolicy::kPriority: return "priority";
  }
  return "?";
}

bool parse_overload_policy(std::string_view s, OverloadPolicy* out) {
  if (s == "block") *out = OverloadPolicy::kBlock;
  else if (s == "reject") *out = OverloadPolicy::kReject;
  else if (s == "priority") *out = OverloadPolicy::kPriority;
  else return false;
  return true;
}

}  // namespace swlab
