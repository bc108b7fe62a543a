// Lab 5 helper (given: frozen): the swlab.meta file that marks a directory as
// holding swlab state and records its number of markets. `swlab replay` (and
// swlab-lab5 replay) read it first; write it when you open a journal directory so
// that those tools can recover what your engine wrote.
#pragma once

#include <cstdint>
#include <string>

namespace swlab::lab5 {

// Creates dir if needed. If dir has a swlab.meta, checks that it says `markets`;
// otherwise writes one ("swlab-state 1\nmarkets N\n", as engines/persistence/persistence.cpp
// does). False with *error naming the file on a mismatch or an I/O error.
bool ensure_state_meta(const std::string& dir, uint32_t markets, std::string* error);

}  // namespace swlab::lab5
