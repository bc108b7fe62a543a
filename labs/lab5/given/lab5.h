// Lab 5: determinism and replay (docs/labs/lab5.md). The contract between your core
// (core.h, core.cpp) and the frozen code (given/register.cpp, the tests). Frozen.
#pragma once

#include <memory>
#include <string>

#include "engine/engine.h"
#include "engine/engine_config.h"
#include "persistence/file_system.h"
#include "persistence/persistence.h"

namespace swlab::lab5 {

// The file layer your core must do every write, sync, rename, truncate and unlink
// through: the one in cfg.file_system, or the real file system when that is null
// (engines/persistence/file_system.h). The project's journal writer, scanner and
// swlab.meta writer all take it as an argument:
//   ensure_state_meta(dir, markets, error, fs)
//   scan_journal(ScanOptions{... .fs = &fs}, ...)
//   JournalWriter::open(dir, next_seq, segment_bytes, error, fs)
// The power-loss tests put a simulated disk here that forgets every byte not made
// durable by an fdatasync when the power is cut, and counts the syncs: a write made
// around it is a write the tests cannot see, and they fail.
inline FileSystem& file_layer(const PersistenceConfig& cfg) {
  return cfg.file_system != nullptr ? *cfg.file_system : posix_file_system();
}

// Makes the lab 5 engine: the project's single-writer engine with your
// JournaledCore, its journal's file I/O going through fs (null: the real file
// system). The registered `lab5-journal` passes null; the power-loss tests pass a
// simulated disk. Null with *error if your core's open() failed.
std::unique_ptr<Engine> make_lab5_engine(const EngineConfig& config, FileSystem* fs, std::string* error);

}  // namespace swlab::lab5
