// The console table of a results set: one row per configuration (engine, preset,
// threads, mode, rate), each figure the median over its repetitions.
#pragma once

#include "run/run_record.h"

namespace swlab::cli {

void print_table(const ResultsSet& set);

}  // namespace swlab::cli
