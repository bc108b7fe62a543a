// A small JSON reader: enough to read a results file back (swlab run --from). Values
// are a tree of Json nodes; numbers are kept as double and as the text they were
// written with, so 64-bit integers (seeds) survive exactly.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace swlab {

class Json {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };

  // Parses text; null with *error ("offset N: what") on malformed input. Nesting is
  // limited to 64 levels and the text to what the caller read.
  static std::unique_ptr<Json> parse(std::string_view text, std::string* error);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_object() const { return kind_ == Kind::kObject; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_number() const { return kind_ == Kind::kNumber; }

  // Object member, or null when absent (or this is not an object).
  const Json* get(std::string_view key) const;
  const std::vector<std::unique_ptr<Json>>& items() const { return items_; }
  const std::string& str() const { return text_; }  // string value, or a number's text
  double number() const { return number_; }
  bool boolean() const { return boolean_; }
  // A number written as a non-negative integer; false otherwise.
  bool as_u64(uint64_t* v) const;

 private:
  friend class JsonParser;
  Kind kind_ = Kind::kNull;
  bool boolean_ = false;
  double number_ = 0;
  std::string text_;
  std::vector<std::unique_ptr<Json>> items_;  // array items, or object values
  std::vector<std::string> keys_;             // object keys, parallel to items_
};

}  // namespace swlab
