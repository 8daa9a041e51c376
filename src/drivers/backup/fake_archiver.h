#pragma once
// FakeArchiver: an in-memory Archiver for unit tests. A backup is a record
// keyed by its folder; nothing touches the disk or a database. It records
// the calls (never a password) and has fault switches. Thread-safe (one mutex).

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "drivers/backup/archiver.h"

namespace md {

class FakeArchiver final : public Archiver {
 public:
  FakeArchiver() = default;

  Result<BackupManifest> Create(const BackupSource& src, const std::string& dir) override;
  Result<BackupManifest> Verify(const std::string& dir) override;
  Status RestoreDatabase(const std::string& db_url, const std::string& db_name, const std::string& role,
                         const std::string& dir) override;
  Status RestoreFiles(const std::string& dir, const std::string& project_dir, Owner tenant) override;
  Result<std::string> ReadSecrets(const std::string& dir) override;
  Result<std::vector<BackupManifest>> List(const std::string& backups_root, const std::string& subdomain) override;
  Status Remove(const std::string& dir) override;

  // --- Test controls ---
  // The next Create fails with `status` and leaves no backup.
  void FailNextCreate(Status status);
  // From now on, Verify (and so the restores) of `dir` fails as if a file did not match.
  void Corrupt(const std::string& dir);
  // Create of a source whose project_dir is in this set makes no archive (as if absent on disk).
  void SetProjectAbsent(const std::string& project_dir, bool absent);
  bool Exists(const std::string& dir);
  // "Method arg arg" per call, in order; admin URLs are never recorded.
  std::vector<std::string> Calls();
  void ClearCalls();

 private:
  struct Backup {
    BackupManifest manifest;
    std::string db_name;
    std::string project_dir;
    std::string sealed_secrets;
  };
  // Records the call.
  void Enter(const std::string& call);
  Result<BackupManifest> VerifyLocked(const std::string& dir);

  std::mutex mu_;
  std::map<std::string, Backup> backups_;  // by folder
  std::set<std::string> corrupt_;
  std::set<std::string> absent_projects_;
  std::optional<Status> fail_next_create_;
  std::vector<std::string> calls_;
  int64_t last_created_ms_ = 0;
};

}  // namespace md
