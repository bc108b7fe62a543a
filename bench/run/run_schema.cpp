#include "run/run_schema.h"

#include "engine/engine_registry.h"
#include "run/json_writer.h"
#include "run/results_writer.h"
#include "run/run_fields.h"
#include "run/run_setting.h"

namespace swlab {

namespace {

void setting_object(JsonWriter& j, const RunSetting& s, const RunPlan& defaults) {
  j.begin_object();
  j.field("name", s.name);
  j.field("key", s.key());
  j.field("flag", s.flag());
  j.field("type", to_string(s.type));
  j.field("scope", to_string(s.scope));
  j.field("section", s.section);
  j.field("metavar", s.metavar);
  j.field("unit", s.unit);
  const bool ranged = s.type == SettingType::kCount || s.type == SettingType::kNumber ||
                      s.type == SettingType::kCountList || s.type == SettingType::kNumberList;
  if (ranged) {
    j.key("min").raw_json(shortest(s.min));
    j.key("max").raw_json(shortest(s.max));
    j.field("min_exclusive", s.min_exclusive);
  }
  if (!s.choices.empty()) j.array_field("choices", s.choices);
  j.key("default").raw_json(s.binding.plan_value ? to_json(s.binding.plan_value(defaults)) : "null");
  j.field("help", s.help);
  j.field("engine_option", s.engine_option);
  j.field("null_in_other_modes", s.null_in_other_modes);
  if (!s.alias_of.empty()) j.field("alias_of", s.alias_of);
  if (!s.legacy.empty()) j.field("legacy", s.legacy);
  j.end_object();
}

void field_object(JsonWriter& j, const RunField& f) {
  j.begin_object();
  j.field("path", f.path);
  j.field("csv", f.csv);
  j.field("type", to_string(f.type));
  j.field("nullable", f.nullable);
  j.field("unit", f.unit);
  j.field("help", f.help);
  j.end_object();
}

}  // namespace

std::string schema_json(const RunPlan& defaults) {
  JsonWriter j;
  j.begin_object();
  j.field("format", "swlab-schema");
  j.field("version", kSchemaVersion);
  j.field("results_version", kResultsVersion);
  j.key("run_settings").begin_array();
  for (const RunSetting& s : RunSettings::instance().all()) setting_object(j, s, defaults);
  j.end_array();
  j.key("run_fields").begin_array();
  for (const RunField& f : run_fields()) field_object(j, f);
  j.end_array();
  j.key("engines").begin_array();
  for (const EngineInfo& e : EngineRegistry::instance().engines()) {
    j.begin_object();
    j.field("name", e.name);
    j.key("options").begin_array();
    for (const EngineOption& o : e.options) j.value(o.name);
    j.end_array();
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.str() + "\n";
}

}  // namespace swlab
