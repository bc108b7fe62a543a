// One command's flags, declared once: parsing, checking, the one-line error and the
// --help text are all derived from the declarations, so a flag's name, its limits
// and its default are written in one place and cannot drift apart.
//
//   Flags f("run", "[options]", "Runs the default comparison ...");
//   f.section("what to run");
//   f.count("--threads", "N", "client threads", &threads, 1, 4096);
//   if (int rc = f.parse(args); rc >= 0) return rc;   // --help, or a usage error
//
// Every value is checked as it is parsed, before the command does any work; a bad
// one prints "swlab <cmd>: --flag: '<value>' is not ... (limits)" and parse returns
// kExitUsage (2). Both `--flag value` and `--flag=value` are accepted.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace swlab::cli {

class Flags {
 public:
  // `synopsis` follows "usage: swlab <command> "; `description` is the paragraph
  // under it.
  Flags(std::string command, std::string synopsis, std::string description);

  // Starts a titled group of flags in the help text.
  void section(std::string title);
  // A switch, false unless given.
  void flag(std::string name, std::string help, bool* target);
  // A switch that calls `on` when given.
  void option_switch(std::string name, std::string help, std::function<void()> on);
  // A value checked and stored by `set`, which returns what is wrong with it (a
  // phrase to follow "--name: ") or an empty string.
  void option(std::string name, std::string metavar, std::string help,
              std::function<std::string(const std::string&)> set);
  // An unsigned whole number in [min, max]; the help shows the range and default.
  void count(std::string name, std::string metavar, std::string help, uint64_t* target, uint64_t min, uint64_t max);
  void count(std::string name, std::string metavar, std::string help, uint32_t* target, uint32_t min, uint32_t max);
  // A finite number in [min, max], or (min, max] when min_exclusive.
  void number(std::string name, std::string metavar, std::string help, double* target, double min, double max,
              bool min_exclusive = false);
  // Text; non-empty unless allow_empty.
  void text(std::string name, std::string metavar, std::string help, std::string* target, bool allow_empty = false);
  // One of `choices`.
  void choice(std::string name, std::string help, std::string* target, std::vector<std::string> choices);
  // A comma-separated list of non-empty items, each checked by `check` (may be
  // empty), which returns what is wrong with one item.
  void list(std::string name, std::string metavar, std::string help, std::vector<std::string>* target,
            std::function<std::string(const std::string&)> check = {});
  // Arguments that are not flags: `max` of them at most, stored in order.
  void positionals(std::string metavar, std::string help, std::vector<std::string>* target, std::size_t max);
  // Free text after the flags in --help (exit status, examples).
  void epilogue(std::string text);

  // -1: go on; kExitOk: --help was printed; kExitUsage: an error was printed.
  int parse(const std::vector<std::string>& args);
  bool given(const std::string& name) const;
  // The arguments as given, quoted where needed: "swlab run --threads 1,2".
  std::string command_line() const { return command_line_; }

  std::string help() const;
  // Prints "swlab <command>: <message>" and the hint; returns kExitUsage.
  int error(const std::string& message) const;

  const std::string& command() const { return command_; }
  // The title of the group of flags being declared.
  const std::string& current_section() const { return current_section_; }

 private:
  struct Spec {
    std::string name, metavar, help, section;
    bool takes_value = false;
    std::function<std::string(const std::string&)> set;  // takes_value
    std::function<void()> on;                            // a switch
  };
  Spec& add(std::string name, std::string metavar, std::string help);
  const Spec* find(const std::string& name) const;

  std::string command_, synopsis_, description_, epilogue_;
  std::string current_section_;
  std::vector<Spec> specs_;
  std::string positional_metavar_, positional_help_;
  std::vector<std::string>* positionals_ = nullptr;
  std::size_t max_positionals_ = 0;
  std::vector<std::string> given_;
  std::string command_line_;
};

// Splits "a,b,c" (no trimming; empty items are kept so callers can refuse them).
std::vector<std::string> split_list(const std::string& s, char sep = ',');
// Strict parsers: the whole string must be the number, in decimal (run/setting_value.h).
bool parse_u64(const std::string& s, uint64_t* v);
bool parse_double(const std::string& s, double* v);
// "1'000'000"-free human form of a limit: 86400, 1e+06 -> 1000000.
std::string format_limit(double v);

}  // namespace swlab::cli
