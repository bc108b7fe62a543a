// The `swlab` command-line tool: one file per subcommand.
#pragma once

#include <string>
#include <vector>

namespace swlab::cli {

// Exit codes: 0 success, 1 the work failed (an invariant broke, a file could not
// be written), 2 usage (bad flags or input detected before any work started).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

int cmd_engines(const std::vector<std::string>& args);
int cmd_exec(const std::vector<std::string>& args);
int cmd_run(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);
int cmd_replay(const std::vector<std::string>& args);
int cmd_audit(const std::vector<std::string>& args);
int cmd_machine(const std::vector<std::string>& args);
int cmd_schema(const std::vector<std::string>& args);
int cmd_explain(const std::vector<std::string>& args);

// Prints "swlab <cmd>: <message>" and a hint to stderr; returns kExitUsage.
int usage_error(const std::string& cmd, const std::string& message);

}  // namespace swlab::cli
