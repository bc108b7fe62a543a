// The journal, whole: include this to write or read one. The format and the rules
// (torn tail versus corruption) are documented once, in journal_format.h; each
// part lives in its own file:
//   journal_codec.h    records: the command payload, framing, the fit to a state
//   journal_segment.h  segment files: names, headers, listing
//   journal_scanner.h  reading back: scan_journal and the torn-tail rule
//   journal_writer.h   appending: JournalWriter
#pragma once

#include "persistence/journal_codec.h"
#include "persistence/journal_format.h"
#include "persistence/journal_scanner.h"
#include "persistence/journal_segment.h"
#include "persistence/journal_writer.h"
