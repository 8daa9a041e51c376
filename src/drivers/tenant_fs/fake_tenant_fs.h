#pragma once
// FakeTenantFs: TenantFs kept in memory, for unit tests that run without root.
// Entries are keyed by absolute path; a root is a directory that always exists.
// Tests plant symlinks, FIFOs and hard-linked files with Plant(); the fake
// refuses them as LinuxTenantFs does, records every call and can fail the next
// one on demand. Thread-safe.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "drivers/tenant_fs/tenant_fs.h"

namespace md {

class FakeTenantFs final : public TenantFs {
 public:
  struct Entry {
    FileType type = FileType::kRegular;
    std::string content;  // a regular file's bytes; a symlink's target
    mode_t mode = 0644;
    Owner owner;
    uint64_t links = 1;
    uint64_t ino = 0;
  };

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

  // Puts `entry` at absolute `path` as a tenant would (no checks, no call recorded).
  void Plant(const std::string& path, Entry entry);
  // The entry at absolute `path`, if any.
  std::optional<Entry> Get(const std::string& path) const;
  // The next call (any method) returns `status` and changes nothing.
  void FailNext(Status status);
  // Calls so far, e.g. "WriteFile acme/project/.env", "RemoveTree acme".
  std::vector<std::string> calls() const;

 private:
  // Records the call; returns the injected failure, if any.
  std::optional<Status> Begin(const std::string& call);
  // The absolute path of `rel`, checking that every directory on the way is
  // a real directory (not a symlink …). Called with mutex_ held.
  Result<std::string> Resolve(const std::string& root, const std::string& rel, bool allow_root = false) const;
  Result<const Entry*> Readable(const std::string& path, const std::string& rel) const;
  // NotFound unless the directory holding `path` exists (a root always does).
  Status ParentExists(const std::string& root, const std::string& path, const std::string& rel) const;
  // Refuses a directory at `path`: a write or a link never replaces one.
  Status NotADirectory(const std::string& path, const std::string& rel) const;

  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
  std::vector<std::string> calls_;
  std::optional<Status> fail_next_;
  uint64_t next_ino_ = 1;
};

}  // namespace md
