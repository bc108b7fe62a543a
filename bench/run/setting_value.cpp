#include "run/setting_value.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace swlab {

std::string shortest(double x) {
  if (!std::isfinite(x)) return "null";
  char buf[64];
  // A whole number is written as one (1000000000, not 1e+09): it is how people write
  // rates, and run ids carry it.
  if (x == std::floor(x) && std::fabs(x) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", x);
    return buf;
  }
  // std::to_chars without a precision is the shortest text that reads back exactly.
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return ec == std::errc{} ? std::string(buf, end) : std::string("null");
}

std::string shown(const std::string& v) {
  std::string s = "'";
  for (std::size_t i = 0; i < v.size() && i < 64; ++i) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      s += buf;
    } else {
      s += static_cast<char>(c);
    }
  }
  if (v.size() > 64) s += "...";
  return s + "'";
}

bool parse_count(const std::string& s, uint64_t* v) {
  if (s.empty() || s[0] < '0' || s[0] > '9') return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc{} && p == s.data() + s.size();
}

bool parse_decimal(const std::string& s, double* v) {
  // [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
  std::size_t i = 0, n = s.size();
  auto digits = [&] {
    const std::size_t from = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  bool mantissa = digits();
  if (i < n && s[i] == '.') {
    ++i;
    mantissa |= digits();
  }
  if (!mantissa) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  if (i != n) return false;
  errno = 0;
  *v = std::strtod(s.c_str(), nullptr);
  return errno == 0 && std::isfinite(*v);
}

namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char esc[8];
          std::snprintf(esc, sizeof esc, "\\u%04x", c);
          out += esc;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

template <class T, class F>
std::string joined(const std::vector<T>& items, const char* open, const char* sep, const char* close, F each) {
  std::string s = open;
  for (std::size_t i = 0; i < items.size(); ++i) s += (i ? sep : "") + each(items[i]);
  return s + close;
}

}  // namespace

std::string to_json(const SettingValue& v) {
  struct Visit {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(uint64_t n) const { return std::to_string(n); }
    std::string operator()(double x) const { return shortest(x); }
    std::string operator()(const std::string& s) const { return quoted(s); }
    std::string operator()(const std::vector<uint64_t>& l) const {
      return joined(l, "[", ", ", "]", [](uint64_t n) { return std::to_string(n); });
    }
    std::string operator()(const std::vector<double>& l) const { return joined(l, "[", ", ", "]", shortest); }
    std::string operator()(const std::vector<std::string>& l) const { return joined(l, "[", ", ", "]", quoted); }
  };
  return std::visit(Visit{}, v);
}

std::string to_flag_text(const SettingValue& v) {
  struct Visit {
    std::string operator()(std::monostate) const { return {}; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(uint64_t n) const { return std::to_string(n); }
    std::string operator()(double x) const { return shortest(x); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::vector<uint64_t>& l) const {
      return joined(l, "", ",", "", [](uint64_t n) { return std::to_string(n); });
    }
    std::string operator()(const std::vector<double>& l) const { return joined(l, "", ",", "", shortest); }
    std::string operator()(const std::vector<std::string>& l) const {
      return joined(l, "", ",", "", [](const std::string& s) { return s; });
    }
  };
  return std::visit(Visit{}, v);
}

}  // namespace swlab
