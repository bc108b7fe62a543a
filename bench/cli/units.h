// Human-readable figures for tables and messages: "1.18 us", "6.77 M/s".
#pragma once

#include <cstdint>
#include <string>

namespace swlab::cli {

std::string human_ns(int64_t ns);
std::string human_rate(double per_second);

}  // namespace swlab::cli
