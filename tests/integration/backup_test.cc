// One contract suite run against PgArchiver (a throwaway real PostgreSQL, GNU
// tar) and FakeArchiver, so that the fake cannot drift from the real thing;
// then PgArchiver-only details: files on disk, corruption, restores of the
// database and of the project folder with modes and owners, hostile archives,
// and a hostile tenant: its project is read and written with its rights only.

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <thread>
#include <type_traits>

#include "../support/postgres_fixture.h"
#include "core/files.h"
#include "core/process.h"
#include "core/random.h"
#include "drivers/backup/archiver.h"
#include "drivers/backup/fake_archiver.h"
#include "drivers/database/postgres_database.h"

namespace md {
namespace {

namespace fs = std::filesystem;
using Names = std::vector<std::string>;

constexpr uid_t kTenantUid = 12345;  // need not exist: owners are numeric
constexpr gid_t kTenantGid = 12346;
constexpr Owner kTenant{kTenantUid, kTenantGid};
constexpr const char* kDeadPassword = "s3cret-dead";

std::string MakeTempDir() {
  std::string tmpl = (fs::temp_directory_path() / "md-backup-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

bool IsRoot() { return geteuid() == 0; }

// Every entry under `root` (root itself as "."): type, mode, and the content
// of files or the target of symlinks.
std::map<std::string, std::string> Snapshot(const std::string& root) {
  std::map<std::string, std::string> out;
  auto describe = [&](const fs::path& p) {
    struct stat st;
    if (lstat(p.c_str(), &st) != 0) return std::string("missing");
    char mode[16];
    snprintf(mode, sizeof(mode), "%o ", static_cast<unsigned>(st.st_mode));
    std::string d = mode;
    if (S_ISLNK(st.st_mode)) d += "-> " + fs::read_symlink(p).string();
    else if (S_ISREG(st.st_mode)) d += *ReadFile(p.string());
    return d;
  };
  out["."] = describe(root);
  for (auto& e : fs::recursive_directory_iterator(root)) out[fs::relative(e.path(), root).string()] = describe(e.path());
  return out;
}

// The owners ("uid:gid") of `root` and everything under it, links included.
std::set<std::string> Owners(const std::string& root) {
  std::set<std::string> out;
  auto add = [&](const fs::path& p) {
    struct stat st;
    if (lstat(p.c_str(), &st) == 0) out.insert(std::to_string(st.st_uid) + ":" + std::to_string(st.st_gid));
  };
  add(root);
  for (auto& e : fs::recursive_directory_iterator(root)) add(e.path());
  return out;
}

std::string OwnerText(Owner o) { return std::to_string(o.uid) + ":" + std::to_string(o.gid); }

// No ".md-restore-…" staging folder is left in `dir`.
void ExpectNoStaging(const std::string& dir) {
  for (auto& e : fs::directory_iterator(dir)) {
    EXPECT_EQ(e.path().filename().string().rfind(".md-restore", 0), std::string::npos) << e.path();
  }
}

// Rewrites the manifest of backup `m` so that it matches the archive now in
// its folder: a forged backup that only the archive's contents can betray.
void MatchManifestToArchive(BackupManifest m) {
  const std::string archive = m.dir + "/" + kBackupArchiveFile;
  auto sum = RunChecked({"sha256sum", archive});
  ASSERT_TRUE(sum.ok()) << sum.status().message();
  for (auto& f : m.files) {
    if (f.name == kBackupArchiveFile) f = BackupFile{f.name, static_cast<int64_t>(fs::file_size(archive)),
                                                     sum->substr(0, 64)};
  }
  ASSERT_TRUE(WriteFileAtomic(m.dir + "/" + kBackupManifestFile, ManifestToJson(m), 0600).ok());
}

void FlipByte(const std::string& path, size_t at) {
  std::string data = *ReadFile(path);
  ASSERT_LT(at, data.size());
  data[at] = static_cast<char>(data[at] ^ 0x5a);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

// ---------------------------------------------------------------------------
// libpq helpers for the checks.

struct PgConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConn = std::unique_ptr<PGconn, PgConnCloser>;

PgConn ConnectUrl(const std::string& url, const char* dbname = nullptr) {
  const char* keys[] = {"connect_timeout", "dbname", dbname ? "dbname" : nullptr, nullptr};
  const char* values[] = {"5", url.c_str(), dbname, nullptr};
  return PgConn(PQconnectdbParams(keys, values, 1));
}

Status Exec(const std::string& url, const std::string& sql, const char* dbname = nullptr) {
  PgConn c = ConnectUrl(url, dbname);
  if (PQstatus(c.get()) != CONNECTION_OK) return Internal(PQerrorMessage(c.get()));
  PGresult* r = PQexec(c.get(), sql.c_str());
  ExecStatusType st = PQresultStatus(r);
  std::string err = PQresultErrorMessage(r);
  PQclear(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Status::Ok();
  return Internal(err);
}

// Rows of `sql`, each as its columns joined by '|'.
Result<Names> Query(const std::string& url, const std::string& sql, const char* dbname = nullptr) {
  PgConn c = ConnectUrl(url, dbname);
  if (PQstatus(c.get()) != CONNECTION_OK) return Internal(PQerrorMessage(c.get()));
  PGresult* r = PQexec(c.get(), sql.c_str());
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    std::string err = PQresultErrorMessage(r);
    PQclear(r);
    return Internal(err);
  }
  Names out;
  for (int i = 0; i < PQntuples(r); ++i) {
    std::string row;
    for (int j = 0; j < PQnfields(r); ++j) row += (j ? "|" : "") + std::string(PQgetvalue(r, i, j));
    out.push_back(row);
  }
  PQclear(r);
  return out;
}

// ---------------------------------------------------------------------------
// Backends: what the contract suite needs beyond the Archiver interface.

class Backend {
 public:
  virtual ~Backend() = default;
  virtual Archiver& archiver() = 0;
  // A tenant with a database and a project folder (or none).
  virtual BackupSource Source(bool with_project) = 0;
  // Makes the next Create of `src` fail as if its cluster did not answer.
  virtual void BreakCluster(BackupSource* src) = 0;
  // Damages the project archive of a stored backup.
  virtual void CorruptArchive(const std::string& dir) = 0;
  // Who owns the projects of Source().
  Owner tenant() { return kTenant; }
  // Where backups go (BACKUPS), and a project folder to restore into.
  virtual std::string root() = 0;
  virtual std::string scratch() = 0;
  virtual std::string admin_url() = 0;
};

class PgBackend final : public Backend {
 public:
  PgBackend() {
    std::string error;
    fixture_ = test::SharedPostgres(&error);
    if (fixture_ == nullptr) throw std::runtime_error("cannot start PostgreSQL: " + error);
    tmp_ = MakeTempDir();
    // The controller's folder, open for tenants to reach their projects (as DATA/tenants/SUB).
    fs::permissions(tmp_, fs::perms(0755));
    prefix_ = "mdbk_" + RandomHex(4) + "_";
  }
  ~PgBackend() override {
    for (const auto& [role, db] : made_) {
      Status s = db_.DropDatabase(admin_url(), db);
      if (s.ok()) s = db_.DropRole(admin_url(), role);
      if (!s.ok()) ADD_FAILURE() << s.message();
    }
    EXPECT_TRUE(RemoveTree(tmp_).ok());
  }
  Archiver& archiver() override { return archiver_; }
  BackupSource Source(bool with_project) override {
    int n = static_cast<int>(made_.size());
    std::string role = prefix_ + "r" + std::to_string(n);
    std::string db = prefix_ + "d" + std::to_string(n);
    made_.emplace_back(role, db);
    Status s = db_.EnsureDatabase(admin_url(), role, "pw-" + role, db);
    if (!s.ok()) throw std::runtime_error(s.message());
    auto url = db_.TenantUrl(admin_url(), role, "pw-" + role, db);
    s = Exec(*url, "CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, 'one'), (2, 'two')");
    if (!s.ok()) throw std::runtime_error(s.message());
    BackupSource src{.db_url = admin_url(), .db_name = db, .subdomain = "acme", .app = "demo",
                     .app_version = "1.0.0", .name = "Ann Lee", .email = "ann@acme.example",
                     .flags = {{"MELTANO_UI_READONLY", "true"}}};
    src.project_dir = tmp_ + "/project" + std::to_string(n);
    src.tenant = tenant();
    if (with_project) {
      EXPECT_TRUE(EnsureDirectory(src.project_dir, 0750, tenant()).ok());
      EXPECT_TRUE(EnsureDirectory(src.project_dir + "/sub", 0750, tenant()).ok());
      EXPECT_TRUE(WriteFileAtomic(src.project_dir + "/meltano.yml", "version: 1\n", 0644, tenant()).ok());
      EXPECT_TRUE(WriteFileAtomic(src.project_dir + "/sub/x.txt", "x\n", 0600, tenant()).ok());
    }
    return src;
  }
  void BreakCluster(BackupSource* src) override {
    src->db_url = std::string("postgresql://postgres:") + kDeadPassword +
                     "@127.0.0.1:" + std::to_string(test::FreeTcpPort()) + "/postgres";
  }
  void CorruptArchive(const std::string& dir) override { FlipByte(dir + "/" + kBackupArchiveFile, 20); }
  std::string root() override { return tmp_ + "/backups"; }
  std::string scratch() override { return tmp_ + "/restored"; }
  std::string admin_url() override { return fixture_->admin_url(); }

  PostgresDatabase& db() { return db_; }
  const std::string& tmp() const { return tmp_; }
  // The role of the last Source().
  const std::string& last_role() const { return made_.back().first; }
  const std::string& admin_password() const { return fixture_->password(); }

 private:
  test::PostgresFixture* fixture_ = nullptr;
  PostgresDatabase db_;
  PgArchiver archiver_;
  std::string tmp_;
  std::string prefix_;
  std::vector<std::pair<std::string, std::string>> made_;
};

class FakeBackend final : public Backend {
 public:
  Archiver& archiver() override { return fake_; }
  BackupSource Source(bool with_project) override {
    int n = count_++;
    BackupSource src{.db_url = admin_url(), .db_name = "db" + std::to_string(n), .subdomain = "acme", .app = "demo",
                     .app_version = "1.0.0", .name = "Ann Lee", .email = "ann@acme.example",
                     .flags = {{"MELTANO_UI_READONLY", "true"}}};
    src.project_dir = "/fake/project" + std::to_string(n);
    src.tenant = tenant();
    fake_.SetProjectAbsent(src.project_dir, !with_project);
    return src;
  }
  void BreakCluster(BackupSource* src) override {
    src->db_url = std::string("postgresql://postgres:") + kDeadPassword + "@127.0.0.1:1/postgres";
    fake_.FailNextCreate(Unavailable("pg_dump: exited with 1: connection to server failed"));
  }
  void CorruptArchive(const std::string& dir) override { fake_.Corrupt(dir); }
  std::string root() override { return "/fake/backups"; }
  std::string scratch() override { return "/fake/restored"; }
  std::string admin_url() override { return "postgresql://postgres:admin-pw@127.0.0.1:5999/postgres"; }

 private:
  FakeArchiver fake_;
  int count_ = 0;
};

// ---------------------------------------------------------------------------
// The contract.

template <typename B>
class ArchiverContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::is_same_v<B, PgBackend> && !IsRoot()) GTEST_SKIP() << "needs root (owners of tenant files)";
    try {
      backend_ = std::make_unique<B>();
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
  }
  Archiver& a() { return backend_->archiver(); }
  Backend& b() { return *backend_; }
  std::string Dir(const std::string& sub, const std::string& id) { return b().root() + "/" + sub + "/" + id; }

  std::unique_ptr<Backend> backend_;
};

using Backends = ::testing::Types<PgBackend, FakeBackend>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, PgBackend> ? "Pg" : "Fake";
  }
};
TYPED_TEST_SUITE(ArchiverContract, Backends, BackendNames);

TYPED_TEST(ArchiverContract, CreateRecordsTheManifestAndVerifies) {
  BackupSource src = this->b().Source(true);
  const std::string dir = this->Dir("acme", "20240501-1");
  auto m = this->a().Create(src, dir);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->id, "20240501-1");
  EXPECT_EQ(m->subdomain, "acme");
  EXPECT_EQ(m->app, "demo");
  EXPECT_EQ(m->app_version, "1.0.0");
  EXPECT_EQ(m->name, "Ann Lee");
  EXPECT_EQ(m->email, "ann@acme.example");
  EXPECT_EQ(m->flags, (EnvMap{{"MELTANO_UI_READONLY", "true"}}));
  EXPECT_GT(m->created_ms, 0);
  ASSERT_EQ(m->files.size(), 2u);
  ASSERT_NE(m->File(kBackupDumpFile), nullptr);
  ASSERT_TRUE(m->has_archive());
  int64_t total = 0;
  for (const auto& f : m->files) {
    EXPECT_GT(f.size, 0) << f.name;
    EXPECT_EQ(f.sha256.size(), 64u) << f.name;
    total += f.size;
  }
  EXPECT_EQ(m->total_bytes, total);

  auto v = this->a().Verify(dir);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->id, m->id);
  EXPECT_EQ(v->created_ms, m->created_ms);
  EXPECT_EQ(v->flags, m->flags);
  EXPECT_EQ(v->total_bytes, m->total_bytes);
  EXPECT_EQ(v->File(kBackupArchiveFile)->sha256, m->File(kBackupArchiveFile)->sha256);
}

TYPED_TEST(ArchiverContract, WithoutAProjectFolderThereIsNoArchive) {
  BackupSource src = this->b().Source(false);
  const std::string dir = this->Dir("acme", "1");
  auto m = this->a().Create(src, dir);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_FALSE(m->has_archive());
  ASSERT_EQ(m->files.size(), 1u);
  EXPECT_TRUE(this->a().Verify(dir).ok());
  Status s = this->a().RestoreFiles(dir, this->b().scratch(), this->b().tenant());
  EXPECT_EQ(s.code(), Code::kNotFound) << s.message();
}

TYPED_TEST(ArchiverContract, KeepsTheSealedSecretsAsGivenInTheManifest) {
  BackupSource src = this->b().Source(false);
  src.sealed_secrets = "mdv1:opaque-sealed-bundle";
  const std::string dir = this->Dir("acme", "s1");
  auto m = this->a().Create(src, dir);
  ASSERT_TRUE(m.ok()) << m.status().message();
  ASSERT_TRUE(m->has_secrets());
  EXPECT_EQ(m->File(kBackupSecretsFile)->size, static_cast<int64_t>(src.sealed_secrets.size()));
  EXPECT_TRUE(this->a().Verify(dir)->has_secrets());
  EXPECT_EQ(*this->a().ReadSecrets(dir), src.sealed_secrets);
  // A backup without them (an older one) says so.
  const std::string plain = this->Dir("acme", "s2");
  ASSERT_TRUE(this->a().Create(this->b().Source(false), plain).ok());
  EXPECT_EQ(this->a().ReadSecrets(plain).status().code(), Code::kNotFound);
}

TYPED_TEST(ArchiverContract, RefusesAnExistingBackupFolderAndKeepsIt) {
  const std::string dir = this->Dir("acme", "1");
  ASSERT_TRUE(this->a().Create(this->b().Source(true), dir).ok());
  auto again = this->a().Create(this->b().Source(true), dir);
  EXPECT_EQ(again.status().code(), Code::kFailedPrecondition) << again.status().message();
  auto v = this->a().Verify(dir);
  EXPECT_TRUE(v.ok()) << v.status().message();
}

TYPED_TEST(ArchiverContract, FailedCreateLeavesNothingAndHidesThePassword) {
  BackupSource src = this->b().Source(true);
  this->b().BreakCluster(&src);
  const std::string dir = this->Dir("acme", "1");
  auto m = this->a().Create(src, dir);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), Code::kUnavailable) << m.status().message();
  EXPECT_EQ(m.status().message().rfind("pg_dump", 0), 0u) << m.status().message();
  EXPECT_EQ(m.status().message().find(kDeadPassword), std::string::npos) << m.status().message();
  EXPECT_EQ(this->a().Verify(dir).status().code(), Code::kNotFound);
  auto list = this->a().List(this->b().root(), "acme");
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
}

TYPED_TEST(ArchiverContract, VerifyOfAMissingBackupIsNotFound) {
  EXPECT_EQ(this->a().Verify(this->Dir("acme", "nope")).status().code(), Code::kNotFound);
  EXPECT_EQ(this->a().RestoreFiles(this->Dir("acme", "nope"), this->b().scratch(), this->b().tenant()).code(),
            Code::kNotFound);
}

TYPED_TEST(ArchiverContract, ACorruptArchiveFailsVerifyAndEveryRestore) {
  BackupSource src = this->b().Source(true);
  const std::string dir = this->Dir("acme", "1");
  ASSERT_TRUE(this->a().Create(src, dir).ok());
  this->b().CorruptArchive(dir);
  auto v = this->a().Verify(dir);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find(kBackupArchiveFile), std::string::npos) << v.status().message();
  Status files = this->a().RestoreFiles(dir, this->b().scratch(), this->b().tenant());
  EXPECT_FALSE(files.ok());
  EXPECT_NE(files.message().find(kBackupArchiveFile), std::string::npos) << files.message();
  Status db = this->a().RestoreDatabase(this->b().admin_url(), src.db_name, "nobody", dir);
  EXPECT_FALSE(db.ok());
}

TYPED_TEST(ArchiverContract, ListsNewestFirstPerSubdomainAndRemoves) {
  const std::string d1 = this->Dir("acme", "1");
  const std::string d2 = this->Dir("acme", "2");
  const std::string d3 = this->Dir("other", "3");
  ASSERT_TRUE(this->a().Create(this->b().Source(false), d1).ok());
  ASSERT_TRUE(this->a().Create(this->b().Source(false), d2).ok());
  ASSERT_TRUE(this->a().Create(this->b().Source(false), d3).ok());
  auto ids = [&](const std::string& sub) {
    Names out;
    auto list = this->a().List(this->b().root(), sub);
    EXPECT_TRUE(list.ok()) << list.status().message();
    if (list.ok()) {
      for (const auto& m : *list) out.push_back(m.id);
    }
    return out;
  };
  EXPECT_EQ(ids("acme"), (Names{"2", "1"}));
  EXPECT_EQ(ids("other"), (Names{"3"}));
  EXPECT_EQ(ids("nobody"), Names{});
  ASSERT_TRUE(this->a().Remove(d2).ok());
  EXPECT_EQ(ids("acme"), (Names{"1"}));
  EXPECT_TRUE(this->a().Remove(d2).ok());
  EXPECT_EQ(this->a().Verify(d2).status().code(), Code::kNotFound);
}

TYPED_TEST(ArchiverContract, ListWithoutASubdomainListsEveryOneNewestFirst) {
  EXPECT_TRUE(this->a().List(this->b().root(), "")->empty());
  ASSERT_TRUE(this->a().Create(this->b().Source(false), this->Dir("acme", "1")).ok());
  ASSERT_TRUE(this->a().Create(this->b().Source(false), this->Dir("other", "2")).ok());
  ASSERT_TRUE(this->a().Create(this->b().Source(false), this->Dir("acme", "3")).ok());
  auto list = this->a().List(this->b().root(), "");
  ASSERT_TRUE(list.ok()) << list.status().message();
  Names ids;
  for (const auto& m : *list) ids.push_back(m.id);
  EXPECT_EQ(ids, (Names{"3", "2", "1"}));
}

TYPED_TEST(ArchiverContract, ListRefusesAPathAsSubdomain) {
  EXPECT_EQ(this->a().List(this->b().root(), "../etc").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(this->a().List(this->b().root(), "..").status().code(), Code::kInvalidArgument);
}

TYPED_TEST(ArchiverContract, NeverHandlesTheTenantsFilesAsRoot) {
  BackupSource src = this->b().Source(true);
  src.tenant = Owner{0, 0};
  auto m = this->a().Create(src, this->Dir("acme", "1"));
  EXPECT_EQ(m.status().code(), Code::kInvalidArgument) << m.status().message();
  EXPECT_EQ(this->a().Verify(this->Dir("acme", "1")).status().code(), Code::kNotFound);
  src.tenant = this->b().tenant();
  ASSERT_TRUE(this->a().Create(src, this->Dir("acme", "2")).ok());
  Status s = this->a().RestoreFiles(this->Dir("acme", "2"), this->b().scratch(), Owner{0, 0});
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.message();
}

// ---------------------------------------------------------------------------
// PgArchiver only.

class PgArchiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!IsRoot()) GTEST_SKIP() << "needs root (owners of tenant files)";
    try {
      pg_ = std::make_unique<PgBackend>();
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
    tmp_ = pg_->tmp();
  }

  std::string admin() { return pg_->admin_url(); }
  std::string TenantUrl(const std::string& role, const std::string& db) {
    return *pg_->db().TenantUrl(admin(), role, "pw-" + role, db);
  }

  // A tenant database with two schemas, a sequence, a view and rows, and a
  // project folder with a subfolder, a tenant-owned 0600 file, a symlink, an
  // empty folder and a binary file.
  BackupSource RichSource(std::string* role) {
    BackupSource src = pg_->Source(false);
    *role = pg_->last_role();
    std::string url = TenantUrl(*role, src.db_name);
    Status s = Exec(url,
                    "CREATE SCHEMA app;"
                    "CREATE TABLE app.items (id serial PRIMARY KEY, name text NOT NULL);"
                    "INSERT INTO app.items (name) VALUES ('alpha'), ('beta'), ('gamma');"
                    "CREATE VIEW app.names AS SELECT name FROM app.items;");
    EXPECT_TRUE(s.ok()) << s.message();
    const std::string p = src.project_dir;
    const Owner tenant{kTenantUid, kTenantGid};
    EXPECT_TRUE(EnsureDirectory(p, 0750, tenant).ok());
    EXPECT_TRUE(EnsureDirectory(p + "/sub/deeper", 0750, tenant).ok());
    EXPECT_TRUE(EnsureDirectory(p + "/empty", 0700, tenant).ok());
    EXPECT_TRUE(EnsureDirectory(p + "/sub", 0755, Owner{0, kTenantGid}).ok());
    EXPECT_TRUE(WriteFileAtomic(p + "/meltano.yml", "version: 1\nproject_id: acme\n", 0644).ok());
    EXPECT_TRUE(WriteFileAtomic(p + "/.env", "MELTANO_UI_READONLY=true\n", 0640, Owner{0, kTenantGid}).ok());
    EXPECT_TRUE(WriteFileAtomic(p + "/sub/deeper/secret.txt", "tenant only\n", 0600, tenant).ok());
    std::string binary;
    for (int i = 0; i < 200000; ++i) binary += static_cast<char>((i * 7919) % 251);
    EXPECT_TRUE(WriteFileAtomic(p + "/sub/blob.bin", binary, 0640, tenant).ok());
    EXPECT_EQ(symlink("sub/deeper/secret.txt", (p + "/link").c_str()), 0);
    if (lchown((p + "/link").c_str(), kTenantUid, kTenantGid) != 0) ADD_FAILURE() << "lchown";
    return src;
  }

  std::unique_ptr<PgBackend> pg_;
  std::string tmp_;
};

TEST_F(PgArchiverTest, WritesPrivateFilesAndAParsableManifest) {
  std::string role;
  BackupSource src = RichSource(&role);
  const std::string dir = pg_->root() + "/acme/b1";
  auto m = pg_->archiver().Create(src, dir);
  ASSERT_TRUE(m.ok()) << m.status().message();
  struct stat st;
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  EXPECT_EQ(st.st_uid, 0u);
  for (const char* name : {kBackupDumpFile, kBackupArchiveFile, kBackupManifestFile}) {
    ASSERT_EQ(stat((dir + "/" + name).c_str(), &st), 0) << name;
    EXPECT_EQ(st.st_mode & 07777, 0600u) << name;
  }
  int entries = 0;
  for (auto& e : fs::directory_iterator(dir)) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 3);  // no temporary file left behind

  std::string text = *ReadFile(dir + "/" + kBackupManifestFile);
  EXPECT_NE(text.find("\"version\": 1"), std::string::npos);
  EXPECT_NE(text.find("\"created_at\": \""), std::string::npos);
  EXPECT_EQ(text.find("pw-"), std::string::npos);
  auto parsed = ManifestFromJson(text, dir);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->total_bytes, m->total_bytes);

  // The recorded hash is the file's, as another tool computes it.
  auto sum = RunChecked({"sha256sum", dir + "/" + kBackupDumpFile});
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->substr(0, 64), m->File(kBackupDumpFile)->sha256);
}

TEST_F(PgArchiverTest, AnEmptyExistingFolderIsUsedAndANonEmptyOneIsLeftAlone) {
  BackupSource src = pg_->Source(true);
  const std::string empty = pg_->root() + "/acme/empty";
  ASSERT_TRUE(EnsureDirectory(empty, 0755).ok());
  auto m = pg_->archiver().Create(src, empty);
  EXPECT_TRUE(m.ok()) << m.status().message();

  const std::string busy = pg_->root() + "/acme/busy";
  ASSERT_TRUE(EnsureDirectory(busy, 0755).ok());
  ASSERT_TRUE(WriteFileAtomic(busy + "/keep", "mine", 0644).ok());
  auto refused = pg_->archiver().Create(src, busy);
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(*ReadFile(busy + "/keep"), "mine");
}

TEST_F(PgArchiverTest, ATruncatedDumpFailsVerifyNamingIt) {
  const std::string dir = pg_->root() + "/acme/b1";
  ASSERT_TRUE(pg_->archiver().Create(pg_->Source(true), dir).ok());
  fs::resize_file(dir + "/" + kBackupDumpFile, fs::file_size(dir + "/" + kBackupDumpFile) / 2);
  auto v = pg_->archiver().Verify(dir);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find(kBackupDumpFile), std::string::npos) << v.status().message();
  EXPECT_NE(v.status().message().find("size"), std::string::npos) << v.status().message();
}

TEST_F(PgArchiverTest, SealedSecretsAreAPrivateFileAndAChangeFailsVerify) {
  const std::string dir = pg_->root() + "/acme/b1";
  BackupSource src = pg_->Source(false);
  src.sealed_secrets = "mdv1:opaque-sealed-bundle";
  ASSERT_TRUE(pg_->archiver().Create(src, dir).ok());
  const std::string file = dir + "/" + kBackupSecretsFile;
  struct stat st {};
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_TRUE(WriteFileAtomic(file, "mdv1:opaque-sealed-bundlX", 0600).ok());
  auto read = pg_->archiver().ReadSecrets(dir);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find(kBackupSecretsFile), std::string::npos) << read.status().message();
}

TEST_F(PgArchiverTest, AFlippedByteInTheDumpFailsVerify) {
  const std::string dir = pg_->root() + "/acme/b1";
  ASSERT_TRUE(pg_->archiver().Create(pg_->Source(false), dir).ok());
  FlipByte(dir + "/" + kBackupDumpFile, 100);
  auto v = pg_->archiver().Verify(dir);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("db.dump: SHA-256"), std::string::npos) << v.status().message();
}

TEST_F(PgArchiverTest, ADumpThatPgRestoreCannotReadFailsVerifyEvenWithAMatchingManifest) {
  const std::string dir = pg_->root() + "/acme/b1";
  auto m = pg_->archiver().Create(pg_->Source(false), dir);
  ASSERT_TRUE(m.ok());
  // Garbage, with a manifest rewritten to match it: only pg_restore can tell.
  ASSERT_TRUE(WriteFileAtomic(dir + "/" + kBackupDumpFile, "PGDMP but not really", 0600).ok());
  auto sum = RunChecked({"sha256sum", dir + "/" + kBackupDumpFile});
  ASSERT_TRUE(sum.ok());
  BackupManifest forged = *m;
  forged.files[0] = BackupFile{kBackupDumpFile, 20, sum->substr(0, 64)};
  ASSERT_TRUE(WriteFileAtomic(dir + "/" + kBackupManifestFile, ManifestToJson(forged), 0600).ok());
  auto v = pg_->archiver().Verify(dir);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("db.dump: pg_restore --list"), std::string::npos) << v.status().message();
}

TEST_F(PgArchiverTest, AMissingManifestIsNotFoundAndSkippedByList) {
  const std::string dir = pg_->root() + "/acme/b1";
  ASSERT_TRUE(pg_->archiver().Create(pg_->Source(false), dir).ok());
  ASSERT_TRUE(EnsureDirectory(pg_->root() + "/acme/half-done", 0700).ok());
  ASSERT_TRUE(WriteFileAtomic(pg_->root() + "/acme/half-done/db.dump", "partial", 0600).ok());
  EXPECT_EQ(pg_->archiver().Verify(pg_->root() + "/acme/half-done").status().code(), Code::kNotFound);
  auto list = pg_->archiver().List(pg_->root(), "acme");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, "b1");
  EXPECT_EQ((*list)[0].dir, dir);
}

TEST_F(PgArchiverTest, AMissingDatabaseFailsNamingPgDumpAndLeavesNoFolder) {
  BackupSource src = pg_->Source(true);
  src.db_name = "mdbk_no_such_db";
  const std::string dir = pg_->root() + "/acme/b1";
  auto m = pg_->archiver().Create(src, dir);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), Code::kInternal) << m.status().message();  // not worth a retry
  EXPECT_EQ(m.status().message().rfind("pg_dump: error: ", 0), 0u) << m.status().message();
  EXPECT_NE(m.status().message().find("mdbk_no_such_db"), std::string::npos) << m.status().message();
  EXPECT_FALSE(PathExists(dir));
}

TEST_F(PgArchiverTest, RestoresADroppedDatabaseOwnedAndReadableByTheTenant) {
  std::string role;
  BackupSource src = RichSource(&role);
  const std::string dir = pg_->root() + "/acme/b1";
  ASSERT_TRUE(pg_->archiver().Create(src, dir).ok());

  // Delete, then recreate empty with a fresh password.
  ASSERT_TRUE(pg_->db().DropDatabase(admin(), src.db_name).ok());
  ASSERT_TRUE(pg_->db().EnsureDatabase(admin(), role, "pw-" + role, src.db_name).ok());
  Status s = pg_->archiver().RestoreDatabase(admin(), src.db_name, role, dir);
  ASSERT_TRUE(s.ok()) << s.message();

  const std::string url = TenantUrl(role, src.db_name);
  auto items = Query(url, "SELECT id, name FROM app.items ORDER BY id");
  ASSERT_TRUE(items.ok()) << items.status().message();
  EXPECT_EQ(*items, (Names{"1|alpha", "2|beta", "3|gamma"}));
  auto view = Query(url, "SELECT count(*) FROM app.names");
  ASSERT_TRUE(view.ok()) << view.status().message();
  EXPECT_EQ(*view, Names{"3"});
  auto notes = Query(url, "SELECT body FROM public.notes ORDER BY id");
  ASSERT_TRUE(notes.ok()) << notes.status().message();
  EXPECT_EQ(*notes, (Names{"one", "two"}));
  // The tenant owns what was restored: it can write and alter it, and the sequence goes on.
  EXPECT_TRUE(Exec(url, "INSERT INTO app.items (name) VALUES ('delta'); ALTER TABLE app.items ADD COLUMN x int").ok());
  auto next = Query(url, "SELECT max(id) FROM app.items");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, Names{"4"});
  auto owners = Query(admin(),
                      "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname IN ('public', 'app') "
                      "UNION SELECT DISTINCT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'app'",
                      src.db_name.c_str());
  ASSERT_TRUE(owners.ok()) << owners.status().message();
  EXPECT_EQ(*owners, Names{role});
}

TEST_F(PgArchiverTest, RestoreUndoesAWipe) {
  std::string role;
  BackupSource src = RichSource(&role);
  const std::string dir = pg_->root() + "/acme/b1";
  ASSERT_TRUE(pg_->archiver().Create(src, dir).ok());
  auto dropped = pg_->db().DropSchemasExceptPublic(admin(), role, "pw-" + role, src.db_name);
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(*dropped, Names{"app"});
  const std::string url = TenantUrl(role, src.db_name);
  ASSERT_TRUE(Exec(url, "DELETE FROM notes WHERE id = 1; INSERT INTO notes VALUES (3, 'three')").ok());

  Status s = pg_->archiver().RestoreDatabase(admin(), src.db_name, role, dir);
  ASSERT_TRUE(s.ok()) << s.message();
  auto items = Query(url, "SELECT name FROM app.items ORDER BY id");
  ASSERT_TRUE(items.ok()) << items.status().message();
  EXPECT_EQ(*items, (Names{"alpha", "beta", "gamma"}));
  auto notes = Query(url, "SELECT body FROM notes ORDER BY id");
  ASSERT_TRUE(notes.ok());
  EXPECT_EQ(*notes, (Names{"one", "two"}));
}

TEST_F(PgArchiverTest, AFailedRestoreLeavesTheDatabaseAsItWas) {
  std::string role;
  BackupSource src = RichSource(&role);
  const std::string dir = pg_->root() + "/acme/b1";
  ASSERT_TRUE(pg_->archiver().Create(src, dir).ok());
  const std::string url = TenantUrl(role, src.db_name);
  // The tenant's table is in the way of a restore run as another role.
  (void)pg_->Source(false);
  const std::string other_role = pg_->last_role();
  Status s = pg_->archiver().RestoreDatabase(admin(), src.db_name, other_role, dir);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("pg_restore: error: ", 0), 0u) << s.message();
  EXPECT_NE(s.message().find("must be owner"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find(pg_->admin_password()), std::string::npos);
  auto items = Query(url, "SELECT count(*) FROM app.items");
  ASSERT_TRUE(items.ok()) << items.status().message();
  EXPECT_EQ(*items, Names{"3"});
}

TEST_F(PgArchiverTest, RestoreIntoAMissingDatabaseFails) {
  std::string role;
  BackupSource src = RichSource(&role);
  const std::string dir = pg_->root() + "/acme/b1";
  ASSERT_TRUE(pg_->archiver().Create(src, dir).ok());
  Status s = pg_->archiver().RestoreDatabase(admin(), "mdbk_no_such_db", role, dir);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("mdbk_no_such_db"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find(pg_->admin_password()), std::string::npos);
}

TEST_F(PgArchiverTest, RestoresFilesWithTheirModesAllOwnedByTheTenantIntoAnEmptyFolder) {
  std::string role;
  BackupSource src = RichSource(&role);
  const auto before = Snapshot(src.project_dir);
  const std::string dir = pg_->root() + "/acme/b1";
  ASSERT_TRUE(pg_->archiver().Create(src, dir).ok());

  const std::string target = tmp_ + "/restored";
  ASSERT_TRUE(EnsureDirectory(target, 0755, kTenant).ok());
  Status s = pg_->archiver().RestoreFiles(dir, target, kTenant);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(Snapshot(target), before);
  // Root's files in the project (.env, meltano.yml, sub) come back as the tenant's.
  EXPECT_EQ(Owners(target), std::set<std::string>{OwnerText(kTenant)});
  ExpectNoStaging(tmp_);
}

TEST_F(PgArchiverTest, RestoreFilesReplacesWhatIsThereOrCreatesTheFolder) {
  std::string role;
  BackupSource src = RichSource(&role);
  const auto before = Snapshot(src.project_dir);
  const std::string dir = pg_->root() + "/acme/b1";
  ASSERT_TRUE(pg_->archiver().Create(src, dir).ok());

  // Undoing damage in place.
  ASSERT_TRUE(WriteFileAtomic(src.project_dir + "/meltano.yml", "broken", 0666).ok());
  ASSERT_TRUE(WriteFileAtomic(src.project_dir + "/stray", "new file", 0644).ok());
  ASSERT_TRUE(RemoveTree(src.project_dir + "/sub").ok());
  Status s = pg_->archiver().RestoreFiles(dir, src.project_dir, kTenant);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(Snapshot(src.project_dir), before);
  ExpectNoStaging(tmp_);

  // After a delete: the folder is gone.
  ASSERT_TRUE(RemoveTree(src.project_dir).ok());
  s = pg_->archiver().RestoreFiles(dir, src.project_dir, kTenant);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(Snapshot(src.project_dir), before);
  EXPECT_EQ(Owners(src.project_dir), std::set<std::string>{OwnerText(kTenant)});
}

TEST_F(PgArchiverTest, RestoreFilesGivesEverythingToATenantRecreatedWithANewUid) {
  std::string role;
  BackupSource src = RichSource(&role);
  const std::string dir = pg_->root() + "/acme/b1";
  ASSERT_TRUE(pg_->archiver().Create(src, dir).ok());
  const std::string target = tmp_ + "/restored";
  Status s = pg_->archiver().RestoreFiles(dir, target, Owner{22222, 22223});
  ASSERT_TRUE(s.ok()) << s.message();
  auto mode = [&](const std::string& rel) {
    struct stat st;
    if (lstat((target + "/" + rel).c_str(), &st) != 0) return std::string("missing");
    char buf[16];
    snprintf(buf, sizeof(buf), "%o", static_cast<unsigned>(st.st_mode & 07777));
    return std::string(buf);
  };
  EXPECT_EQ(mode("."), "750");
  EXPECT_EQ(mode("sub/deeper/secret.txt"), "600");
  EXPECT_EQ(mode("sub"), "755");
  EXPECT_EQ(mode(".env"), "640");
  EXPECT_EQ(mode("meltano.yml"), "644");
  EXPECT_EQ(Owners(target), std::set<std::string>{"22222:22223"});
  EXPECT_TRUE(fs::is_symlink(target + "/link"));
}

TEST_F(PgArchiverTest, RestoreRefusesAParentTheTenantCouldWrite) {
  const std::string dir = pg_->root() + "/acme/b1";
  ASSERT_TRUE(pg_->archiver().Create(pg_->Source(true), dir).ok());
  const std::string open_parent = tmp_ + "/open";
  ASSERT_TRUE(EnsureDirectory(open_parent, 01777).ok());
  Status s = pg_->archiver().RestoreFiles(dir, open_parent + "/project", kTenant);
  EXPECT_EQ(s.code(), Code::kFailedPrecondition) << s.message();
  EXPECT_TRUE(fs::is_empty(open_parent));
}

TEST(Manifest, AnOldManifestWithAProjectOwnerStillParses) {
  const std::string text = R"({"version": 1, "id": "b1", "created_at": "2024-05-01T12:00:00.000Z",
    "created_ms": 1714564800000, "subdomain": "acme", "app": "demo", "app_version": "1.0.0",
    "name": "Ann", "email": "ann@acme.example", "reason": "before delete", "flags": {"A": "1"},
    "project_owner": {"uid": 1001, "gid": 1001},
    "files": [{"name": "db.dump", "size": 3, "sha256": ")" + std::string(64, 'a') + R"("}],
    "total_bytes": 3})";
  auto m = ManifestFromJson(text, "/backups/acme/b1");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->id, "b1");
  EXPECT_EQ(m->reason, "before delete");
  EXPECT_EQ(m->total_bytes, 3);
  EXPECT_FALSE(m->has_archive());
}

TEST_F(PgArchiverTest, RefusesAnArchiveWithMembersOutsideTheFolder) {
  const std::string dir = pg_->root() + "/acme/b1";
  auto m = pg_->archiver().Create(pg_->Source(true), dir);
  ASSERT_TRUE(m.ok()) << m.status().message();
  // A hostile archive, with a manifest that matches it.
  const std::string work = tmp_ + "/hostile/in";
  ASSERT_TRUE(EnsureDirectory(work, 0755).ok());
  ASSERT_TRUE(WriteFileAtomic(tmp_ + "/hostile/evil", "pwned", 0644).ok());
  ASSERT_TRUE(WriteFileAtomic(work + "/fine", "ok", 0644).ok());
  for (const std::string& member : {std::string("../evil"), tmp_ + "/hostile/evil"}) {
    SCOPED_TRACE(member);
    const std::string archive = dir + "/" + kBackupArchiveFile;
    ProcessOptions in_work;
    in_work.cwd = work;
    auto made = RunChecked({"tar", "--create", "--gzip", "--absolute-names", "--file=" + archive, "fine", member},
                           in_work);
    ASSERT_TRUE(made.ok()) << made.status().message();
    MatchManifestToArchive(*m);

    const std::string target = tmp_ + "/victim/project";
    ASSERT_TRUE(EnsureDirectory(target, 0755).ok());
    ASSERT_TRUE(RemoveTree(tmp_ + "/hostile/evil").ok());
    Status s = pg_->archiver().RestoreFiles(dir, target, kTenant);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find(kBackupArchiveFile), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("evil"), std::string::npos) << s.message();
    EXPECT_FALSE(PathExists(tmp_ + "/victim/evil"));
    EXPECT_FALSE(PathExists(tmp_ + "/hostile/evil"));
    EXPECT_FALSE(PathExists(target + "/fine"));
    EXPECT_FALSE(pg_->archiver().Verify(dir).ok());
    ASSERT_TRUE(WriteFileAtomic(tmp_ + "/hostile/evil", "pwned", 0644).ok());
  }
}

TEST_F(PgArchiverTest, ConcurrentBackupsOfOneDatabaseAreIndependent) {
  BackupSource src = pg_->Source(true);
  std::vector<Result<BackupManifest>> results(3, Result<BackupManifest>(Internal("not run")));
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&, i] {
      results[i] = pg_->archiver().Create(src, pg_->root() + "/acme/c" + std::to_string(i));
    });
  }
  for (auto& t : threads) t.join();
  for (auto& r : results) EXPECT_TRUE(r.ok()) << r.status().message();
  auto list = pg_->archiver().List(pg_->root(), "acme");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 3u);
}

// ---------------------------------------------------------------------------
// A hostile tenant: a real user, with links and folders planted in its project.

// A system user and group for one test, removed after it, as the controller
// makes tenants.
class ThrowawayUser {
 public:
  ThrowawayUser() : name_("mdbk" + RandomHex(6)) {
    auto made = RunChecked({"useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin",
                            name_});
    if (!made.ok()) throw std::runtime_error(made.status().message());
    passwd* pw = getpwnam(name_.c_str());
    if (pw == nullptr) throw std::runtime_error("useradd made no " + name_);
    owner_ = Owner{pw->pw_uid, pw->pw_gid};
  }
  ~ThrowawayUser() { EXPECT_TRUE(RunChecked({"userdel", name_}).ok()) << name_; }
  ThrowawayUser(const ThrowawayUser&) = delete;
  ThrowawayUser& operator=(const ThrowawayUser&) = delete;

  Owner owner() const { return owner_; }

 private:
  std::string name_;
  Owner owner_;
};

class HostileTenantTest : public PgArchiverTest {
 protected:
  void SetUp() override {
    PgArchiverTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    try {
      user_ = std::make_unique<ThrowawayUser>();
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
    tenant_ = user_->owner();
    // Root's secrets: a 0600 file, and a root-only folder inside the project.
    rootonly_ = tmp_ + "/rootonly";
    ASSERT_TRUE(EnsureDirectory(rootonly_, 0755).ok());
    ASSERT_TRUE(WriteFileAtomic(rootonly_ + "/secret", kRootSecret, 0600).ok());
    // DATA/tenants/SUB/project: the parent root's 0755, the project the tenant's 0750.
    ASSERT_TRUE(EnsureDirectory(tmp_ + "/tenants/acme", 0755).ok());
    project_ = tmp_ + "/tenants/acme/project";
    ASSERT_TRUE(EnsureDirectory(project_, 0750, tenant_).ok());
    ASSERT_TRUE(WriteFileAtomic(project_ + "/notes.txt", "mine\n", 0640, tenant_).ok());
    Plant("leak", rootonly_ + "/secret");
    Plant("leakdir", rootonly_);
    ASSERT_TRUE(EnsureDirectory(project_ + "/locked", 0700).ok());
    ASSERT_TRUE(WriteFileAtomic(project_ + "/locked/inside", kLockedSecret, 0600).ok());
  }

  // A symlink `rel` in the project, made by the tenant.
  void Plant(const std::string& rel, const std::string& target) {
    const std::string link = project_ + "/" + rel;
    ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0) << link;
    ASSERT_EQ(lchown(link.c_str(), tenant_.uid, tenant_.gid), 0) << link;
  }

  // A backup of the project, as the tenant's.
  std::string Backup() {
    BackupSource src = pg_->Source(false);
    src.project_dir = project_;
    src.tenant = tenant_;
    const std::string dir = pg_->root() + "/acme/b" + std::to_string(++backups_);
    auto m = pg_->archiver().Create(src, dir);
    EXPECT_TRUE(m.ok()) << m.status().message();
    return dir;
  }

  // Root's file is as it was made, and nothing was added beside it.
  void ExpectRootsFilesUntouched() {
    struct stat st;
    ASSERT_EQ(lstat((rootonly_ + "/secret").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 0u);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    EXPECT_EQ(*ReadFile(rootonly_ + "/secret"), kRootSecret);
    EXPECT_EQ(Snapshot(rootonly_).size(), 2u);  // "." and secret
  }

  const std::string kRootSecret = "root-only-" + RandomHex(8);
  const std::string kLockedSecret = "locked-away-" + RandomHex(8);
  std::unique_ptr<ThrowawayUser> user_;
  Owner tenant_;
  std::string rootonly_;
  std::string project_;
  int backups_ = 0;
};

TEST_F(HostileTenantTest, ArchivesOnlyWhatTheTenantCanReadAndLinksAsLinks) {
  const std::string dir = Backup();
  const std::string archive = dir + "/" + kBackupArchiveFile;
  auto listing = RunChecked({"tar", "--list", "--verbose", "--gzip", "--file=" + archive});
  ASSERT_TRUE(listing.ok()) << listing.status().message();
  EXPECT_NE(listing->find("./notes.txt"), std::string::npos) << *listing;
  EXPECT_NE(listing->find("./leak -> " + rootonly_ + "/secret"), std::string::npos) << *listing;
  EXPECT_NE(listing->find("./leakdir -> " + rootonly_), std::string::npos) << *listing;
  EXPECT_EQ(listing->find("locked/inside"), std::string::npos) << *listing;
  // Neither secret is anywhere in the archive's bytes.
  auto raw = RunProcess({"gzip", "--decompress", "--stdout", archive});
  ASSERT_TRUE(raw.ok());
  ASSERT_EQ(raw->exit_code, 0);
  EXPECT_NE(raw->output.find("mine\n"), std::string::npos);
  EXPECT_EQ(raw->output.find(kRootSecret), std::string::npos);
  EXPECT_EQ(raw->output.find(kLockedSecret), std::string::npos);
}

TEST_F(HostileTenantTest, RestoreGivesEverythingToTheTenantAndFollowsNoLinkItPlanted) {
  const std::string dir = Backup();
  // The old tree: root's folder gone (as in a real project), links to root's
  // files planted where the old tree is removed, and a file of the controller's.
  ASSERT_TRUE(RemoveTree(project_ + "/locked").ok());
  Plant("evil", rootonly_);
  ASSERT_TRUE(EnsureDirectory(project_ + "/sub", 0700, tenant_).ok());
  Plant("sub/evil", rootonly_ + "/secret");
  ASSERT_TRUE(WriteFileAtomic(project_ + "/.env", "A=1\n", 0640, Owner{0, tenant_.gid}).ok());

  Status s = pg_->archiver().RestoreFiles(dir, project_, tenant_);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(Owners(project_), std::set<std::string>{OwnerText(tenant_)});
  EXPECT_EQ(*ReadFile(project_ + "/notes.txt"), "mine\n");
  EXPECT_EQ(fs::read_symlink(project_ + "/leak"), rootonly_ + "/secret");
  EXPECT_FALSE(fs::exists(fs::symlink_status(project_ + "/evil")));
  EXPECT_FALSE(fs::exists(project_ + "/locked"));
  ExpectRootsFilesUntouched();
  ExpectNoStaging(tmp_ + "/tenants/acme");
}

TEST_F(HostileTenantTest, TheOldTreeIsRemovedWithTheTenantsRightsOnly) {
  const std::string dir = Backup();
  // Root's folder in the old tree is beyond the tenant's rights: it stays,
  // and the restore says so, but the restored tree is in place.
  Status s = pg_->archiver().RestoreFiles(dir, project_, tenant_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("old files were not removed"), std::string::npos) << s.message();
  EXPECT_EQ(Owners(project_), std::set<std::string>{OwnerText(tenant_)});
  EXPECT_EQ(*ReadFile(project_ + "/notes.txt"), "mine\n");
  int left = 0;
  for (auto& e : fs::directory_iterator(tmp_ + "/tenants/acme")) {
    if (e.path().filename().string().rfind(".md-restore", 0) != 0) continue;
    ++left;
    EXPECT_EQ(*ReadFile(e.path().string() + "/locked/inside"), kLockedSecret);
  }
  EXPECT_EQ(left, 1);
}

TEST_F(HostileTenantTest, AnArchivedLinkLeadsNoLaterMemberOutOfTheProject) {
  const std::string dir = Backup();
  auto m = pg_->archiver().Verify(dir);
  ASSERT_TRUE(m.ok()) << m.status().message();
  // A hostile archive: a link to root's folder, then a file beneath the link.
  const std::string work = tmp_ + "/hostile";
  ASSERT_TRUE(EnsureDirectory(work + "/a", 0755).ok());
  ASSERT_TRUE(EnsureDirectory(work + "/b/link", 0755).ok());
  ASSERT_TRUE(WriteFileAtomic(work + "/b/link/planted", "pwned", 0644).ok());
  ASSERT_EQ(symlink(rootonly_.c_str(), (work + "/a/link").c_str()), 0);
  const std::string tar = work + "/h.tar";
  ASSERT_TRUE(RunChecked({"tar", "--create", "--file=" + tar, "--directory=" + work + "/a", "link"}).ok());
  ASSERT_TRUE(RunChecked({"tar", "--append", "--file=" + tar, "--directory=" + work + "/b", "link/planted"}).ok());
  ASSERT_TRUE(RunChecked({"gzip", "--force", tar}).ok());
  ASSERT_TRUE(RunChecked({"mv", tar + ".gz", dir + "/" + kBackupArchiveFile}).ok());
  MatchManifestToArchive(*m);
  ASSERT_TRUE(pg_->archiver().Verify(dir).ok());
  ASSERT_TRUE(RemoveTree(project_ + "/locked").ok());
  const auto before = Snapshot(project_);

  Status s = pg_->archiver().RestoreFiles(dir, project_, tenant_);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("link/planted"), std::string::npos) << s.message();
  ExpectRootsFilesUntouched();
  EXPECT_EQ(Snapshot(project_), before);
  ExpectNoStaging(tmp_ + "/tenants/acme");
}

}  // namespace
}  // namespace md
