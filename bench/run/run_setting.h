// A run setting, declared once: its name, type, limits, unit, help, default and
// whether it is part of a run's identity. Everything else is derived from that one
// declaration, as EngineOption does for engine settings (engine/engine_options.h):
//   - the flag of `swlab run` and `swlab sweep` (--name), its parsing and checking,
//     the one-line usage error and the --help line with its limits and default;
//   - where the value lives in the plan (RunPlan, LoadConfig, EngineConfig);
//   - what results.json records: identity settings at the top of each run, the other
//     run settings in its `settings` object, invocation settings in `config`;
//   - `swlab run --from FILE --run ID`, which reads a recorded run's settings back
//     into flags through these same declarations;
//   - `swlab schema`, the machine-readable form the Python scripts and tests read.
// Adding a setting is one entry in run_settings.cpp (docs/architecture.md, "How to
// add a run setting"), or one RunSettings::add() for a setting a test or a lab brings.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "run/run_plan.h"
#include "run/setting_value.h"

namespace swlab {

struct RunRecord;

enum class SettingType { kSwitch, kCount, kNumber, kText, kChoice, kCountList, kNumberList, kTextList, kCpuList };

enum class SettingScope {
  kIdentity,    // what makes a run what it is: recorded at the top of each run, in its id and its
                // configuration key; restored by --from
  kRun,         // changes what a run measures: recorded in each run's `settings`; restored by --from
  kInvocation,  // about the invocation as a whole (repetitions, order, knee search): recorded in
                // `config` only
  kControl,     // where output goes and how it is shown: not recorded
};

std::string_view to_string(SettingType t);
std::string_view to_string(SettingScope s);

// Where a setting's value lives. Binding helpers (run_setting_bindings.h) build these
// from a member pointer; a setting with unusual storage writes the three itself.
struct SettingBinding {
  std::function<void(RunPlan&, const SettingValue&)> store;
  std::function<SettingValue(const RunPlan&)> plan_value;  // the default, and what `config` records
  // The value one run used (identity and run scope): the effective value, after the
  // axes were expanded and the presets and calibration applied.
  std::function<SettingValue(const RunRecord&)> run_value;
};

struct RunSetting {
  std::string name;  // --name; the results key is name with '_' for '-'
  SettingType type = SettingType::kCount;
  SettingScope scope = SettingScope::kRun;
  std::string section;
  std::string metavar;
  std::string unit;  // of the value as given and recorded: "ns", "s", "ms", "commands/s", "us"
  std::string help;
  std::string noun;  // what one value is, for messages: "a thread count" (default from the type)
  double min = 0, max = 0;  // counts and numbers, and each item of their lists
  bool min_exclusive = false;
  std::vector<std::string> choices;  // kChoice; for kTextList, the allowed items when not empty
  // Extra checks: of each item of a text list (returns what is wrong with it), and a
  // parse of its own for a value the type cannot express ("N|auto").
  std::function<std::string(const std::string&)> check_item;
  std::function<std::string(const std::string&, SettingValue*)> parse_special;
  std::string default_text;  // shown in --help instead of the plan's value (when not empty)
  std::string alias_of;      // another spelling of that setting (--workers for --threads)
  std::string legacy;        // where a version 2 results file recorded it (dotted path in the run)
  // Turns the text of a value recorded at `legacy` into this flag's text, when the two
  // differ (the interval was recorded in s and is given in ms).
  std::function<std::string(const std::string&)> from_legacy;
  bool engine_option = false;     // recorded in the run's engine_config, not in settings
  bool null_in_other_modes = false;  // recorded as null in runs of modes it does not apply to
  bool refused_with_from = false; // an invocation setting that --from cannot take either
  SettingBinding binding;

  std::string key() const;
  std::string flag() const { return "--" + name; }
  bool recorded_per_run() const { return scope == SettingScope::kIdentity || scope == SettingScope::kRun; }
  // --from FILE takes these from the recorded run, so they may not be given with it.
  bool decided_by_from() const { return recorded_per_run() || refused_with_from; }
  // Parses and checks `text`; empty, or what is wrong with it (a phrase that follows
  // "--name: ").
  std::string parse(const std::string& text, SettingValue* out) const;
  // The --help text: help, the limits and the default in `defaults`.
  std::string help_text(const RunPlan& defaults) const;
  // "1 to 4096", "above 0, at most 86400", "closed|open|service".
  std::string limits() const;
  std::string parse_list(const std::string& text, SettingValue* out) const;
  std::string check_number(const std::string& item, bool whole, double* x) const;

  // Fluent declaration (run_settings.cpp): count("window", "N", 1, 65536).in(...)...
  RunSetting& in(std::string s) { section = std::move(s); return *this; }
  RunSetting& with_scope(SettingScope s) { scope = s; return *this; }
  RunSetting& identity() { scope = SettingScope::kIdentity; return *this; }
  RunSetting& invocation() { scope = SettingScope::kInvocation; return *this; }
  RunSetting& control() { scope = SettingScope::kControl; return *this; }
  RunSetting& in_unit(std::string u) { unit = std::move(u); return *this; }
  RunSetting& described(std::string h) { help = std::move(h); return *this; }
  RunSetting& called(std::string n) { noun = std::move(n); return *this; }
  RunSetting& shown_default(std::string d) { default_text = std::move(d); return *this; }
  RunSetting& was(std::string path) { legacy = std::move(path); return *this; }
  RunSetting& not_with_from() { refused_with_from = true; return *this; }
  RunSetting& mode_specific() { null_in_other_modes = true; return *this; }
  RunSetting& spelling_of(std::string other) { alias_of = std::move(other); return *this; }
  RunSetting& above_min() { min_exclusive = true; return *this; }
  RunSetting& bound(SettingBinding b) { binding = std::move(b); return *this; }
};

// Declaration starters, one per type.
RunSetting switch_setting(std::string name);
RunSetting count_setting(std::string name, std::string metavar, double min, double max);
RunSetting number_setting(std::string name, std::string metavar, double min, double max);
RunSetting text_setting(std::string name, std::string metavar);
RunSetting choice_setting(std::string name, std::vector<std::string> choices);
RunSetting count_list_setting(std::string name, std::string metavar, double min, double max);
RunSetting number_list_setting(std::string name, std::string metavar, double min, double max);
RunSetting text_list_setting(std::string name, std::string metavar);
RunSetting cpu_list_setting(std::string name);

// Every run setting, in --help order: the built-in ones (run_settings.cpp), one per
// engine option any registered engine takes, then any added at run time.
class RunSettings {
 public:
  static RunSettings& instance();
  const std::vector<RunSetting>& all();
  const RunSetting* find(std::string_view name);  // by name or results key
  // A setting a test or a lab brings; its binding may keep the value in
  // RunPlan::extensions (extension_binding()). Names must be new.
  void add(RunSetting s);

 private:
  void build();
  std::vector<RunSetting> settings_;
  std::vector<RunSetting> added_;
  bool built_ = false;
};

// A binding that keeps the value in RunPlan::extensions under the setting's name
// (and records the invocation's value with every run).
SettingBinding extension_binding(const std::string& name, SettingValue initial);

}  // namespace swlab
