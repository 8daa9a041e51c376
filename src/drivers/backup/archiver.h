#pragma once
// Archiver: backups of one tenant — a pg_dump (custom format) of its database
// and a tar.gz of its project folder, described by a manifest (sizes, SHA-256)
// in one backup folder. Level-based and thread-safe; no policy (the caller
// chooses the folder, when to back up and what to restore).

#include <sys/types.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "core/files.h"
#include "core/status.h"
#include "core/types.h"
#include "drivers/backup/project_files.h"

namespace md {

// File names inside a backup folder.
inline constexpr const char* kBackupDumpFile = "db.dump";
inline constexpr const char* kBackupArchiveFile = "project.tar.gz";
inline constexpr const char* kBackupManifestFile = "manifest.json";
// The instance's secrets, sealed by the vault: never in clear in a backup.
inline constexpr const char* kBackupSecretsFile = "secrets.sealed";

// What to back up. `db_url` is a libpq URI of a role that owns the database
// (the tenant's own, so nothing the tenant defined there runs with more
// rights); it holds a password, which never reaches a command line, a log or
// an error.
struct BackupSource {
  std::string db_url;
  std::string db_name;
  std::string project_dir;  // empty or absent on disk: the backup has no archive
  Owner tenant;             // the project's owner: tar reads it with these ids, never as root
  // Metadata, recorded as given.
  std::string subdomain;
  std::string app;
  std::string app_version;
  std::string name;
  std::string email;
  std::string reason;  // why it was taken, e.g. "before delete"
  EnvMap flags;
  // The instance's secrets as one value sealed by the vault, kept as given
  // in kBackupSecretsFile; empty: the backup has none.
  std::string sealed_secrets;
};

struct BackupFile {
  std::string name;  // kBackupDumpFile, kBackupArchiveFile or kBackupSecretsFile
  int64_t size = 0;
  std::string sha256;  // lower-case hex
};

struct BackupManifest {
  std::string id;   // the backup folder's name
  std::string dir;  // the backup folder
  int64_t created_ms = 0;
  std::string subdomain;
  std::string app;
  std::string app_version;
  std::string name;
  std::string email;
  std::string reason;
  EnvMap flags;
  std::vector<BackupFile> files;
  int64_t total_bytes = 0;  // sum of the files' sizes

  // The entry named `name`, or null.
  const BackupFile* File(const std::string& file_name) const;
  bool has_archive() const { return File(kBackupArchiveFile) != nullptr; }
  bool has_secrets() const { return File(kBackupSecretsFile) != nullptr; }
};

// A manifest for a backup of `src` in `dir` (id: the folder's name), with the
// source's metadata and no files yet.
BackupManifest ManifestFor(const BackupSource& src, const std::string& dir, int64_t created_ms);

// manifest.json: {"version":1,"id","created_at" (ISO 8601 UTC),"created_ms",
// the metadata,"flags":{},"files":[{"name","size","sha256"}],"total_bytes"}.
std::string ManifestToJson(const BackupManifest& m);
// Parses manifest.json text; `dir` fills `dir` and `id` (its last component).
// Checks the version and that every file name is a known one. Members it
// does not know are ignored (older manifests have a "project_owner").
Result<BackupManifest> ManifestFromJson(const std::string& text, const std::string& dir);

class Archiver {
 public:
  virtual ~Archiver() = default;

  // Writes a backup of `src` into `dir` (created 0700 for the controller, as
  // are its missing parents; FailedPrecondition if it exists and is not
  // empty), then verifies it as Verify does. The project folder is read as
  // `src.tenant`: what the tenant cannot read is left out. On any failure
  // `dir` is removed and the error names the step ("pg_dump: …", "tar: …",
  // "verify: …"); Unavailable if the cluster did not answer or files changed
  // while they were archived (a live app).
  virtual Result<BackupManifest> Create(const BackupSource& src, const std::string& dir) = 0;

  // Re-checks a stored backup: the manifest is present and parses, every file
  // has its recorded size and SHA-256, `pg_restore --list` reads the dump and
  // `tar` reads the archive. NotFound if there is no manifest (no complete
  // backup: the folder is absent or partial); otherwise the error names the
  // file that does not match.
  virtual Result<BackupManifest> Verify(const std::string& dir) = 0;

  // Verifies the backup, then restores its dump into the existing database
  // `db_name` (the role `role` must exist), in one transaction, as `role`:
  // objects of the dump are dropped first (--clean --if-exists), and every
  // restored object is owned by `role`. Others are left alone.
  virtual Status RestoreDatabase(const std::string& db_url, const std::string& db_name, const std::string& role,
                                 const std::string& dir) = 0;

  // Verifies the backup, then replaces `project_dir` (created if absent) by
  // its archive, as ProjectFiles::Replace does: extracted and owned by
  // `tenant` (a tenant user recreated with another uid gets its files), with
  // the recorded modes, swapped in atomically. Members with an absolute path
  // or `..` are refused. NotFound if the backup has no archive.
  virtual Status RestoreFiles(const std::string& dir, const std::string& project_dir, Owner tenant) = 0;

  // Verifies the backup, then returns its sealed secrets as they were given
  // to Create. NotFound if the backup has none (an older backup).
  virtual Result<std::string> ReadSecrets(const std::string& dir) = 0;

  // The backups of `subdomain` under `backups_root` (BACKUPS/SUB/ID/), or of
  // every subdomain when it is empty; newest first. Folders without a
  // readable manifest are skipped (incomplete). An absent folder is an empty
  // list. Manifests are read, not verified.
  virtual Result<std::vector<BackupManifest>> List(const std::string& backups_root, const std::string& subdomain) = 0;

  // Removes the backup folder, and its parent (the subdomain's) if that is
  // left empty; absent is success.
  virtual Status Remove(const std::string& dir) = 0;
};

struct PgArchiverOptions {
  std::string bin_dir;                 // pg_dump/pg_restore; empty: `pg_config --bindir`, else PostgreSQL 15's
  std::string tar = "tar";             // GNU tar, from PATH unless a path
  int timeout_ms = 60 * 60 * 1000;     // per tool run (dump, archive, restore); killed past it
  int connect_timeout_s = 10;          // libpq connect_timeout unless the admin URL sets one
  int lock_wait_timeout_ms = 60000;    // pg_dump --lock-wait-timeout
};

// PgArchiver: the Archiver over PostgreSQL 15's pg_dump/pg_restore and GNU tar.
// Stateless apart from the tools' location (found once, under a mutex), so it
// is thread-safe. The admin password reaches the tools only as PGPASSWORD in
// their environment; every error is scrubbed of it.
class PgArchiver final : public Archiver {
 public:
  explicit PgArchiver(PgArchiverOptions options = {});

  Result<BackupManifest> Create(const BackupSource& src, const std::string& dir) override;
  Result<BackupManifest> Verify(const std::string& dir) override;
  Status RestoreDatabase(const std::string& db_url, const std::string& db_name, const std::string& role,
                         const std::string& dir) override;
  Status RestoreFiles(const std::string& dir, const std::string& project_dir, Owner tenant) override;
  Result<std::string> ReadSecrets(const std::string& dir) override;
  Result<std::vector<BackupManifest>> List(const std::string& backups_root, const std::string& subdomain) override;
  Status Remove(const std::string& dir) override;

 private:
  Result<std::string> BinDir();
  Result<BackupManifest> CreateIn(const BackupSource& src, const std::string& dir);

  PgArchiverOptions options_;
  const ProjectFiles project_files_;
  std::mutex mu_;
  std::string bin_dir_;  // resolved; guarded by mu_
};

}  // namespace md
