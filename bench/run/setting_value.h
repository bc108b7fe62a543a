// A run setting's value as the schema sees it: null, a switch, a count, a number, a
// name or text, or a list of one of those. Every setting converts to and from this one
// type, so the results writer, the reader behind `swlab run --from` and the schema
// handle all of them with one piece of code each, and a new setting brings none.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace swlab {

using SettingValue = std::variant<std::monostate, bool, uint64_t, double, std::string, std::vector<uint64_t>,
                                  std::vector<double>, std::vector<std::string>>;

// The value as JSON: counts as integers, numbers in the shortest form that reads back
// to the same double (a rate of 1000.4 stays 1000.4, never 1000), null as null.
std::string to_json(const SettingValue& v);

// The value as a flag's text, which parsing turns back into the same value: lists
// comma-separated, numbers in the shortest exact form, null as "".
std::string to_flag_text(const SettingValue& v);

// The shortest decimal text that parses back to exactly `x`.
std::string shortest(double x);

// A value as a message shows it: quoted, control bytes escaped, cut after 64 bytes, so
// that a hostile argument cannot smear the terminal.
std::string shown(const std::string& v);

// Strict parsers: the whole text must be the number, in decimal (no sign on a count;
// no hexadecimal, infinity or NaN anywhere: "0x10" is not 16).
bool parse_count(const std::string& s, uint64_t* v);
bool parse_decimal(const std::string& s, double* v);

}  // namespace swlab
