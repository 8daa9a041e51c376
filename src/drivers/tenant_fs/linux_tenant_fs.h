#pragma once
// LinuxTenantFs: TenantFs on the local file system. Walks every path one
// component at a time from the root's descriptor with openat(O_NOFOLLOW), and
// checks what it opened with fstat before reading or writing through it.
// Stateless and thread-safe.

#include "drivers/tenant_fs/tenant_fs.h"

namespace md {

class LinuxTenantFs final : public TenantFs {
 public:
  Result<std::string> ReadFile(const std::string& root, const std::string& rel, size_t max_bytes) override;
  Result<FileSlice> ReadSlice(const std::string& root, const std::string& rel, int64_t offset,
                              size_t max_bytes) override;
  Result<FileInfo> Stat(const std::string& root, const std::string& rel) override;
  Result<std::vector<DirEntry>> ListDirectory(const std::string& root, const std::string& rel) override;
  Status WriteFile(const std::string& root, const std::string& rel, const std::string& content, mode_t mode,
                   Owner owner) override;
  Status EnsureDirectory(const std::string& root, const std::string& rel, mode_t mode, Owner owner) override;
  Status ReplaceSymlink(const std::string& root, const std::string& rel, const std::string& target) override;
  Status RemoveTree(const std::string& root, const std::string& rel) override;
};

}  // namespace md
