#pragma once
// TenantFs: every file operation the root controller does beneath a directory a
// tenant can write. Each call names a trusted `root` (an absolute directory the
// controller owns, opened as is) and a path `rel` beneath it; no symlink on
// `rel` is ever followed, and "", ".", ".." and absolute components are
// refused. Reads take only regular files with one link, up to a size the caller
// gives, and never block. Thread-safe; writes and removals are idempotent.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/files.h"
#include "core/status.h"

namespace md {

enum class FileType { kRegular, kDirectory, kSymlink, kFifo, kSocket, kCharDevice, kBlockDevice, kOther };
// "regular file", "directory", "symlink", "FIFO", ...
const char* FileTypeName(FileType type);
FileType FileTypeOf(mode_t mode);

// Which file this is, to tell a log file from the one that replaced it.
struct FileIdentity {
  uint64_t dev = 0;
  uint64_t ino = 0;
  bool operator==(const FileIdentity&) const = default;
};

struct FileInfo {
  FileType type = FileType::kOther;
  FileIdentity id;
  int64_t size = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t mode = 0;  // permission bits only
  uint64_t links = 0;
};

struct DirEntry {
  std::string name;
  FileType type = FileType::kOther;
};

// A byte range of one file, read through the same descriptor as its size and identity.
struct FileSlice {
  FileIdentity id;
  int64_t size = 0;    // of the whole file when it was read
  int64_t offset = 0;  // where `data` starts
  std::string data;
};

class TenantFs {
 public:
  virtual ~TenantFs() = default;

  // The whole content; FailedPrecondition if it is larger than `max_bytes` or
  // not a regular file with one link; NotFound if it (or a parent) is missing.
  virtual Result<std::string> ReadFile(const std::string& root, const std::string& rel, size_t max_bytes) = 0;
  // At most `max_bytes` from `offset` (none past the end); a negative offset
  // means the last `max_bytes`. Refuses what ReadFile refuses, but any size.
  virtual Result<FileSlice> ReadSlice(const std::string& root, const std::string& rel, int64_t offset,
                                      size_t max_bytes) = 0;
  // What is at `rel`; a final symlink is reported, not followed.
  virtual Result<FileInfo> Stat(const std::string& root, const std::string& rel) = 0;
  // Entries of the directory `rel` ("" is the root itself), sorted by name.
  virtual Result<std::vector<DirEntry>> ListDirectory(const std::string& root, const std::string& rel) = 0;

  // Replaces `rel` atomically (readers see the old or the new file) with a file
  // of `content`, `mode` and `owner`. A symlink there is replaced, never
  // written through; a directory there is refused. The parent must exist.
  virtual Status WriteFile(const std::string& root, const std::string& rel, const std::string& content, mode_t mode,
                           Owner owner) = 0;
  // Makes `rel` a directory of `mode` and `owner`, creating it if missing
  // (its parent must exist). Anything else there (a symlink …) is refused.
  // An owner field left at -1 keeps what is there (new: the controller's).
  virtual Status EnsureDirectory(const std::string& root, const std::string& rel, mode_t mode, Owner owner) = 0;
  // Makes `rel` a symlink to `target` (never resolved here), replacing what
  // is there atomically as WriteFile does; a directory there is refused. The
  // link is the controller's. The parent must exist.
  virtual Status ReplaceSymlink(const std::string& root, const std::string& rel, const std::string& target) = 0;
  // Removes `rel` (a file, symlink or whole directory tree) without following
  // any link in it and without crossing into another file system; missing is success.
  virtual Status RemoveTree(const std::string& root, const std::string& rel) = 0;
};

// The components of `rel`, or InvalidArgument if it is absolute or has an
// empty, "." or ".." component. "" gives no components when `allow_root`.
Result<std::vector<std::string>> SplitRelativePath(const std::string& rel, bool allow_root = false);

}  // namespace md
