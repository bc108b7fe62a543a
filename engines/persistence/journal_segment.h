// Journal segment files: their names, their 32-byte headers, and listing them
// (journal_format.h has the layout).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "persistence/journal_format.h"

namespace swlab {

// "journal-<20 digits>.swj" for first_seq, and its inverse (false for any other name).
std::string segment_file_name(uint64_t first_seq);
bool parse_segment_file_name(const std::string& name, uint64_t* first_seq);
// The first_seq in the name of a path that list_segments returned.
uint64_t segment_first_seq(const std::string& path);

// Full paths (dir + "/" + name) of the segment files in dir, sorted by first_seq.
// A missing directory has none. On another error returns {} and, if error is not
// null, says why in *error. Lists by name only: whether each is a regular file is
// checked when it is opened.
std::vector<std::string> list_segments(const std::string& dir, std::string* error = nullptr);

// The 32-byte header of a segment starting at first_seq.
std::string encode_segment_header(uint64_t first_seq);
// Checks a segment header (n bytes at h, n may be short) against the seq in the
// file's name; on failure says what is wrong in *why and at which offset in *at.
bool check_segment_header(const uint8_t* h, std::size_t n, uint64_t name_seq, std::string* why,
                          std::size_t* at);

}  // namespace swlab
