// A run recorded in a results file (version 2 or 3), read back as the flags that make
// it again (`swlab run --from FILE --run ID`). Which flags, and where each value was
// recorded, come from the run settings' declarations (run_setting.h): this file knows
// no setting by name.
#pragma once

#include <string>
#include <vector>

namespace swlab {

// Fills *args with the flags of run `run_id` of the results file at `path`; returns
// an empty string, or what is wrong (a phrase naming the file or the run).
std::string recorded_run_args(const std::string& path, const std::string& run_id, std::vector<std::string>* args);

}  // namespace swlab
