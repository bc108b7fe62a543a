// Ctrl-C and SIGTERM during a sweep: the first signal asks the run in progress to
// stop (clients stop sending; what they sent is answered), the completed runs are
// written as a results set marked "interrupted", and the command exits 130 (SIGINT)
// or 143 (SIGTERM). A second signal exits at once.
#pragma once

#include <atomic>

namespace swlab::cli {

// Installs the handlers (idempotent) and returns the flag the first signal sets.
const std::atomic<bool>& install_interrupt_handlers();
bool interrupted();
// 128 + the signal's number, or 0 when none arrived.
int interrupt_exit_code();

}  // namespace swlab::cli
