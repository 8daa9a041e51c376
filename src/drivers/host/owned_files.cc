#include "drivers/host/owned_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace md {
namespace {

constexpr int kMaxDepth = 128;  // deeper trees are left (the UID is never reused)

class Remover {
 public:
  Remover(uid_t uid, dev_t dev) : uid_(uid), dev_(dev) {}

  // Walks the open directory `fd` (taken over), `path` naming it for errors.
  void Walk(int fd, const std::string& path, int depth) {
    DIR* d = fdopendir(fd);
    if (d == nullptr) {
      close(fd);
      Note("cannot read " + path);
      return;
    }
    std::vector<std::string> names;
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(std::move(n));
    }
    for (const std::string& name : names) Visit(dirfd(d), path + "/" + name, name, depth);
    closedir(d);
  }

  Status status() const { return first_error_.empty() ? Status::Ok() : Internal(first_error_); }

 private:
  void Visit(int parent, const std::string& path, const std::string& name, int depth) {
    struct stat st;
    if (fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_dev != dev_) return;
    if (S_ISDIR(st.st_mode)) {
      if (depth < kMaxDepth) {
        int fd = openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat opened;
        if (fd >= 0 && fstat(fd, &opened) == 0 && opened.st_dev == st.st_dev && opened.st_ino == st.st_ino) {
          Walk(fd, path, depth + 1);
        } else if (fd >= 0) {
          close(fd);  // replaced since the stat: not what was checked
        }
      }
      if (st.st_uid == uid_ && unlinkat(parent, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOTEMPTY &&
          errno != ENOENT) {
        Note("cannot remove " + path + ": " + strerror(errno));
      }
      return;
    }
    if (st.st_uid == uid_ && unlinkat(parent, name.c_str(), 0) != 0 && errno != ENOENT) {
      Note("cannot remove " + path + ": " + strerror(errno));
    }
  }

  void Note(const std::string& error) {
    if (first_error_.empty()) first_error_ = error;
  }

  uid_t uid_;
  dev_t dev_;
  std::string first_error_;
};

}  // namespace

Status RemoveFilesOwnedBy(const std::string& dir, uid_t uid) {
  if (uid == 0) return InvalidArgument("refusing to remove the files of root");
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::Ok();
    return Internal("cannot open " + dir + ": " + strerror(errno));
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return Internal("cannot stat " + dir + ": " + strerror(errno));
  }
  Remover remover(uid, st.st_dev);
  remover.Walk(fd, dir, 0);
  return remover.status();
}

}  // namespace md
