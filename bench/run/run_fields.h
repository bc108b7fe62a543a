// What results record about each run, declared once: every field of a run object in
// results.json, with its path, type, unit and help, and for the scalar ones the
// column of summary.csv. The results writer walks this list to write both files, the
// schema (`swlab schema`) lists it for the Python side, and a new figure is one entry.
//
// The list begins with the run's identity: its id, every identity run setting
// (run_setting.h) at the top of the run, its repetition and order, and its run
// settings under `settings`. Fields follow in the order results.json shows them;
// fields under one parent are declared together (tests/test_run_schema.cpp checks it).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "run/json_writer.h"
#include "run/run_record.h"

namespace swlab {

enum class FieldType { kBool, kInt, kNumber, kText, kObject, kArray };
std::string_view to_string(FieldType t);

using FieldValue = std::variant<std::monostate, bool, int64_t, double, std::string>;

struct RunField {
  std::string path;  // dotted, within the run object: "summary.latency_ns.p50"; empty: a CSV column only
  std::string csv;   // the summary.csv column; empty: not in the CSV
  FieldType type = FieldType::kNumber;
  bool nullable = false;
  std::string unit;
  std::string help;
  std::string csv_format = "%.6g";  // numbers in the CSV (results.json keeps 6 significant digits)
  // Scalars: the value (monostate: null). Objects and arrays: write it into w.
  std::function<FieldValue(const RunRecord&)> value;
  std::function<void(JsonWriter& w, const RunRecord&)> write;
};

// Every field of a run, in order, identity first.
const std::vector<RunField>& run_fields();

// The run object of results.json, and one row of summary.csv (and its header), from
// run_fields().
void write_run_object(JsonWriter& j, const RunRecord& r);
std::string csv_header();
std::string csv_row(const RunRecord& r);

}  // namespace swlab
