// What the tables of run fields share (run_fields.cpp, run_fields_sections.cpp,
// run_fields_placement.cpp): the declaration starters every entry is written with, and
// the sections each file contributes to run_fields(). Private to those files.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "run/run_fields.h"

namespace swlab::run_field_tables {

// A scalar: its dotted path, its summary.csv column, and how to read it from a run.
inline RunField scalar(std::string path, std::string csv, FieldType type, std::string unit, std::string help,
                       std::function<FieldValue(const RunRecord&)> value) {
  RunField f;
  f.path = std::move(path);
  f.csv = std::move(csv);
  f.type = type;
  f.unit = std::move(unit);
  f.help = std::move(help);
  f.value = std::move(value);
  return f;
}

// An object or array, written whole into results.json.
inline RunField section(std::string path, FieldType type, bool can_be_null, std::string help,
                        std::function<void(JsonWriter&, const RunRecord&)> write) {
  RunField f;
  f.path = std::move(path);
  f.type = type;
  f.nullable = can_be_null;
  f.help = std::move(help);
  f.write = std::move(write);
  return f;
}

inline FieldValue count(uint64_t v) { return static_cast<int64_t>(v); }

}  // namespace swlab::run_field_tables

namespace swlab {

// The sections after the identity, in run_fields()'s order.
void section_fields(std::vector<RunField>& out);    // run_fields_sections.cpp: the objects
void placement_fields(std::vector<RunField>& out);  // run_fields_placement.cpp: where the threads ran
void summary_fields(std::vector<RunField>& out);    // run_fields_sections.cpp: the summary's scalars

}  // namespace swlab
