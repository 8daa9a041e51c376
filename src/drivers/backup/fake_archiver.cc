#include "drivers/backup/fake_archiver.h"

#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>

#include "core/clock.h"

namespace md {
namespace fs = std::filesystem;
namespace {

std::string Sha256Hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

std::string Normal(const std::string& dir) {
  fs::path p = fs::path(dir).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p.string();
}

// As PgArchiver, which never runs tar as root for a tenant.
constexpr const char* kRootRefusal = "the tenant's files are never handled as root";
bool IsRoot(Owner o) { return o.uid == 0 || o.gid == 0; }

BackupFile FakeFile(const std::string& name, const std::string& content) {
  return BackupFile{name, static_cast<int64_t>(content.size()), Sha256Hex(content)};
}

}  // namespace

void FakeArchiver::Enter(const std::string& call) { calls_.push_back(call); }

Result<BackupManifest> FakeArchiver::Create(const BackupSource& src, const std::string& dir) {
  std::lock_guard lock(mu_);
  const std::string key = Normal(dir);
  Enter("Create " + src.db_name + " " + src.project_dir + " " + key + " " + std::to_string(src.tenant.uid) + ":" +
        std::to_string(src.tenant.gid));
  if (fail_next_create_) {
    Status s = *fail_next_create_;
    fail_next_create_.reset();
    return s;
  }
  if (dir.empty()) return InvalidArgument("no backup folder");
  if (src.db_name.empty()) return InvalidArgument("no database to back up");
  if (backups_.count(key)) return FailedPrecondition("backup folder " + key + " already exists and is not empty");
  BackupManifest m = ManifestFor(src, key, std::max(NowMs(), last_created_ms_ + 1));
  last_created_ms_ = m.created_ms;
  m.files.push_back(FakeFile(kBackupDumpFile, "dump of " + src.db_name));
  if (!src.project_dir.empty() && !absent_projects_.count(src.project_dir)) {
    if (IsRoot(src.tenant)) return InvalidArgument(kRootRefusal);
    m.files.push_back(FakeFile(kBackupArchiveFile, "archive of " + src.project_dir));
  }
  if (!src.sealed_secrets.empty()) m.files.push_back(FakeFile(kBackupSecretsFile, src.sealed_secrets));
  for (const auto& f : m.files) m.total_bytes += f.size;
  backups_[key] = Backup{m, src.db_name, src.project_dir, src.sealed_secrets};
  return m;
}

Result<BackupManifest> FakeArchiver::VerifyLocked(const std::string& dir) {
  auto it = backups_.find(Normal(dir));
  if (it == backups_.end()) return NotFound("no backup manifest in " + dir);
  if (corrupt_.count(it->first)) {
    const auto& files = it->second.manifest.files;
    return Internal(files.back().name + ": SHA-256 does not match the manifest");
  }
  return it->second.manifest;
}

Result<BackupManifest> FakeArchiver::Verify(const std::string& dir) {
  std::lock_guard lock(mu_);
  Enter("Verify " + Normal(dir));
  return VerifyLocked(dir);
}

Status FakeArchiver::RestoreDatabase(const std::string&, const std::string& db_name, const std::string& role,
                                     const std::string& dir) {
  std::lock_guard lock(mu_);
  Enter("RestoreDatabase " + db_name + " " + role + " " + Normal(dir));
  if (role.empty()) return InvalidArgument("no role to restore as");
  auto m = VerifyLocked(dir);
  if (!m.ok()) return m.status().WithContext("backup " + dir);
  return Status::Ok();
}

Status FakeArchiver::RestoreFiles(const std::string& dir, const std::string& project_dir, Owner tenant) {
  std::lock_guard lock(mu_);
  Enter("RestoreFiles " + Normal(dir) + " " + project_dir + " " + std::to_string(tenant.uid) + ":" +
        std::to_string(tenant.gid));
  if (project_dir.empty()) return InvalidArgument("no project folder");
  auto m = VerifyLocked(dir);
  if (!m.ok()) return m.status().WithContext("backup " + dir);
  if (!m->has_archive()) return NotFound("backup " + dir + " has no project archive");
  if (IsRoot(tenant)) return InvalidArgument(kRootRefusal);
  return Status::Ok();
}

Result<std::string> FakeArchiver::ReadSecrets(const std::string& dir) {
  std::lock_guard lock(mu_);
  Enter("ReadSecrets " + Normal(dir));
  auto m = VerifyLocked(dir);
  if (!m.ok()) return m.status().WithContext("backup " + dir);
  if (!m->has_secrets()) return NotFound("backup " + dir + " has no sealed secrets");
  return backups_[Normal(dir)].sealed_secrets;
}

Result<std::vector<BackupManifest>> FakeArchiver::List(const std::string& backups_root, const std::string& subdomain) {
  std::lock_guard lock(mu_);
  Enter("List " + subdomain);
  if (subdomain == "." || subdomain == ".." || subdomain.find('/') != std::string::npos) {
    return InvalidArgument("bad subdomain");
  }
  const std::string root = Normal(backups_root);
  std::vector<BackupManifest> out;
  for (const auto& [key, b] : backups_) {
    fs::path parent = fs::path(key).parent_path();
    if (parent.parent_path().string() == root && (subdomain.empty() || parent.filename() == subdomain)) {
      out.push_back(b.manifest);
    }
  }
  std::sort(out.begin(), out.end(), [](const BackupManifest& a, const BackupManifest& b) {
    return a.created_ms != b.created_ms ? a.created_ms > b.created_ms : a.id > b.id;
  });
  return out;
}

Status FakeArchiver::Remove(const std::string& dir) {
  std::lock_guard lock(mu_);
  Enter("Remove " + Normal(dir));
  if (dir.empty()) return InvalidArgument("no backup folder");
  backups_.erase(Normal(dir));
  corrupt_.erase(Normal(dir));
  return Status::Ok();
}

void FakeArchiver::FailNextCreate(Status status) {
  std::lock_guard lock(mu_);
  fail_next_create_ = std::move(status);
}

void FakeArchiver::Corrupt(const std::string& dir) {
  std::lock_guard lock(mu_);
  corrupt_.insert(Normal(dir));
}

void FakeArchiver::SetProjectAbsent(const std::string& project_dir, bool absent) {
  std::lock_guard lock(mu_);
  if (absent) absent_projects_.insert(project_dir);
  else absent_projects_.erase(project_dir);
}

bool FakeArchiver::Exists(const std::string& dir) {
  std::lock_guard lock(mu_);
  return backups_.count(Normal(dir)) > 0;
}

std::vector<std::string> FakeArchiver::Calls() {
  std::lock_guard lock(mu_);
  return calls_;
}

void FakeArchiver::ClearCalls() {
  std::lock_guard lock(mu_);
  calls_.clear();
}

}  // namespace md
