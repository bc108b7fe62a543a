// A minimal streaming JSON writer: objects, arrays, strings, numbers, null.
// Enough for the results file; nothing in swlab parses JSON in C++ except tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace swlab {

class JsonWriter {
 public:
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }

  JsonWriter& key(std::string_view k) {
    separator();
    string_literal(k);
    out_ += ": ";
    after_key_ = true;
    return *this;
  }

  JsonWriter& value(std::string_view v) {
    separator();
    string_literal(v);
    return *this;
  }
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& value(const std::string& v) { return value(std::string_view(v)); }
  JsonWriter& value(bool v) { return raw(v ? "true" : "false"); }
  JsonWriter& value(int64_t v) { return raw(std::to_string(v)); }
  JsonWriter& value(uint64_t v) { return raw(std::to_string(v)); }
  JsonWriter& value(int v) { return raw(std::to_string(v)); }
  JsonWriter& value(uint32_t v) { return raw(std::to_string(v)); }
  JsonWriter& value(double v) {
    if (!std::isfinite(v)) return null();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return raw(buf);
  }
  JsonWriter& null() { return raw("null"); }

  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  // k: v where there is a value (`present`), else k: null.
  template <class T>
  JsonWriter& field_or_null(std::string_view k, bool present, const T& v) {
    key(k);
    return present ? value(v) : null();
  }
  // k: [each element of vs].
  template <class Range>
  JsonWriter& array_field(std::string_view k, const Range& vs) {
    key(k).begin_array();
    for (const auto& v : vs) value(v);
    return end_array();
  }

  // A value already formatted as JSON (e.g. a long numeric array kept on one line).
  JsonWriter& raw_json(std::string_view json) { return raw(json); }

  const std::string& str() const { return out_; }

 private:
  JsonWriter& raw(std::string_view text) {
    separator();
    out_ += text;
    return *this;
  }

  JsonWriter& open(char c) {
    separator();
    out_ += c;
    first_.push_back(true);
    return *this;
  }

  JsonWriter& close(char c) {
    bool empty = first_.back();
    first_.pop_back();
    if (!empty) newline();
    out_ += c;
    return *this;
  }

  // Before a value or key: a comma unless first in its container, and a newline
  // with indentation (values right after their key stay on the key's line).
  void separator() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) out_ += ',';
    first_.back() = false;
    newline();
  }

  void newline() {
    out_ += '\n';
    out_.append(first_.size() * 2, ' ');
  }

  void string_literal(std::string_view s) {
    out_ += '"';
    for (char c : s) {
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\t': out_ += "\\t"; break;
        case '\r': out_ += "\\r"; break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out_ += buf;
          } else {
            out_ += c;
          }
      }
    }
    out_ += '"';
  }

  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace swlab
