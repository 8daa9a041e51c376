#include "drivers/tenant_fs/tenant_fs.h"

#include <sys/stat.h>

namespace md {

const char* FileTypeName(FileType type) {
  switch (type) {
    case FileType::kRegular: return "regular file";
    case FileType::kDirectory: return "directory";
    case FileType::kSymlink: return "symlink";
    case FileType::kFifo: return "FIFO";
    case FileType::kSocket: return "socket";
    case FileType::kCharDevice: return "character device";
    case FileType::kBlockDevice: return "block device";
    case FileType::kOther: return "special file";
  }
  return "special file";
}

FileType FileTypeOf(mode_t mode) {
  if (S_ISREG(mode)) return FileType::kRegular;
  if (S_ISDIR(mode)) return FileType::kDirectory;
  if (S_ISLNK(mode)) return FileType::kSymlink;
  if (S_ISFIFO(mode)) return FileType::kFifo;
  if (S_ISSOCK(mode)) return FileType::kSocket;
  if (S_ISCHR(mode)) return FileType::kCharDevice;
  if (S_ISBLK(mode)) return FileType::kBlockDevice;
  return FileType::kOther;
}

Result<std::vector<std::string>> SplitRelativePath(const std::string& rel, bool allow_root) {
  if (rel.empty()) {
    if (allow_root) return std::vector<std::string>{};
    return InvalidArgument("empty path beneath a tenant root");
  }
  if (rel[0] == '/') return InvalidArgument("refusing absolute path '" + rel + "' beneath a tenant root");
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= rel.size()) {
    size_t end = rel.find('/', start);
    if (end == std::string::npos) end = rel.size();
    std::string part = rel.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return InvalidArgument("refusing path '" + rel + "': it has an empty, '.' or '..' component");
    }
    parts.push_back(std::move(part));
    start = end + 1;
  }
  return parts;
}

}  // namespace md
