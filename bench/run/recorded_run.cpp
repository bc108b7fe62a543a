#include "run/recorded_run.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "run/json_reader.h"
#include "run/run_setting.h"

namespace swlab {

namespace {

constexpr uint64_t kMaxResultsBytes = 512ull << 20;

const Json* at_path(const Json* v, const std::string& dotted) {
  std::string part;
  for (std::size_t i = 0; i <= dotted.size() && v; ++i) {
    if (i == dotted.size() || dotted[i] == '.') {
      v = v->get(part);
      part.clear();
    } else {
      part += dotted[i];
    }
  }
  return v;
}

// A recorded value as a flag's text: numbers as written, lists comma-joined, a true
// switch as "" (given), anything else absent.
bool flag_text(const Json& v, std::string* out) {
  switch (v.kind()) {
    case Json::Kind::kNumber:
    case Json::Kind::kString: *out = v.str(); return true;
    case Json::Kind::kArray: {
      std::string s;
      for (const auto& item : v.items()) {
        if (!item->is_number() && !item->is_string()) return false;
        s += (s.empty() ? "" : ",") + item->str();
      }
      *out = s;
      return !s.empty();
    }
    default: return false;
  }
}

// Where `s` was recorded in a run of results version `version`.
const Json* recorded(const Json& run, const RunSetting& s, int version) {
  if (s.engine_option) return at_path(&run, "engine_config." + s.key());
  if (s.scope == SettingScope::kIdentity) return run.get(s.key());
  if (version >= 3) return at_path(&run, "settings." + s.key());
  return s.legacy.empty() ? nullptr : at_path(&run, s.legacy);
}

std::string read_file(const std::string& path, std::string* text) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return "cannot read '" + path + "'";
  if (static_cast<uint64_t>(st.st_size) > kMaxResultsBytes) return "'" + path + "' is larger than 512 MB";
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  if (!in.good() && !in.eof()) return "cannot read '" + path + "'";
  *text = buf.str();
  return {};
}

}  // namespace

std::string recorded_run_args(const std::string& path, const std::string& run_id, std::vector<std::string>* args) {
  std::string text;
  if (std::string why = read_file(path, &text); !why.empty()) return why;
  std::string why;
  const auto doc = Json::parse(text, &why);
  if (!doc) return "'" + path + "' is not JSON: " + why;
  const Json* format = doc->get("format");
  const Json* version = doc->get("version");
  if (!format || format->str() != "swlab-results" || !version || !version->is_number() || version->number() < 2)
    return "'" + path + "' is not a swlab results file of version 2 or later";
  const int v = static_cast<int>(version->number());
  const Json* run = nullptr;
  if (const Json* runs = doc->get("runs"); runs && runs->is_array())
    for (const auto& r : runs->items())
      if (const Json* id = r->get("id"); id && id->str() == run_id) run = r.get();
  if (!run) return "no run '" + run_id + "' in '" + path + "'";
  if (const Json* failed = run->get("failed"); failed && failed->kind() == Json::Kind::kBool && failed->boolean())
    return "run '" + run_id + "' failed; there is nothing to re-run exactly";

  std::vector<std::string>& a = *args;
  a.clear();
  const auto& settings = RunSettings::instance().all();
  for (const RunSetting& s : settings) {
    if (!s.recorded_per_run()) continue;
    const Json* value = recorded(*run, s, v);
    // An alias recorded with a value stands in for the setting it spells (a
    // service-mode run's --workers for --threads); one without, not at all.
    if (!s.alias_of.empty() && (!value || value->is_null())) continue;
    bool replaced = false;
    for (const RunSetting& alias : settings)
      if (alias.alias_of == s.name) {
        const Json* av = recorded(*run, alias, v);
        replaced |= av && !av->is_null();
      }
    if (replaced || !value || value->is_null()) continue;
    std::string flag_value;
    if (!flag_text(*value, &flag_value)) return "run '" + run_id + "' records " + s.key() + " in a form it cannot read";
    if (v < 3 && s.from_legacy && !s.legacy.empty()) flag_value = s.from_legacy(flag_value);
    a.push_back(s.flag());
    a.push_back(flag_value);
  }
  if (a.empty()) return "run '" + run_id + "' lacks the settings it needs";
  return {};
}

}  // namespace swlab
