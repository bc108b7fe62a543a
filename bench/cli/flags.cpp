#include "cli/flags.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "cli/cli.h"
#include "run/setting_value.h"

namespace swlab::cli {

int usage_error(const std::string& cmd, const std::string& message) {
  std::fprintf(stderr, "swlab %s: %s\n(see 'swlab %s --help')\n", cmd.c_str(), message.c_str(), cmd.c_str());
  return kExitUsage;
}

std::vector<std::string> split_list(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

bool parse_u64(const std::string& s, uint64_t* v) { return parse_count(s, v); }

bool parse_double(const std::string& s, double* v) { return parse_decimal(s, v); }

std::string format_limit(double v) {
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e18) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%g", v);
  }
  return buf;
}


Flags::Flags(std::string command, std::string synopsis, std::string description)
    : command_(std::move(command)), synopsis_(std::move(synopsis)), description_(std::move(description)) {}

void Flags::section(std::string title) { current_section_ = std::move(title); }

Flags::Spec& Flags::add(std::string name, std::string metavar, std::string help) {
  Spec s;
  s.name = std::move(name);
  s.metavar = std::move(metavar);
  s.help = std::move(help);
  s.section = current_section_;
  specs_.push_back(std::move(s));
  return specs_.back();
}

const Flags::Spec* Flags::find(const std::string& name) const {
  for (const Spec& s : specs_)
    if (s.name == name) return &s;
  return nullptr;
}

void Flags::flag(std::string name, std::string help, bool* target) {
  add(std::move(name), "", std::move(help)).on = [target] { *target = true; };
}

void Flags::option_switch(std::string name, std::string help, std::function<void()> on) {
  add(std::move(name), "", std::move(help)).on = std::move(on);
}

void Flags::option(std::string name, std::string metavar, std::string help,
                   std::function<std::string(const std::string&)> set) {
  Spec& s = add(std::move(name), std::move(metavar), std::move(help));
  s.takes_value = true;
  s.set = std::move(set);
}

namespace {

// Both widths of Flags::count: the value is parsed as 64 bits and range-checked
// before it is narrowed, so "4294967296" is refused for a 32-bit count, not wrapped.
template <class T>
std::function<std::string(const std::string&)> count_setter(T* target, T min, T max) {
  return [=](const std::string& v) -> std::string {
    uint64_t x;
    if (!parse_u64(v, &x) || x < min || x > max)
      return shown(v) + " is not a whole number from " + std::to_string(min) + " to " + std::to_string(max);
    *target = static_cast<T>(x);
    return {};
  };
}

std::string count_help(std::string help, uint64_t value, uint64_t min, uint64_t max) {
  return help + " (" + std::to_string(min) + " to " + std::to_string(max) + "; default " + std::to_string(value) + ")";
}

}  // namespace

void Flags::count(std::string name, std::string metavar, std::string help, uint64_t* target, uint64_t min,
                  uint64_t max) {
  option(std::move(name), std::move(metavar), count_help(std::move(help), *target, min, max),
         count_setter(target, min, max));
}

void Flags::count(std::string name, std::string metavar, std::string help, uint32_t* target, uint32_t min,
                  uint32_t max) {
  option(std::move(name), std::move(metavar), count_help(std::move(help), *target, min, max),
         count_setter(target, min, max));
}

void Flags::number(std::string name, std::string metavar, std::string help, double* target, double min, double max,
                   bool min_exclusive) {
  const std::string range = min_exclusive ? "above " + format_limit(min) + ", at most " + format_limit(max)
                                          : "from " + format_limit(min) + " to " + format_limit(max);
  help += " (" + range + "; default " + format_limit(*target) + ")";
  option(std::move(name), std::move(metavar), std::move(help), [=](const std::string& v) -> std::string {
    double x;
    if (!parse_double(v, &x) || x > max || x < min || (min_exclusive && x == min))
      return shown(v) + " is not a number " + range;
    *target = x;
    return {};
  });
}

void Flags::text(std::string name, std::string metavar, std::string help, std::string* target, bool allow_empty) {
  option(std::move(name), std::move(metavar), std::move(help), [=](const std::string& v) -> std::string {
    if (v.empty() && !allow_empty) return "needs a value";
    *target = v;
    return {};
  });
}

void Flags::choice(std::string name, std::string help, std::string* target, std::vector<std::string> choices) {
  std::string all;
  for (const auto& c : choices) all += (all.empty() ? "" : "|") + c;
  help += " (default " + *target + ")";
  option(std::move(name), all, std::move(help), [=](const std::string& v) -> std::string {
    for (const auto& c : choices)
      if (c == v) {
        *target = v;
        return {};
      }
    std::string list;
    for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
    return shown(v) + " is not one of " + list;
  });
}

void Flags::list(std::string name, std::string metavar, std::string help, std::vector<std::string>* target,
                 std::function<std::string(const std::string&)> check) {
  option(std::move(name), std::move(metavar), std::move(help), [=](const std::string& v) -> std::string {
    std::vector<std::string> items = split_list(v);
    for (const auto& item : items) {
      if (item.empty()) return shown(v) + " has an empty item";
      if (check)
        if (std::string why = check(item); !why.empty()) return why;
    }
    *target = std::move(items);
    return {};
  });
}

void Flags::positionals(std::string metavar, std::string help, std::vector<std::string>* target, std::size_t max) {
  positional_metavar_ = std::move(metavar);
  positional_help_ = std::move(help);
  positionals_ = target;
  max_positionals_ = max;
}

void Flags::epilogue(std::string text) { epilogue_ = std::move(text); }

bool Flags::given(const std::string& name) const {
  for (const auto& g : given_)
    if (g == name) return true;
  return false;
}

int Flags::error(const std::string& message) const { return usage_error(command_, message); }

int Flags::parse(const std::vector<std::string>& args) {
  command_line_ = "swlab " + command_;
  for (const auto& a : args) {
    const bool plain = !a.empty() && a.find_first_of(" \t'\"\\$`*?;&|<>()") == std::string::npos;
    command_line_ += " " + (plain ? a : "'" + a + "'");
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::fputs(help().c_str(), stdout);
      return kExitOk;
    }
    if (a.size() < 2 || a[0] != '-' || a == "-") {
      if (!positionals_ || positionals_->size() >= max_positionals_)
        return error(positionals_ ? "unexpected argument " + shown(a) + " (only " + std::to_string(max_positionals_) +
                                        " " + positional_metavar_ + " allowed)"
                                  : "unexpected argument " + shown(a));
      positionals_->push_back(a);
      continue;
    }
    std::string name = a, value;
    bool inline_value = false;
    if (std::size_t eq = a.find('='); eq != std::string::npos && a.rfind("--", 0) == 0) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      inline_value = true;
    }
    const Spec* s = find(name);
    if (s == nullptr) return error("unknown option " + shown(name));
    if (given(name)) return error(name + " given twice");
    given_.push_back(name);
    if (!s->takes_value) {
      if (inline_value) return error(name + " takes no value");
      s->on();
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) return error(name + " needs a value (" + s->metavar + ")");
      value = args[++i];
    }
    if (std::string why = s->set(value); !why.empty()) return error(name + ": " + why);
  }
  return -1;
}

std::string Flags::help() const {
  std::ostringstream h;
  h << "usage: swlab " << command_ << (synopsis_.empty() ? "" : " " + synopsis_) << "\n";
  if (!description_.empty()) h << "\n" << description_ << "\n";
  std::string section = "\x01";
  auto line = [&](const std::string& left, const std::string& text) {
    // Help text wraps at 88 columns under a 23-column gutter.
    std::string l = "  " + left;
    std::vector<std::string> words = split_list(text, ' ');
    std::string cur;
    bool first = true;
    auto flush = [&] {
      if (first) {
        if (l.size() >= 23) {
          h << l << "\n";
          l.clear();
        }
        l.resize(23, ' ');
        h << l << cur << "\n";
        first = false;
      } else {
        h << std::string(23, ' ') << cur << "\n";
      }
      cur.clear();
    };
    for (const auto& w : words) {
      if (!cur.empty() && 23 + cur.size() + 1 + w.size() > 88) flush();
      cur += (cur.empty() ? "" : " ") + w;
    }
    flush();
  };
  if (positionals_) {
    h << "\n";
    line(positional_metavar_, positional_help_);
  }
  for (const Spec& s : specs_) {
    if (s.section != section) {
      section = s.section;
      h << "\n" << (section.empty() ? "options" : section) << ":\n";
    }
    line(s.name + (s.metavar.empty() ? "" : " " + s.metavar), s.help);
  }
  line("--help", "this text");
  if (!epilogue_.empty()) h << "\n" << epilogue_ << "\n";
  return h.str();
}

}  // namespace swlab::cli
