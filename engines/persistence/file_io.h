// The few file-system calls the journal and the snapshots share, with errors that
// name the path: "<what> <path>: <errno text>".
#pragma once

#include <cstddef>
#include <string>

namespace swlab {

// "<what> <path>: <errno text>", e.g. "write /j/journal-...swj: No space left on device".
std::string sys_error(const char* what, const std::string& path, int err);

// write(2) until all n bytes are written (retrying EINTR and short writes). On
// failure returns false with errno in *err.
bool write_all(int fd, const char* p, std::size_t n, int* err);

// A new directory entry (a created, renamed or removed file) is durable only once
// the directory itself is fsync'd.
bool fsync_dir(const std::string& dir, std::string* error);

}  // namespace swlab
