#include "run/run_fields.h"

#include <cstdio>

#include "run/run_field_tables.h"
#include "run/run_setting.h"

namespace swlab {

std::string_view to_string(FieldType t) {
  switch (t) {
    case FieldType::kBool: return "bool";
    case FieldType::kInt: return "int";
    case FieldType::kNumber: return "number";
    case FieldType::kText: return "text";
    case FieldType::kObject: return "object";
    case FieldType::kArray: return "array";
  }
  return "?";
}

namespace {

using namespace run_field_tables;  // NOLINT: the declaration starters of every table


// The identity: the id, every identity setting, the repetition and the order, and the
// run settings under `settings`.
void identity_fields(std::vector<RunField>& out) {
  out.push_back(scalar("id", "id", FieldType::kText, "", "the run's id: unique in its set, the .hgrm's name",
                       [](const RunRecord& r) { return FieldValue(r.id); }));
  for (const RunSetting& s : RunSettings::instance().all()) {
    if (s.scope != SettingScope::kIdentity || s.engine_option) continue;
    const RunSetting* setting = &s;
    const FieldType type = s.type == SettingType::kCount || s.type == SettingType::kCountList     ? FieldType::kInt
                           : s.type == SettingType::kNumber || s.type == SettingType::kNumberList ? FieldType::kNumber
                                                                                                  : FieldType::kText;
    RunField f = section(s.key(), type, s.null_in_other_modes, s.help, [setting](JsonWriter& j, const RunRecord& r) {
      j.raw_json(to_json(setting->binding.run_value(r)));
    });
    f.csv = s.key();
    f.unit = s.unit;
    f.value = [setting](const RunRecord& r) -> FieldValue {
      return to_flag_text(setting->binding.run_value(r));
    };
    out.push_back(std::move(f));
  }
  out.push_back(scalar("repetition", "repetition", FieldType::kInt, "", "repetition index of its configuration",
                       [](const RunRecord& r) { return count(r.repetition); }));
  out.push_back(scalar("order", "order", FieldType::kInt, "", "its position in the order the runs were made",
                       [](const RunRecord& r) { return count(r.order); }));
  out.push_back(section("settings", FieldType::kObject, false, "every run setting as this run used it (run_setting.h)",
                        [](JsonWriter& j, const RunRecord& r) {
                          j.begin_object();
                          for (const RunSetting& s : RunSettings::instance().all())
                            if (s.scope == SettingScope::kRun && !s.engine_option)
                              j.key(s.key()).raw_json(to_json(s.binding.run_value(r)));
                          j.end_object();
                        }));
  // Every run setting is a column of summary.csv too.
  for (const RunSetting& s : RunSettings::instance().all()) {
    if (s.scope != SettingScope::kRun || s.engine_option) continue;
    const RunSetting* setting = &s;
    RunField f = scalar("", s.key(), FieldType::kText, s.unit, s.help, [setting](const RunRecord& r) -> FieldValue {
      return to_flag_text(setting->binding.run_value(r));
    });
    out.push_back(std::move(f));
  }
}

}  // namespace


const std::vector<RunField>& run_fields() {
  // Built on first use, after every setting a test or a lab adds at start-up.
  static const std::vector<RunField> fields = [] {
    std::vector<RunField> out;
    identity_fields(out);
    section_fields(out);
    placement_fields(out);
    summary_fields(out);
    return out;
  }();
  return fields;
}

namespace {

void write_scalar(JsonWriter& j, const RunField& f, const FieldValue& v) {
  struct Visit {
    JsonWriter& j;
    void operator()(std::monostate) const { j.null(); }
    void operator()(bool b) const { j.value(b); }
    void operator()(int64_t n) const { j.value(n); }
    void operator()(double x) const { j.value(x); }
    void operator()(const std::string& s) const { j.value(s); }
  };
  (void)f;
  std::visit(Visit{j}, v);
}

std::vector<std::string> parts_of(const std::string& path) {
  std::vector<std::string> parts(1);
  for (char c : path) {
    if (c == '.') {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

std::string csv_cell(const RunField& f, const FieldValue& v) {
  struct Visit {
    const RunField& f;
    std::string operator()(std::monostate) const { return {}; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int64_t n) const { return std::to_string(n); }
    std::string operator()(double x) const {
      char buf[64];
      std::snprintf(buf, sizeof buf, f.csv_format.c_str(), x);
      return buf;
    }
    std::string operator()(const std::string& s) const {
      if (s.find_first_of(",\"\n") == std::string::npos) return s;
      std::string q = "\"";
      for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      return q + "\"";
    }
  };
  return std::visit(Visit{f}, v);
}

}  // namespace

void write_run_object(JsonWriter& j, const RunRecord& r) {
  std::vector<std::string> open;  // the objects the last field left open, outermost first
  j.begin_object();
  for (const RunField& f : run_fields()) {
    if (f.path.empty()) continue;
    const std::vector<std::string> parts = parts_of(f.path);
    std::size_t common = 0;
    while (common < open.size() && common + 1 < parts.size() && open[common] == parts[common]) ++common;
    while (open.size() > common) {
      j.end_object();
      open.pop_back();
    }
    for (std::size_t k = common; k + 1 < parts.size(); ++k) {
      j.key(parts[k]).begin_object();
      open.push_back(parts[k]);
    }
    j.key(parts.back());
    if (f.write) {
      f.write(j, r);
    } else {
      write_scalar(j, f, f.value(r));
    }
  }
  while (!open.empty()) {
    j.end_object();
    open.pop_back();
  }
  j.end_object();
}

std::string csv_header() {
  std::string h;
  for (const RunField& f : run_fields())
    if (!f.csv.empty()) h += (h.empty() ? "" : ",") + f.csv;
  return h + "\n";
}

std::string csv_row(const RunRecord& r) {
  std::string row;
  bool first = true;
  for (const RunField& f : run_fields()) {
    if (f.csv.empty()) continue;
    row += (first ? "" : ",") + csv_cell(f, f.value(r));
    first = false;
  }
  return row + "\n";
}

}  // namespace swlab
