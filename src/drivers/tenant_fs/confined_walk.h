#pragma once
// The descriptor walk under LinuxTenantFs: a path beneath a trusted root is
// entered one directory at a time with openat(O_NOFOLLOW | O_DIRECTORY), so a
// symlink anywhere on it stops the walk instead of redirecting it.

#include <sys/stat.h>

#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace md {

// An owned file descriptor; closed when it goes. Move-only.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }

 private:
  int fd_;
};

// The opened directory that holds the last component of a path.
struct OpenedParent {
  Fd dir;
  std::string name;   // the last component
  std::string shown;  // the whole relative path, for messages
};

// Opens the directories `parts[0..count)` beneath `root`.
Result<Fd> OpenDirectories(const std::string& root, const std::vector<std::string>& parts, size_t count);
// Splits `rel` (which must name something beneath the root) and opens its parent.
Result<OpenedParent> OpenParent(const std::string& root, const std::string& rel);
// Opens the subdirectory `name` of `dir` without following a link.
Result<Fd> OpenSubdirectory(int dir, const std::string& name, const std::string& shown);

// The status of `name` in `dir` without following a link; NotFound if missing.
Result<struct stat> StatAt(int dir, const std::string& name, const std::string& shown);
// Why `shown` cannot be used: "X is a symlink; not followed", "X is a FIFO, not a regular file" …
Status NotA(const std::string& shown, const struct stat& st, const char* wanted);
// The names in an open directory, "." and ".." left out.
Result<std::vector<std::string>> ReadNames(int dir, const std::string& shown);

}  // namespace md
