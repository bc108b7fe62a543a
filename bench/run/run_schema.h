// The run schema as data: every run setting and every run field, as `swlab schema`
// prints it (JSON, versioned). scripts/swlab_schema.json is this output, committed, so
// the Python scripts read the same declarations without a binary; a test checks that
// the two agree (tests/cli/schema_current.sh).
#pragma once

#include <string>

#include "run/run_plan.h"

namespace swlab {

inline constexpr int kSchemaVersion = 1;

// `defaults`: the plan the settings' defaults are read from (`swlab run`'s).
std::string schema_json(const RunPlan& defaults);

}  // namespace swlab
