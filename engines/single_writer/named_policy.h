// A policy's name and one-line summary, stated once in its base clause:
//
//   template <class T>
//   class SpscChannel : public Named<"spsc", "one wait-free SPSC ring per client thread, ..."> {
//
// The strings are template arguments (C++20 class-type non-type template
// parameters), so kName and kSummary stay compile-time constants, as the
// NamedPolicy concept (policy_concepts.h) and `swlab engines --verbose` read them, and the
// empty base adds nothing to a channel that sits on the hot path.
#pragma once

#include <cstddef>

namespace swlab {

// A string literal that can be a template argument (a `const char*` to a literal
// cannot).
template <std::size_t N>
struct FixedString {
  char chars[N];
  constexpr FixedString(const char (&s)[N]) {  // NOLINT(google-explicit-constructor): a literal converts
    for (std::size_t i = 0; i < N; ++i) chars[i] = s[i];
  }
};

template <FixedString Name, FixedString Summary>
struct Named {
  static constexpr const char* kName = Name.chars;
  static constexpr const char* kSummary = Summary.chars;
};

}  // namespace swlab
