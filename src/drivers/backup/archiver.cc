#include "drivers/backup/archiver.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/clock.h"
#include "core/files.h"
#include "core/process.h"
#include "core/secret_scrubber.h"
#include "core/strings.h"
#include "core/validate.h"
#include "drivers/database/connect_error.h"
#include "drivers/database/pg_bin_dir.h"

namespace md {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr int kManifestVersion = 1;

bool IsKnownFile(const std::string& name) {
  return name == kBackupDumpFile || name == kBackupArchiveFile || name == kBackupSecretsFile;
}

std::string Join(const std::string& dir, const std::string& name) { return (fs::path(dir) / name).string(); }

// ISO 8601 UTC with milliseconds: 2024-05-01T12:00:00.123Z.
std::string IsoTime(int64_t ms) {
  time_t secs = static_cast<time_t>(ms / 1000);
  tm utc{};
  gmtime_r(&secs, &utc);
  char buf[40];
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &utc);
  char out[48];
  snprintf(out, sizeof(out), "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

// A value for a libpq keyword=value connection string: single-quoted, with
// backslashes and quotes escaped.
std::string ConninfoQuote(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

// How the tools reach one database of a cluster: a connection string without
// the password (it goes in the environment) and that environment.
struct PgTarget {
  std::string conninfo;
  std::vector<std::string> env;
  SecretScrubber scrub;
};

Result<PgTarget> TargetFor(const std::string& db_url, const std::string& db_name, int connect_timeout_s) {
  if (db_name.empty()) return InvalidArgument("no database name");
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(db_url.c_str(), &err);
  // The parser's message may quote a part of the URL, password included.
  if (err != nullptr) PQfreemem(err);
  if (opts == nullptr) return InvalidArgument("database URL is not a valid PostgreSQL connection URI");
  std::map<std::string, std::string> kv;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val != nullptr && o->val[0] != '\0') kv[o->keyword] = o->val;
  }
  PQconninfoFree(opts);
  PgTarget target;
  auto pw = kv.find("password");
  if (pw != kv.end()) {
    target.scrub.Add(pw->second);
    target.env.push_back("PGPASSWORD=" + pw->second);
    kv.erase(pw);
  }
  kv["dbname"] = db_name;
  if (!kv.count("connect_timeout")) kv["connect_timeout"] = std::to_string(connect_timeout_s);
  kv["fallback_application_name"] = "meltanodata-backup";
  for (const auto& [k, v] : kv) {
    if (!target.conninfo.empty()) target.conninfo += ' ';
    target.conninfo += k + "=" + ConninfoQuote(v);
  }
  return target;
}

// The line of a PostgreSQL tool's output that says what went wrong: the
// first "error:" line (later ones are often "Command was: …"), else the last.
std::string ToolErrorLine(const std::string& output) {
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    std::string line = Trim(std::string_view(output).substr(start, end - start));
    if (line.find("error:") != std::string::npos || line.find("FATAL:") != std::string::npos) return line;
    start = end + 1;
  }
  return LastLine(output);
}

// Runs a PostgreSQL tool; an error is "`step`: <its error line>", scrubbed.
Status RunPgTool(const std::string& step, const std::vector<std::string>& argv, const PgTarget& target,
                 int timeout_ms) {
  ProcessOptions opts;
  opts.env = target.env;
  opts.timeout_ms = timeout_ms;
  auto r = RunProcess(argv, opts);
  if (!r.ok()) return Status(r.status().code(), step + ": " + target.scrub(r.status().message()));
  if (r->exit_code == 0) return Status::Ok();
  std::string line = target.scrub(ToolErrorLine(r->output));
  if (line.rfind(step + ": ", 0) == 0) line = line.substr(step.size() + 2);  // "pg_dump: error: …"
  std::string text = step + ": " + (line.empty() ? "exited with " + std::to_string(r->exit_code) : line);
  return IsTransientConnectError(r->output) ? Unavailable(text) : Internal(text);
}

struct FileDigest {
  int64_t size = 0;
  std::string sha256;
};

// Size and SHA-256 of a file, read in chunks.
Result<FileDigest> DigestFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound("missing");
    return ErrnoStatus("cannot open");
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    close(fd);
    return Internal("SHA-256 unavailable");
  }
  std::vector<char> buf(1 << 20);
  FileDigest d;
  while (true) {
    ssize_t n = read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = ErrnoStatus("cannot read");
      close(fd);
      return s;
    }
    if (n == 0) break;
    d.size += n;
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(n));
  }
  close(fd);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) return Internal("SHA-256 failed");
  static const char* kHex = "0123456789abcdef";
  for (unsigned int i = 0; i < len; ++i) {
    d.sha256 += kHex[md[i] >> 4];
    d.sha256 += kHex[md[i] & 15];
  }
  return d;
}

Status FsyncPath(const std::string& path, bool directory) {
  int fd = open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open " + path);
  int rc = fsync(fd);
  Status s = rc == 0 ? Status::Ok() : ErrnoStatus("cannot fsync " + path);
  close(fd);
  return s;
}

// Each line of `tar --list` (escape quoting: one member per line). Refuses a
// member with an absolute path or a `..` component.
Status CheckMemberNames(const std::string& listing) {
  size_t start = 0;
  while (start < listing.size()) {
    size_t end = listing.find('\n', start);
    if (end == std::string::npos) end = listing.size();
    std::string name = listing.substr(start, end - start);
    start = end + 1;
    if (name.empty()) continue;
    if (name[0] == '/') return Internal("member " + name + " has an absolute path");
    size_t pos = 0;
    while (pos <= name.size()) {
      size_t slash = name.find('/', pos);
      if (slash == std::string::npos) slash = name.size();
      if (name.compare(pos, slash - pos, "..") == 0 && slash - pos == 2) {
        return Internal("member " + name + " leaves the folder ('..')");
      }
      pos = slash + 1;
    }
  }
  return Status::Ok();
}

// Creates the missing folders above `dir` (BACKUPS, BACKUPS/SUB), 0700 for the controller.
Status MakeMissingParents(const std::string& dir) {
  std::vector<fs::path> missing;
  for (fs::path p = fs::path(dir).lexically_normal().parent_path(); !p.empty() && p != p.root_path();
       p = p.parent_path()) {
    struct stat st;
    if (lstat(p.c_str(), &st) == 0) break;
    if (errno != ENOENT) return ErrnoStatus("cannot stat " + p.string());
    missing.push_back(p);
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (mkdir(it->c_str(), 0700) != 0 && errno != EEXIST) return ErrnoStatus("cannot create " + it->string());
  }
  return Status::Ok();
}

bool NewestFirst(const BackupManifest& a, const BackupManifest& b) {
  return a.created_ms != b.created_ms ? a.created_ms > b.created_ms : a.id > b.id;
}

// Adds the manifests of the backups in `folder` (one subdomain's) to `out`;
// an absent folder has none.
Status ListInto(const fs::path& folder, std::vector<BackupManifest>* out) {
  std::error_code ec;
  if (!fs::exists(folder, ec)) return Status::Ok();
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_directory(ec) || it->is_symlink(ec)) continue;
    auto text = ReadFile((it->path() / kBackupManifestFile).string());
    if (!text.ok()) continue;
    auto m = ManifestFromJson(*text, it->path().string());
    if (m.ok()) out->push_back(std::move(m).value());
  }
  if (ec) return Internal("cannot list " + folder.string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

// ---------------------------------------------------------------------------
// Manifest

const BackupFile* BackupManifest::File(const std::string& file_name) const {
  for (const auto& f : files) {
    if (f.name == file_name) return &f;
  }
  return nullptr;
}

BackupManifest ManifestFor(const BackupSource& src, const std::string& dir, int64_t created_ms) {
  BackupManifest m;
  m.dir = dir;
  m.id = fs::path(dir).lexically_normal().filename().string();
  m.created_ms = created_ms;
  m.subdomain = src.subdomain;
  m.app = src.app;
  m.app_version = src.app_version;
  m.name = src.name;
  m.email = src.email;
  m.reason = src.reason;
  m.flags = src.flags;
  return m;
}

std::string ManifestToJson(const BackupManifest& m) {
  json files = json::array();
  for (const auto& f : m.files) files.push_back({{"name", f.name}, {"size", f.size}, {"sha256", f.sha256}});
  json j = {
      {"version", kManifestVersion},
      {"id", m.id},
      {"created_at", IsoTime(m.created_ms)},
      {"created_ms", m.created_ms},
      {"subdomain", m.subdomain},
      {"app", m.app},
      {"app_version", m.app_version},
      {"name", m.name},
      {"email", m.email},
      {"reason", m.reason},
      {"flags", m.flags},
      {"files", files},
      {"total_bytes", m.total_bytes},
  };
  // Replace, not throw, on invalid UTF-8 in metadata.
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<BackupManifest> ManifestFromJson(const std::string& text, const std::string& dir) {
  try {
    json j = json::parse(text);
    if (!j.is_object()) return Internal("manifest is not a JSON object");
    if (j.value("version", 0) != kManifestVersion) {
      return Internal("manifest version " + j.value("version", json()).dump() + " is not supported");
    }
    BackupManifest m;
    m.dir = dir;
    m.id = fs::path(dir).lexically_normal().filename().string();
    if (m.id.empty()) m.id = fs::path(dir).lexically_normal().parent_path().filename().string();
    m.created_ms = j.at("created_ms").get<int64_t>();
    m.subdomain = j.value("subdomain", "");
    m.app = j.value("app", "");
    m.app_version = j.value("app_version", "");
    m.name = j.value("name", "");
    m.email = j.value("email", "");
    m.reason = j.value("reason", "");
    if (j.contains("flags")) m.flags = j.at("flags").get<EnvMap>();
    for (const auto& f : j.at("files")) {
      BackupFile file{f.at("name").get<std::string>(), f.at("size").get<int64_t>(), f.at("sha256").get<std::string>()};
      if (!IsKnownFile(file.name)) return Internal("manifest lists an unknown file " + file.name);
      if (m.File(file.name) != nullptr) return Internal("manifest lists " + file.name + " twice");
      if (file.size < 0 || file.sha256.size() != 64) return Internal("manifest entry of " + file.name + " is malformed");
      m.total_bytes += file.size;
      m.files.push_back(std::move(file));
    }
    return m;
  } catch (const std::exception& e) {
    return Internal(std::string("manifest does not parse: ") + e.what());
  }
}

// ---------------------------------------------------------------------------
// PgArchiver

PgArchiver::PgArchiver(PgArchiverOptions options)
    : options_(std::move(options)), project_files_(options_.tar, options_.timeout_ms) {}

Result<std::string> PgArchiver::BinDir() {
  std::lock_guard lock(mu_);
  if (!bin_dir_.empty()) return bin_dir_;
  MD_ASSIGN_OR_RETURN(bin_dir_, FindPostgresBinDir(options_.bin_dir, {"pg_dump", "pg_restore"}));
  return bin_dir_;
}

Result<BackupManifest> PgArchiver::Create(const BackupSource& src, const std::string& dir) {
  if (dir.empty()) return InvalidArgument("no backup folder");
  if (src.db_name.empty()) return InvalidArgument("no database to back up");
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dir, ec))) {
    if (!fs::is_directory(fs::symlink_status(dir, ec)) || !fs::is_empty(dir, ec) || ec) {
      return FailedPrecondition("backup folder " + dir + " already exists and is not empty");
    }
  }
  auto m = CreateIn(src, dir);
  if (!m.ok()) {
    Status removed = RemoveTree(dir);
    if (!removed.ok()) return m.status().WithContext("backup (and " + removed.message() + ")");
  }
  return m;
}

Result<BackupManifest> PgArchiver::CreateIn(const BackupSource& src, const std::string& dir) {
  MD_ASSIGN_OR_RETURN(std::string bin, BinDir());
  MD_RETURN_IF_ERROR(MakeMissingParents(dir));
  MD_RETURN_IF_ERROR(EnsureDirectory(dir, 0700, Owner{geteuid(), getegid()}));

  BackupManifest m = ManifestFor(src, dir, NowMs());

  // 1. The database.
  MD_ASSIGN_OR_RETURN(PgTarget target, TargetFor(src.db_url, src.db_name, options_.connect_timeout_s));
  const std::string dump = Join(dir, kBackupDumpFile);
  MD_RETURN_IF_ERROR(RunPgTool("pg_dump",
                               {bin + "/pg_dump", "--format=custom", "--no-password",
                                "--lock-wait-timeout=" + std::to_string(options_.lock_wait_timeout_ms),
                                "--file=" + dump, "--dbname=" + target.conninfo},
                               target, options_.timeout_ms));
  if (chmod(dump.c_str(), 0600) != 0) return ErrnoStatus("pg_dump: cannot chmod " + dump);
  MD_RETURN_IF_ERROR(FsyncPath(dump, false).WithContext("pg_dump"));

  // 2. The project folder, if there is one.
  bool with_archive = false;
  if (!src.project_dir.empty()) {
    struct stat st;
    if (lstat(src.project_dir.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) return FailedPrecondition("tar: " + src.project_dir + " is not a folder");
      with_archive = true;
    } else if (errno != ENOENT) {
      return ErrnoStatus("tar: cannot stat " + src.project_dir);
    }
  }
  const std::string archive = Join(dir, kBackupArchiveFile);
  if (with_archive) {
    // Opened by the controller, written by the tenant's tar: the tenant never opens it.
    int fd = open(archive.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return ErrnoStatus("tar: cannot create " + archive);
    Status s = project_files_.Archive(src.project_dir, src.tenant, fd);
    if (s.ok() && fsync(fd) != 0) s = ErrnoStatus("tar: cannot fsync " + archive);
    close(fd);
    MD_RETURN_IF_ERROR(s);
  }

  // 3. The secrets, as sealed by the caller.
  if (!src.sealed_secrets.empty()) {
    const std::string secrets = Join(dir, kBackupSecretsFile);
    int fd = open(secrets.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return ErrnoStatus("secrets: cannot create " + secrets);
    Status s = WriteAll(fd, src.sealed_secrets, secrets);
    if (s.ok() && fsync(fd) != 0) s = ErrnoStatus("secrets: cannot fsync " + secrets);
    close(fd);
    MD_RETURN_IF_ERROR(s.WithContext("secrets"));
  }

  // 4. The manifest, last: a folder with a manifest holds a complete backup.
  std::vector<std::string> names = {kBackupDumpFile};
  if (with_archive) names.push_back(kBackupArchiveFile);
  if (!src.sealed_secrets.empty()) names.push_back(kBackupSecretsFile);
  for (const auto& name : names) {
    auto d = DigestFile(Join(dir, name));
    if (!d.ok()) return d.status().WithContext("manifest: " + name);
    m.files.push_back(BackupFile{name, d->size, d->sha256});
    m.total_bytes += d->size;
  }
  MD_RETURN_IF_ERROR(WriteFileAtomic(Join(dir, kBackupManifestFile), ManifestToJson(m), 0600,
                                     Owner{geteuid(), getegid()})
                         .WithContext("manifest"));
  MD_RETURN_IF_ERROR(FsyncPath(dir, true).WithContext("manifest"));

  // 5. It counts only once checked.
  auto verified = Verify(dir);
  if (!verified.ok()) return verified.status().WithContext("verify");
  return verified;
}

Result<BackupManifest> PgArchiver::Verify(const std::string& dir) {
  auto text = ReadFile(Join(dir, kBackupManifestFile));
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) return NotFound("no backup manifest in " + dir);
    return text.status();
  }
  MD_ASSIGN_OR_RETURN(BackupManifest m, ManifestFromJson(*text, dir));
  if (m.File(kBackupDumpFile) == nullptr) return Internal("manifest lists no " + std::string(kBackupDumpFile));
  for (const auto& f : m.files) {
    auto d = DigestFile(Join(dir, f.name));
    if (!d.ok()) return d.status().WithContext(f.name);
    if (d->size != f.size) {
      return Internal(f.name + ": size " + std::to_string(d->size) + " does not match the manifest (" +
                      std::to_string(f.size) + ")");
    }
    if (d->sha256 != f.sha256) return Internal(f.name + ": SHA-256 does not match the manifest");
  }
  MD_ASSIGN_OR_RETURN(std::string bin, BinDir());
  ProcessOptions opts;
  opts.timeout_ms = options_.timeout_ms;
  {
    auto r = RunProcess({bin + "/pg_restore", "--list", Join(dir, kBackupDumpFile)}, opts);
    if (!r.ok()) return r.status().WithContext(std::string(kBackupDumpFile) + ": pg_restore --list");
    if (r->exit_code != 0) {
      return Internal(std::string(kBackupDumpFile) + ": pg_restore --list exited with " +
                      std::to_string(r->exit_code) + ": " + ToolErrorLine(r->output));
    }
    if (r->output.find("Format: CUSTOM") == std::string::npos ||
        r->output.find("TOC Entries:") == std::string::npos) {
      return Internal(std::string(kBackupDumpFile) + ": pg_restore --list shows no table of contents");
    }
  }
  if (m.has_archive()) {
    auto r = RunProcess({options_.tar, "--list", "--gzip", "--quoting-style=escape",
                         "--file=" + Join(dir, kBackupArchiveFile)},
                        opts);
    if (!r.ok()) return r.status().WithContext(std::string(kBackupArchiveFile) + ": tar --list");
    if (r->exit_code != 0) {
      return Internal(std::string(kBackupArchiveFile) + ": tar --list exited with " + std::to_string(r->exit_code) +
                      ": " + LastLine(r->output));
    }
    MD_RETURN_IF_ERROR(CheckMemberNames(r->output).WithContext(kBackupArchiveFile));
  }
  return m;
}

Status PgArchiver::RestoreDatabase(const std::string& db_url, const std::string& db_name, const std::string& role,
                                   const std::string& dir) {
  if (role.empty()) return InvalidArgument("no role to restore as");
  auto m = Verify(dir);
  if (!m.ok()) return m.status().WithContext("backup " + dir);
  MD_ASSIGN_OR_RETURN(std::string bin, BinDir());
  MD_ASSIGN_OR_RETURN(PgTarget target, TargetFor(db_url, db_name, options_.connect_timeout_s));
  // As the superuser, but SET ROLE to the tenant: what is created is the
  // tenant's, and nothing the tenant could not do itself is done. One
  // transaction: a failed restore leaves the database as it was.
  return RunPgTool("pg_restore",
                   {bin + "/pg_restore", "--no-password", "--clean", "--if-exists", "--no-owner", "--role=" + role,
                    "--single-transaction", "--exit-on-error", "--dbname=" + target.conninfo,
                    Join(dir, kBackupDumpFile)},
                   target, options_.timeout_ms);
}

Status PgArchiver::RestoreFiles(const std::string& dir, const std::string& project_dir, Owner tenant) {
  if (project_dir.empty()) return InvalidArgument("no project folder");
  auto verified = Verify(dir);
  if (!verified.ok()) return verified.status().WithContext("backup " + dir);
  if (!verified->has_archive()) return NotFound("backup " + dir + " has no project archive");
  const std::string archive = Join(dir, kBackupArchiveFile);
  int fd = open(archive.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open " + archive);
  Status s = project_files_.Replace(fd, project_dir, tenant);
  close(fd);
  return s;
}

Result<std::string> PgArchiver::ReadSecrets(const std::string& dir) {
  auto verified = Verify(dir);
  if (!verified.ok()) return verified.status().WithContext("backup " + dir);
  if (!verified->has_secrets()) return NotFound("backup " + dir + " has no sealed secrets");
  return ReadFile(Join(dir, kBackupSecretsFile));
}

Result<std::vector<BackupManifest>> PgArchiver::List(const std::string& backups_root, const std::string& subdomain) {
  std::vector<std::string> subs;
  if (!subdomain.empty()) {
    if (subdomain == "." || subdomain == ".." || subdomain.find('/') != std::string::npos) {
      return InvalidArgument("bad subdomain");
    }
    subs.push_back(subdomain);
  } else {
    std::error_code ec;
    for (fs::directory_iterator it(backups_root, ec), end; !ec && it != end; it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (it->is_directory(ec) && !it->is_symlink(ec) && ValidateSubdomain(name).ok()) subs.push_back(name);
    }
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return Internal("cannot list " + backups_root + ": " + ec.message());
    }
  }
  std::vector<BackupManifest> out;
  for (const auto& sub : subs) MD_RETURN_IF_ERROR(ListInto(fs::path(backups_root) / sub, &out));
  std::sort(out.begin(), out.end(), NewestFirst);
  return out;
}

Status PgArchiver::Remove(const std::string& dir) {
  if (dir.empty()) return InvalidArgument("no backup folder");
  MD_RETURN_IF_ERROR(RemoveTree(dir));
  // The subdomain's folder goes with its last backup; rmdir leaves a non-empty one (or a mount point) alone.
  fs::path parent = fs::path(dir).lexically_normal();
  if (parent.filename().empty()) parent = parent.parent_path();
  rmdir(parent.parent_path().c_str());
  return Status::Ok();
}

}  // namespace md
