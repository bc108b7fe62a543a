// The budget as a JSON document (scripts/budget_plot.py draws it), and writing it:
// a symlink is refused, and the file is written under a temporary name, synced and
// renamed (durable_write_file), so a reader never finds half of it.
#pragma once

#include <string>

#include "budget/explanation.h"

namespace swlab {

inline constexpr int kBudgetVersion = 1;

std::string budget_json(const Explanation& e);

// An empty string on success, else what failed (naming the path).
std::string write_budget_json(const Explanation& e, const std::string& path);

}  // namespace swlab
