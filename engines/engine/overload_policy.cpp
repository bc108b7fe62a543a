#include "engine/overload_policy.h"

namespace swlab {

std::string_view to_string(OverloadPolicy p) { return enum_name(kOverloadPolicyNames, p); }

}  // namespace swlab
