// Bindings from a run setting to the field that holds its value, built from a member
// pointer: the conversion between the field's type and SettingValue is chosen by the
// field's type, so a declaration names the field and nothing else.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/enum_names.h"
#include "run/run_record.h"
#include "run/run_setting.h"

namespace swlab::binding {

inline SettingValue value_of(bool v) { return v; }
inline SettingValue value_of(uint32_t v) { return uint64_t{v}; }
inline SettingValue value_of(uint64_t v) { return v; }
inline SettingValue value_of(int64_t v) { return static_cast<uint64_t>(v < 0 ? 0 : v); }
inline SettingValue value_of(double v) { return v; }
inline SettingValue value_of(const std::string& v) { return v; }
inline SettingValue value_of(const std::vector<std::string>& v) { return v; }
inline SettingValue value_of(const std::vector<double>& v) { return v; }
inline SettingValue value_of(const std::vector<uint32_t>& v) { return std::vector<uint64_t>(v.begin(), v.end()); }
inline SettingValue value_of(const std::vector<int>& v) {
  if (v.empty()) return std::monostate{};
  return std::vector<uint64_t>(v.begin(), v.end());
}

// A value parse() accepted for the field's type (a count's range was checked there).
inline void assign(bool& out, const SettingValue& v) { out = std::get<bool>(v); }
inline void assign(uint32_t& out, const SettingValue& v) { out = static_cast<uint32_t>(std::get<uint64_t>(v)); }
inline void assign(uint64_t& out, const SettingValue& v) { out = std::get<uint64_t>(v); }
inline void assign(int64_t& out, const SettingValue& v) { out = static_cast<int64_t>(std::get<uint64_t>(v)); }
inline void assign(double& out, const SettingValue& v) { out = std::get<double>(v); }
inline void assign(std::string& out, const SettingValue& v) { out = std::get<std::string>(v); }
inline void assign(std::vector<std::string>& out, const SettingValue& v) { out = std::get<std::vector<std::string>>(v); }
inline void assign(std::vector<double>& out, const SettingValue& v) { out = std::get<std::vector<double>>(v); }
inline void assign(std::vector<uint32_t>& out, const SettingValue& v) {
  const auto& l = std::get<std::vector<uint64_t>>(v);
  out.assign(l.begin(), l.end());
}
inline void assign(std::vector<int>& out, const SettingValue& v) {
  const auto& l = std::get<std::vector<uint64_t>>(v);
  out.assign(l.begin(), l.end());
}

// A field of the load every run shares (RunPlan::base), recorded per run from the
// run's own load (RunRecord::load).
template <class T>
SettingBinding load(T LoadConfig::*field) {
  return {[field](RunPlan& p, const SettingValue& v) { assign(p.base.*field, v); },
          [field](const RunPlan& p) { return value_of(p.base.*field); },
          [field](const RunRecord& r) { return value_of(r.load.*field); }};
}

// An enum field of the load, by its name table.
template <class E, std::size_t N>
SettingBinding load_enum(E LoadConfig::*field, const EnumName<E> (&names)[N]) {
  return {[field, &names](RunPlan& p, const SettingValue& v) { parse_enum(names, std::get<std::string>(v), &(p.base.*field)); },
          [field, &names](const RunPlan& p) { return SettingValue(std::string(enum_name(names, p.base.*field))); },
          [field, &names](const RunRecord& r) { return SettingValue(std::string(enum_name(names, r.load.*field))); }};
}

// A field of the plan itself: the invocation's, not recorded per run.
template <class T>
SettingBinding plan(T RunPlan::*field) {
  return {[field](RunPlan& p, const SettingValue& v) { assign(p.*field, v); },
          [field](const RunPlan& p) { return value_of(p.*field); }, {}};
}

template <class E, std::size_t N>
SettingBinding plan_enum(E RunPlan::*field, const EnumName<E> (&names)[N]) {
  return {[field, &names](RunPlan& p, const SettingValue& v) { parse_enum(names, std::get<std::string>(v), &(p.*field)); },
          [field, &names](const RunPlan& p) { return SettingValue(std::string(enum_name(names, p.*field))); }, {}};
}

// A field of the engines' journal configuration (EngineConfig::persistence) that no
// engine option describes (the snapshot cadence): the invocation's.
template <class T>
SettingBinding persistence(T PersistenceConfig::*field) {
  return {[field](RunPlan& p, const SettingValue& v) { assign(p.engine_config.persistence.*field, v); },
          [field](const RunPlan& p) { return value_of(p.engine_config.persistence.*field); }, {}};
}

}  // namespace swlab::binding
