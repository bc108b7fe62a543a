// The file operations swlab's writers and readers share, with errors that name
// the path: "<what> <path>: <errno text>".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "persistence/file_system.h"

namespace swlab {

// "<what> <path>: <errno text>", e.g. "write /j/journal-...swj: No space left on device".
// ELOOP, what an open with O_NOFOLLOW returns for a symbolic link, says so in words.
std::string sys_error(const char* what, const std::string& path, int err);

// "<path> is a symbolic link: ...": the refusal every file swlab creates, replaces
// or reads in a state, journal or results directory gives for a link where the
// file belongs (docs/replay.md, "Symbolic links").
std::string symlink_refusal(const std::string& path);

// Whether path names a symbolic link itself (lstat; a missing path is not one).
bool is_symlink(const std::string& path);

// fs.write until all n bytes are written (short writes continue). 0 or an errno.
int write_all(FileSystem& fs, int fd, const char* p, std::size_t n);

// A new directory entry (a created, renamed or removed file) is durable only once
// the directory itself is fsync'd.
bool fsync_dir(FileSystem& fs, const std::string& dir, std::string* error);

// mkdir -p, fsyncing the parent of every directory it creates (so the new
// directory itself survives a crash). Fails if dir exists and is not a directory.
bool make_dirs(FileSystem& fs, const std::string& dir, std::string* error);

// THE way swlab writes a whole file that must never be seen half-written, and must
// survive a crash once this returns true: writes path.tmp, fdatasyncs it, renames
// it over path, and fsyncs the directory. A crash at any point leaves either the
// old file (or none) or the complete new one under path, plus at worst a stale
// path.tmp that no reader looks at. On failure path.tmp is removed and *error
// names the file and the call that failed. The mode is 0666 less the umask, as for
// any file the user creates.
//
// Nothing is written through a link: path.tmp is a name this routine owns, so
// whatever is there (a stale file, a symbolic link planted to redirect the write)
// is removed first, and the new one is created with O_CREAT | O_EXCL | O_NOFOLLOW,
// which fails rather than follow anything that appears under the name meanwhile.
// A symbolic link under path itself is refused with its path (rename would
// replace the link, not its target, but a link where a result or a snapshot
// belongs is someone else's doing, and the user should hear of it).
//
// Snapshots, swlab.meta and the first bytes of every journal segment are written
// this way; so are results files (results.json, summary.csv, .hgrm, the audit's
// JSON): they are the product of minutes of measurement, written once at the end,
// and a few fdatasyncs there cost milliseconds, so one routine serves both rather
// than a second, weaker one that someone later uses for state.
bool durable_write_file(FileSystem& fs, const std::string& path, const std::string& bytes,
                        std::string* error);
bool durable_write_file(const std::string& path, const std::string& bytes, std::string* error);

// Whether durable_write_file(path) can work, checked before any work starts: the
// directory exists, path is not a directory or a symbolic link, and path.tmp can be
// created (it is created and removed again; a stale one, even a link, is left for
// durable_write_file to remove). False with a message naming the path otherwise.
bool check_writable_file(const std::string& path, std::string* error);

// Opens path for reading and checks it is a regular file: a fifo would block the
// reader forever, a directory or a device is not swlab's data, and a symbolic link
// is not followed (O_NOFOLLOW): a link where a segment, a snapshot or swlab.meta
// belongs is refused by name. *size is the file's size. On failure returns false
// with a message naming the path and the file type.
bool open_regular_file(const std::string& path, int* fd, uint64_t* size, std::string* error);

// pread(2) until n bytes are read or the file ends; *got says how many. 0 or an errno.
int read_at(int fd, uint64_t offset, void* buf, std::size_t n, std::size_t* got);

// "a directory", "a fifo", ... for a stat(2) st_mode, for messages.
const char* file_type_name(unsigned mode);

// dir + "/" + name (no doubled slash), and the directory part of a path.
std::string join_path(const std::string& dir, const std::string& name);

// The files in `dir` whose names `parse` accepts (it extracts the number the name
// carries: a segment's first seq, a snapshot's seq), as paths in that number's
// order. A missing directory is an empty list and no error; any other failure to
// list it sets *error ("<what> <dir>: <reason>").
std::vector<std::string> list_numbered_files(const std::string& dir, bool (*parse)(const std::string& name, uint64_t* n),
                                             const char* what, std::string* error);
std::string parent_dir(const std::string& path);

}  // namespace swlab
