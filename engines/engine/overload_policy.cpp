#include "engine/overload_policy.h"

namespace swlab {

std::string_view to_string(OverloadPolicy p) { return enum_name(kOverloadPolicyNames, p); }

bool parse_overload_policy(std::string_view s, OverloadPolicy* out) { return parse_enum(kOverloadPolicyNames, s, out); }

}  // namespace swlab
