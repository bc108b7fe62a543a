#include "run/run_setting.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "run/run_record.h"

namespace swlab {

std::string_view to_string(SettingType t) {
  switch (t) {
    case SettingType::kSwitch: return "switch";
    case SettingType::kCount: return "count";
    case SettingType::kNumber: return "number";
    case SettingType::kText: return "text";
    case SettingType::kChoice: return "choice";
    case SettingType::kCountList: return "count_list";
    case SettingType::kNumberList: return "number_list";
    case SettingType::kTextList: return "text_list";
    case SettingType::kCpuList: return "cpu_list";
  }
  return "?";
}

std::string_view to_string(SettingScope s) {
  switch (s) {
    case SettingScope::kIdentity: return "identity";
    case SettingScope::kRun: return "run";
    case SettingScope::kInvocation: return "invocation";
    case SettingScope::kControl: return "control";
  }
  return "?";
}

namespace {

std::string format_limit(double v) {
  // The largest count (a seed) is 2^64 - 1, which a double rounds up to 2^64.
  if (v >= 18446744073709551615.0) return "18446744073709551615";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e18) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%g", v);
  }
  return buf;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == sep) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

bool is_list(SettingType t) {
  return t == SettingType::kCountList || t == SettingType::kNumberList || t == SettingType::kTextList ||
         t == SettingType::kCpuList;
}

std::string default_noun(SettingType t) {
  switch (t) {
    case SettingType::kCount:
    case SettingType::kCountList: return "a whole number";
    case SettingType::kNumber:
    case SettingType::kNumberList: return "a number";
    default: return "a value";
  }
}

cpu_set_t allowed_cpus() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  pthread_getaffinity_np(pthread_self(), sizeof allowed, &allowed);
  return allowed;
}

// "0,2,4-7" -> {0, 2, 4, 5, 6, 7}; every CPU must be online and allowed to this process.
std::string parse_cpu_list(const std::string& v, std::vector<uint64_t>* out) {
  const cpu_set_t allowed = allowed_cpus();
  std::vector<uint64_t> cpus;
  for (const auto& item : split(v, ',')) {
    const std::size_t dash = item.find('-');
    uint64_t lo, hi;
    if (!parse_count(dash == std::string::npos ? item : item.substr(0, dash), &lo))
      return shown(item) + " is not a CPU number or range (e.g. 0,2,4-7)";
    hi = lo;
    if (dash != std::string::npos && (!parse_count(item.substr(dash + 1), &hi) || hi < lo))
      return shown(item) + " is not a CPU range (e.g. 4-7)";
    for (uint64_t c = lo; c <= hi; ++c) {
      if (c >= CPU_SETSIZE || !CPU_ISSET(static_cast<int>(c), &allowed))
        return "CPU " + std::to_string(c) + " is not online or not allowed to this process";
      cpus.push_back(c);
    }
  }
  *out = std::move(cpus);
  return {};
}

}  // namespace

std::string RunSetting::key() const {
  std::string k = name;
  std::replace(k.begin(), k.end(), '-', '_');
  return k;
}

std::string RunSetting::limits() const {
  switch (type) {
    case SettingType::kCount:
    case SettingType::kCountList:
    case SettingType::kNumber:
    case SettingType::kNumberList:
      return min_exclusive ? "above " + format_limit(min) + ", at most " + format_limit(max)
                           : "from " + format_limit(min) + " to " + format_limit(max);
    case SettingType::kChoice:
    case SettingType::kTextList: {
      if (choices.empty()) return {};
      std::string s = "one of ";
      for (std::size_t i = 0; i < choices.size(); ++i) s += (i ? ", " : "") + choices[i];
      return s;
    }
    default: return {};
  }
}

std::string RunSetting::parse(const std::string& text, SettingValue* out) const {
  if (parse_special) return parse_special(text, out);
  switch (type) {
    case SettingType::kSwitch:
      *out = true;
      return {};
    case SettingType::kCount: {
      double x;
      if (std::string why = check_number(text, true, &x); !why.empty()) return why;
      uint64_t n;
      parse_count(text, &n);
      *out = n;
      return {};
    }
    case SettingType::kNumber: {
      double x;
      if (std::string why = check_number(text, false, &x); !why.empty()) return why;
      *out = x;
      return {};
    }
    case SettingType::kText:
      if (text.empty()) return "needs a value";
      *out = text;
      return {};
    case SettingType::kChoice:
      if (std::find(choices.begin(), choices.end(), text) == choices.end()) return shown(text) + " is not " + limits();
      *out = text;
      return {};
    case SettingType::kCpuList: {
      std::vector<uint64_t> cpus;
      if (std::string why = parse_cpu_list(text, &cpus); !why.empty()) return why;
      *out = std::move(cpus);
      return {};
    }
    default: break;
  }
  return parse_list(text, out);
}

// The lists: every item non-empty and valid.
std::string RunSetting::parse_list(const std::string& text, SettingValue* out) const {
  std::vector<uint64_t> counts;
  std::vector<double> numbers;
  std::vector<std::string> texts;
  for (const std::string& item : split(text, ',')) {
    if (item.empty()) return shown(text) + " has an empty item";
    if (type == SettingType::kTextList) {
      if (!choices.empty() && std::find(choices.begin(), choices.end(), item) == choices.end())
        return "unknown " + (noun.empty() ? std::string("value") : noun) + " " + shown(item) + " (" + limits() + ")";
      if (check_item)
        if (std::string why = check_item(item); !why.empty()) return why;
      texts.push_back(item);
      continue;
    }
    double x;
    if (std::string why = check_number(item, type == SettingType::kCountList, &x); !why.empty()) return why;
    if (type == SettingType::kCountList) {
      uint64_t n;
      parse_count(item, &n);
      counts.push_back(n);
    } else {
      numbers.push_back(x);
    }
  }
  if (type == SettingType::kCountList) {
    *out = std::move(counts);
  } else if (type == SettingType::kNumberList) {
    *out = std::move(numbers);
  } else {
    *out = std::move(texts);
  }
  return {};
}

// One count or number: the value, or what is wrong with it.
std::string RunSetting::check_number(const std::string& item, bool whole, double* x) const {
  bool ok;
  if (whole) {
    uint64_t n;
    ok = parse_count(item, &n);
    *x = static_cast<double>(n);
  } else {
    ok = parse_decimal(item, x);
  }
  if (!ok || *x < min || *x > max || (min_exclusive && *x == min))
    return shown(item) + " is not " + (noun.empty() ? default_noun(type) : noun) + " " + limits();
  return {};
}

std::string RunSetting::help_text(const RunPlan& defaults) const {
  std::string text = help;
  std::vector<std::string> notes;
  if ((type == SettingType::kCount || type == SettingType::kNumber || type == SettingType::kCountList ||
       type == SettingType::kNumberList))
    notes.push_back((is_list(type) ? "each " : "") + limits().substr(limits().rfind("from ", 0) == 0 ? 5 : 0));
  if (type == SettingType::kTextList && !choices.empty()) notes.push_back(limits());
  if (type == SettingType::kChoice && metavar.find('|') == std::string::npos) notes.push_back(limits().substr(7));
  if (type != SettingType::kSwitch) {
    std::string d = default_text;
    if (d.empty() && binding.plan_value) d = to_flag_text(binding.plan_value(defaults));
    if (!d.empty()) notes.push_back("default " + d);
  }
  if (notes.empty()) return text;
  std::string joined;
  for (const auto& n : notes) joined += (joined.empty() ? "" : "; ") + n;
  return text + " (" + joined + ")";
}

namespace {

RunSetting starter(std::string name, SettingType type, std::string metavar, double min, double max) {
  RunSetting s;
  s.name = std::move(name);
  s.type = type;
  s.metavar = std::move(metavar);
  s.min = min;
  s.max = max;
  return s;
}

}  // namespace

RunSetting switch_setting(std::string name) { return starter(std::move(name), SettingType::kSwitch, "", 0, 0); }
RunSetting count_setting(std::string name, std::string metavar, double min, double max) {
  return starter(std::move(name), SettingType::kCount, std::move(metavar), min, max);
}
RunSetting number_setting(std::string name, std::string metavar, double min, double max) {
  return starter(std::move(name), SettingType::kNumber, std::move(metavar), min, max);
}
RunSetting text_setting(std::string name, std::string metavar) {
  return starter(std::move(name), SettingType::kText, std::move(metavar), 0, 0);
}
RunSetting choice_setting(std::string name, std::vector<std::string> choices) {
  std::string metavar;
  for (const auto& c : choices) metavar += (metavar.empty() ? "" : "|") + c;
  RunSetting s = starter(std::move(name), SettingType::kChoice, std::move(metavar), 0, 0);
  s.choices = std::move(choices);
  return s;
}
RunSetting count_list_setting(std::string name, std::string metavar, double min, double max) {
  return starter(std::move(name), SettingType::kCountList, std::move(metavar), min, max);
}
RunSetting number_list_setting(std::string name, std::string metavar, double min, double max) {
  return starter(std::move(name), SettingType::kNumberList, std::move(metavar), min, max);
}
RunSetting text_list_setting(std::string name, std::string metavar) {
  return starter(std::move(name), SettingType::kTextList, std::move(metavar), 0, 0);
}
RunSetting cpu_list_setting(std::string name) { return starter(std::move(name), SettingType::kCpuList, "LIST", 0, 0); }

RunSettings& RunSettings::instance() {
  static RunSettings settings;
  return settings;
}

const std::vector<RunSetting>& RunSettings::all() {
  if (!built_) build();
  return settings_;
}

const RunSetting* RunSettings::find(std::string_view name) {
  for (const RunSetting& s : all())
    if (s.name == name || s.key() == name) return &s;
  return nullptr;
}

void RunSettings::add(RunSetting s) {
  // Not all(): a registrar may run before the engines' (static initialisation order
  // across files is unspecified), and the engine options are read when the list is built.
  for (const RunSetting& a : added_)
    if (a.name == s.name) throw std::logic_error("run setting '" + s.name + "' is declared twice");
  added_.push_back(s);
  if (built_) settings_.push_back(std::move(s));
}

SettingBinding extension_binding(const std::string& name, SettingValue initial) {
  SettingBinding b;
  b.store = [name](RunPlan& p, const SettingValue& v) { p.extensions[name] = v; };
  b.plan_value = [name, initial](const RunPlan& p) {
    const auto it = p.extensions.find(name);
    return it == p.extensions.end() ? initial : it->second;
  };
  b.run_value = [name, initial](const RunRecord& r) {
    const auto it = r.extensions.find(name);
    return it == r.extensions.end() ? initial : it->second;
  };
  return b;
}

}  // namespace swlab
