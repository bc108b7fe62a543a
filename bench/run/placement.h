// Which placement of the machine each run was measured in. On a VM whose host moves
// the vCPUs between near and far cores (the development machine's floor: 110-140 ns
// near, 380-610 ns far), a run's figures belong to its placement, and comparing a near
// run with a far one measures the host. The set's floor probes (every run's p50
// before and after) are split in two where the split leaves the least spread within
// each side, in log space (two-means: Otsu's threshold), and read as two modes when
// the upper side's median is at least 2x the lower's: repetitions within one placement
// differ by at most 1.6x there, the two placements' medians by 2.7x. Not the largest
// gap between neighbours: the probes taken while the host moves the vCPUs land between
// the modes (the 2026-12-07 reference sweep: 210 then 351 ns, a 1.67x gap between
// modes at 160 and 431 ns) and hide it. scripts/swlab_stats.py applies the same rule
// to files written before it was recorded, or by an older rule (docs/results-format.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "run/run_record.h"

namespace swlab {

PlacementRule placement_rule(const std::vector<RunRecord>& runs);

// Classifies every run of the set (RunRecord::placement) and records the rule.
void classify_placements(ResultsSet& set);

// "near" or "far" when both of the run's probes are in that mode, "unknown" when they
// differ or the run has no probe; with one mode every probed run is "near".
std::string placement_of(const RunRecord& r, const PlacementRule& rule);

}  // namespace swlab
