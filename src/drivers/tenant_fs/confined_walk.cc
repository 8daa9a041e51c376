#include "drivers/tenant_fs/confined_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "drivers/tenant_fs/tenant_fs.h"

namespace md {
namespace {

std::string Join(const std::vector<std::string>& parts, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += (i ? "/" : "") + parts[i];
  return out;
}

}  // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) close(fd_);
}

Status NotA(const std::string& shown, const struct stat& st, const char* wanted) {
  FileType type = FileTypeOf(st.st_mode);
  if (type == FileType::kSymlink) return FailedPrecondition(shown + " is a symlink; not followed");
  return FailedPrecondition(shown + " is a " + FileTypeName(type) + ", not a " + wanted);
}

Result<struct stat> StatAt(int dir, const std::string& name, const std::string& shown) {
  struct stat st;
  if (fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return st;
  if (errno == ENOENT) return NotFound(shown + " does not exist");
  return ErrnoStatus("cannot inspect " + shown);
}

Result<Fd> OpenSubdirectory(int dir, const std::string& name, const std::string& shown) {
  int fd = openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) return Fd(fd);
  int err = errno;
  if (err == ELOOP || err == ENOTDIR) {
    // Tell what is there instead: a symlink, a file, a FIFO …
    MD_ASSIGN_OR_RETURN(struct stat st, StatAt(dir, name, shown));
    return NotA(shown, st, "directory");
  }
  if (err == ENOENT) return NotFound(shown + " does not exist");
  errno = err;
  return ErrnoStatus("cannot open directory " + shown);
}

Result<Fd> OpenDirectories(const std::string& root, const std::vector<std::string>& parts, size_t count) {
  // The root is the controller's own: opened as named.
  Fd dir(open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return ErrnoStatus("cannot open " + root);
  for (size_t i = 0; i < count; ++i) {
    MD_ASSIGN_OR_RETURN(dir, OpenSubdirectory(dir.get(), parts[i], Join(parts, i + 1)));
  }
  return dir;
}

Result<OpenedParent> OpenParent(const std::string& root, const std::string& rel) {
  MD_ASSIGN_OR_RETURN(std::vector<std::string> parts, SplitRelativePath(rel));
  MD_ASSIGN_OR_RETURN(Fd dir, OpenDirectories(root, parts, parts.size() - 1));
  return OpenedParent{std::move(dir), parts.back(), rel};
}

Result<std::vector<std::string>> ReadNames(int dir, const std::string& shown) {
  int copy = dup(dir);
  if (copy < 0) return ErrnoStatus("cannot list " + shown);
  DIR* d = fdopendir(copy);
  if (!d) {
    Status s = ErrnoStatus("cannot list " + shown);
    close(copy);
    return s;
  }
  rewinddir(d);
  std::vector<std::string> names;
  errno = 0;
  while (struct dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
    errno = 0;
  }
  Status s = errno ? ErrnoStatus("cannot list " + shown) : Status::Ok();
  closedir(d);
  if (!s.ok()) return s;
  return names;
}

}  // namespace md
