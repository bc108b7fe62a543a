// Which commands take a sequence number and a journal record: those that may change
// the state. Its own header because every engine and core decides by it, while only
// the journaling code needs the rest of persistence.h.
#pragma once

#include "core/types.h"

namespace swlab {

// Commands that change state are sequenced and journaled, whatever their outcome
// (a rejected order is replayed to the same rejection). Queries read the state at
// the current sequence number and take no number of their own.
constexpr bool is_sequenced(CommandType t) { return !is_query(t); }

}  // namespace swlab
