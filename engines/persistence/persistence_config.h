// What an engine's journal is configured with: the directory, the durability mode,
// snapshots and segments. Apart from persistence.h so that every engine's
// configuration (engine/engine_config.h) can hold one without including the journal,
// the snapshots and recovery: only the code that journals needs those.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/enum_names.h"

namespace swlab {

class FileSystem;  // persistence/file_system.h

enum class Durability {
  kNone,    // records written with write(2) after each batch; no fsync: a crash of
            // the machine may lose acknowledged commands (a crash of the process
            // does not: the page cache survives it)
  kBatch,   // group commit: one fdatasync per engine batch, and the batch's replies
            // are released only after it: an acknowledged command is durable. A lock
            // engine's batch is one command, and its sync covers every record written
            // before it, whoever wrote it (sync_through)
  kAlways,  // fdatasync after every command, by the thread that applied it and before
            // the next command is applied (under the lock, or on the engine thread):
            // durable, nothing shared, and the slowest
};
inline constexpr EnumName<Durability> kDurabilityNames[] = {
    {Durability::kNone, "none"},
    {Durability::kBatch, "batch"},
    {Durability::kAlways, "always"},
};
std::string_view to_string(Durability d);
bool parse_durability(std::string_view s, Durability* out);

struct PersistenceConfig {
  std::string dir;  // empty: no journal
  Durability durability = Durability::kBatch;
  uint64_t snapshot_every = 0;  // commands between snapshots; 0 = only on request
  std::size_t segment_bytes = 64 << 20;
  // After a snapshot is durable, all but the newest keep_snapshots are deleted
  // (0 keeps every one). Recovery needs only the newest; older ones serve
  // `replay --until` below it, which can always fall back to the whole journal.
  std::size_t keep_snapshots = 2;
  // Where every write, sync, rename and unlink goes; null: the real file system.
  // Tests put a simulated disk here (tests/support/simulated_disk.h).
  FileSystem* file_system = nullptr;
};

}  // namespace swlab
