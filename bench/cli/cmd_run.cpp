#include "cli.h"

namespace swlab::cli {

int cmd_run(const std::vector<std::string>&) { return usage_error("run", "not built yet"); }

}  // namespace swlab::cli
