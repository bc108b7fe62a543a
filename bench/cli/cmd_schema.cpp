#include <cstdio>

#include "cli/cli.h"
#include "cli/flags.h"
#include "cli/run_options.h"
#include "run/run_schema.h"

namespace swlab::cli {

int cmd_schema(const std::vector<std::string>& args) {
  Flags f("schema", "",
          "Prints the run schema as JSON: every setting of 'swlab run' and 'swlab sweep' (flag,\n"
          "type, limits, unit, default, whether it is part of a run's identity) and every field\n"
          "a results file records for each run (path, type, unit, CSV column). The Python\n"
          "scripts read the same schema from scripts/swlab_schema.json.");
  if (int rc = f.parse(args); rc >= 0) return rc;
  std::fputs(schema_json(default_plan("run")).c_str(), stdout);
  return kExitOk;
}

}  // namespace swlab::cli
