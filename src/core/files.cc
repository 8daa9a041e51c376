#include "core/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/random.h"

namespace md {
namespace fs = std::filesystem;

Status WriteAll(int fd, std::string_view data, const std::string& shown) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("cannot write " + shown);
    if (n == 0) return Internal("cannot write " + shown + ": no progress");
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status WriteFileAtomic(const std::string& path, const std::string& content, mode_t mode, Owner owner) {
  std::string tmp = path + ".tmp-" + RandomHex(4);
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus("cannot create " + tmp);
  if (Status s = WriteAll(fd, content, tmp); !s.ok()) {
    close(fd);
    unlink(tmp.c_str());
    return s;
  }
  if (fchown(fd, owner.uid, owner.gid) != 0 || fchmod(fd, mode) != 0 || fsync(fd) != 0) {
    Status s = ErrnoStatus("cannot set owner/mode of " + tmp);
    close(fd);
    unlink(tmp.c_str());
    return s;
  }
  close(fd);
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = ErrnoStatus("cannot rename onto " + path);
    unlink(tmp.c_str());
    return s;
  }
  return Status::Ok();
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return NotFound("no such file: " + path);
    return ErrnoStatus("cannot read " + path);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status EnsureDirectory(const std::string& path, mode_t mode, Owner owner) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return Internal("cannot create directory " + path + ": " + ec.message());
  if (chown(path.c_str(), owner.uid, owner.gid) != 0) return ErrnoStatus("cannot chown " + path);
  if (chmod(path.c_str(), mode) != 0) return ErrnoStatus("cannot chmod " + path);
  return Status::Ok();
}

Status RemoveTree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Internal("cannot remove " + path + ": " + ec.message());
  }
  return Status::Ok();
}

Status ReplaceSymlink(const std::string& target, const std::string& link) {
  std::string tmp = link + ".tmp-" + RandomHex(4);
  if (symlink(target.c_str(), tmp.c_str()) != 0) return ErrnoStatus("cannot create symlink " + tmp);
  if (rename(tmp.c_str(), link.c_str()) != 0) {
    Status s = ErrnoStatus("cannot rename symlink onto " + link);
    unlink(tmp.c_str());
    return s;
  }
  return Status::Ok();
}

bool PathExists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

}  // namespace md
