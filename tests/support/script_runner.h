// Protocol scripts through an engine, and the comparison of two outputs.
//
// The comparison reports the first differing line only, and stops there: a script's
// output is thousands of lines, and GoogleTest's diff of two long strings is
// quadratic (a failing golden test took ~9 s under ThreadSanitizer and printed
// thousands of lines). Here each line is looked at once.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "engine/engine.h"

namespace swlab::test {

// Runs a script (docs/protocol.md, the default symbols) through the engine, one
// command at a time, as `swlab exec` does; returns what it prints.
std::string run_script(Engine& engine, std::string_view script);

// The first line (1-based) where two outputs differ. A side that has ended has no
// line there (nullopt).
struct LineDifference {
  int line = 0;
  std::optional<std::string_view> expected;
  std::optional<std::string_view> actual;
};
std::optional<LineDifference> first_difference(std::string_view expected, std::string_view actual);

// Success when the outputs are identical; else the script's name, the line number,
// the expected line and the actual one, and nothing more.
::testing::AssertionResult same_output(std::string_view script, std::string_view expected,
                                       std::string_view actual);

}  // namespace swlab::test
