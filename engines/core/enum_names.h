// An enum's names as one table that printing and parsing both read, so that a
// value and its name are written once, side by side, and the two directions (a
// results file records the name, a spec or a flag gives it back) cannot drift.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace swlab {

template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

// The name of v; "?" for a value the table lacks.
template <class E, std::size_t N>
constexpr std::string_view enum_name(const EnumName<E> (&names)[N], E v) {
  for (const EnumName<E>& n : names)
    if (n.value == v) return n.name;
  return "?";
}

// Sets *out to the value called s; false, and *out untouched, for a name the table lacks.
template <class E, std::size_t N>
constexpr bool parse_enum(const EnumName<E> (&names)[N], std::string_view s, E* out) {
  for (const EnumName<E>& n : names) {
    if (n.name == s) {
      *out = n.value;
      return true;
    }
  }
  return false;
}

// Every name, in table order.
template <class E, std::size_t N>
std::vector<std::string> enum_names(const EnumName<E> (&names)[N]) {
  std::vector<std::string> v;
  for (const EnumName<E>& n : names) v.emplace_back(n.name);
  return v;
}

}  // namespace swlab
