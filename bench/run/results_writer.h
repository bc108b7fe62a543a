// Writes a set of runs as results.json, summary.csv and one .hgrm per run
// (docs/results-format.md). Every run object and CSV row comes from the declared run
// fields (run_fields.h), the `config` object from the run settings (run_setting.h).
// Every file is written with durable_write_file (engines/persistence/file_io.h: a
// temporary name, synced, renamed), results.json last, so an interrupted invocation
// never leaves a file that looks complete.
#pragma once

#include <string>

#include "run/run_record.h"

namespace swlab {

// Version 3: run settings in `settings`, engine options typed in `engine_config`,
// `config` keyed by setting, failed runs kept (docs/results-format.md says what
// changed in each version; `swlab run --from` and scripts/swlab_results.py read 2 and 3).
inline constexpr int kResultsVersion = 3;

// Returns an empty string on success, else what failed (the directory is then left
// without results.json).
std::string write_results(const ResultsSet& set, const std::string& dir);

std::string to_json(const ResultsSet& set);

}  // namespace swlab
