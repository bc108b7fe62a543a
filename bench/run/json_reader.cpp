#include "run/json_reader.h"

#include <cctype>
#include <charconv>
#include <cstdlib>

namespace swlab {

class JsonParser {
 public:
  explicit JsonParser(std::string_view s) : s_(s) {}

  std::unique_ptr<Json> document(std::string* error) {
    auto v = value(0);
    if (v) {
      skip();
      if (p_ != s_.size()) v = fail("unexpected text after the value");
    }
    if (!v && error) *error = "offset " + std::to_string(p_) + ": " + error_;
    return v;
  }

 private:
  std::unique_ptr<Json> fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return nullptr;
  }
  void skip() {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\n' || s_[p_] == '\r' || s_[p_] == '\t')) ++p_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }

  std::unique_ptr<Json> value(int depth) {
    if (depth > 64) return fail("nested too deeply");
    skip();
    if (p_ >= s_.size()) return fail("unexpected end");
    auto v = std::make_unique<Json>();
    const char c = s_[p_];
    if (c == '{') return object(std::move(v), depth);
    if (c == '[') return array(std::move(v), depth);
    if (c == '"') {
      v->kind_ = Json::Kind::kString;
      return string(&v->text_) ? std::move(v) : nullptr;
    }
    if (literal("null")) return v;
    if (literal("true") || literal("false")) {
      v->kind_ = Json::Kind::kBool;
      v->boolean_ = s_[p_ - 1] == 'e' && s_[p_ - 4] == 't';  // "true", not "false"
      return v;
    }
    return number(std::move(v));
  }

  std::unique_ptr<Json> number(std::unique_ptr<Json> v) {
    const std::size_t begin = p_;
    if (p_ < s_.size() && s_[p_] == '-') ++p_;
    while (p_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[p_])) || s_[p_] == '.' || s_[p_] == 'e' ||
                              s_[p_] == 'E' || s_[p_] == '+' || s_[p_] == '-'))
      ++p_;
    v->text_ = std::string(s_.substr(begin, p_ - begin));
    char* end = nullptr;
    v->number_ = std::strtod(v->text_.c_str(), &end);
    if (v->text_.empty() || end != v->text_.c_str() + v->text_.size()) {
      p_ = begin;
      return fail("not a JSON value");
    }
    v->kind_ = Json::Kind::kNumber;
    return v;
  }

  bool string(std::string* out) {
    ++p_;  // the opening quote
    while (p_ < s_.size() && s_[p_] != '"') {
      char c = s_[p_++];
      if (c != '\\') {
        *out += c;
        continue;
      }
      if (p_ >= s_.size()) break;
      c = s_[p_++];
      switch (c) {
        case 'n': *out += '\n'; break;
        case 't': *out += '\t'; break;
        case 'r': *out += '\r'; break;
        case 'b': *out += '\b'; break;
        case 'f': *out += '\f'; break;
        case 'u': {
          unsigned code = 0;
          if (p_ + 4 > s_.size() || std::from_chars(s_.data() + p_, s_.data() + p_ + 4, code, 16).ptr != s_.data() + p_ + 4) {
            fail("bad \\u escape");
            return false;
          }
          p_ += 4;
          // Results files escape only control characters; anything else is kept as UTF-8.
          if (code < 0x80) {
            *out += static_cast<char>(code);
          } else if (code < 0x800) {
            *out += static_cast<char>(0xC0 | (code >> 6));
            *out += static_cast<char>(0x80 | (code & 0x3F));
          } else {
            *out += static_cast<char>(0xE0 | (code >> 12));
            *out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            *out += static_cast<char>(0x80 | (code & 0x3F));
          }
          break;
        }
        default: *out += c;  // \" \\ \/
      }
    }
    if (p_ >= s_.size()) {
      fail("unterminated string");
      return false;
    }
    ++p_;  // the closing quote
    return true;
  }

  // True and past `c` when the next character is `c`.
  bool eat(char c) {
    if (p_ < s_.size() && s_[p_] == c) {
      ++p_;
      return true;
    }
    return false;
  }

  // An array's or object's items up to `close`: `item` parses one (false on error),
  // then a ',' or `close` must follow.
  template <class Item>
  std::unique_ptr<Json> sequence(std::unique_ptr<Json> v, char close, Item item) {
    ++p_;  // the opening bracket
    skip();
    if (eat(close)) return v;
    while (true) {
      skip();
      if (!item(*v)) return nullptr;
      skip();
      if (eat(',')) continue;
      if (eat(close)) return v;
      return fail(std::string("expected ',' or '") + close + "'");
    }
  }

  std::unique_ptr<Json> array(std::unique_ptr<Json> v, int depth) {
    v->kind_ = Json::Kind::kArray;
    return sequence(std::move(v), ']', [&](Json& into) {
      auto item = value(depth + 1);
      if (!item) return false;
      into.items_.push_back(std::move(item));
      return true;
    });
  }

  std::unique_ptr<Json> object(std::unique_ptr<Json> v, int depth) {
    v->kind_ = Json::Kind::kObject;
    return sequence(std::move(v), '}', [&](Json& into) {
      std::string key;
      if (p_ >= s_.size() || s_[p_] != '"' || !string(&key)) return fail("expected a string key") != nullptr;
      skip();
      if (!eat(':')) return fail("expected ':'") != nullptr;
      auto item = value(depth + 1);
      if (!item) return false;
      into.keys_.push_back(std::move(key));
      into.items_.push_back(std::move(item));
      return true;
    });
  }

  std::string_view s_;
  std::size_t p_ = 0;
  std::string error_;
};

std::unique_ptr<Json> Json::parse(std::string_view text, std::string* error) {
  return JsonParser(text).document(error);
}

const Json* Json::get(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (std::size_t i = 0; i < keys_.size(); ++i)
    if (keys_[i] == key) return items_[i].get();
  return nullptr;
}

bool Json::as_u64(uint64_t* v) const {
  if (kind_ != Kind::kNumber || text_.empty() || text_[0] == '-') return false;
  auto [p, ec] = std::from_chars(text_.data(), text_.data() + text_.size(), *v);
  return ec == std::errc{} && p == text_.data() + text_.size();
}

}  // namespace swlab
