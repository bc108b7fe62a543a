// The budget as text: per configuration, one line per part (transfers, ns at p50,
// share of p50, ns at p99.9), the residual, the total, and the line saying the residual
// is over the target when it is.
#pragma once

#include <string>

#include "budget/explanation.h"

namespace swlab {

std::string budget_table(const ConfigurationBudget& c);
// The invocation's header: clock, floor before and after, placement, stability.
std::string explanation_header(const Explanation& e);

}  // namespace swlab
