// One contract suite run against PostgresDatabase (a throwaway real cluster)
// and FakeDatabase, so that the fake cannot drift from the real thing; then
// PostgresDatabase-only details and EmbeddedCluster under a test supervisor.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <type_traits>

#include "../support/postgres_fixture.h"
#include "core/files.h"
#include "core/random.h"
#include "drivers/database/embedded_cluster.h"
#include "drivers/database/fake_database.h"
#include "drivers/database/postgres_database.h"

namespace md {
namespace {

using Names = std::vector<std::string>;

// ---------------------------------------------------------------------------
// Backends: what the contract suite needs beyond the Database interface.

class Backend {
 public:
  virtual ~Backend() = default;
  virtual Database& db() = 0;
  virtual std::string admin_url() = 0;
  // An admin URL (with a password) where no cluster answers.
  virtual std::string dead_url() = 0;
  // Logs in with a URL from TenantUrl; Ok if the login succeeds.
  virtual Status Connect(const std::string& tenant_url) = 0;
  // As the tenant: creates `schema` (unless it is public) and `table` in it.
  virtual Status AddSchemaWithTable(const std::string& tenant_url, const std::string& db, const std::string& schema,
                                    const std::string& table) = 0;
  // User schemas of `db` (public included, system ones not), sorted.
  virtual Names Schemas(const std::string& db) = 0;
  virtual Names Tables(const std::string& db, const std::string& schema) = 0;
};

struct PgConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConn = std::unique_ptr<PGconn, PgConnCloser>;

PgConn ConnectUrl(const std::string& url, const char* dbname = nullptr) {
  const char* keys[] = {"connect_timeout", "dbname", dbname ? "dbname" : nullptr, nullptr};
  const char* values[] = {"5", url.c_str(), dbname, nullptr};
  return PgConn(PQconnectdbParams(keys, values, 1));
}

Status Exec(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  ExecStatusType st = PQresultStatus(r);
  std::string err = PQresultErrorMessage(r);
  PQclear(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Status::Ok();
  return Internal(err);
}

Names Column(PGconn* c, const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  PGresult* r = PQexecParams(c, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                             nullptr, 0);
  Names out;
  if (PQresultStatus(r) == PGRES_TUPLES_OK) {
    for (int i = 0; i < PQntuples(r); ++i) out.emplace_back(PQgetvalue(r, i, 0));
  } else {
    ADD_FAILURE() << PQresultErrorMessage(r);
  }
  PQclear(r);
  return out;
}

std::string Ident(PGconn* c, const std::string& name) {
  char* q = PQescapeIdentifier(c, name.data(), name.size());
  std::string out = q ? q : "";
  PQfreemem(q);
  return out;
}

class PostgresBackend final : public Backend {
 public:
  PostgresBackend() {
    std::string error;
    fixture_ = test::SharedPostgres(&error);
    if (fixture_ == nullptr) throw std::runtime_error("cannot start PostgreSQL: " + error);
  }
  Database& db() override { return db_; }
  std::string admin_url() override { return fixture_->admin_url(); }
  std::string dead_url() override {
    return "postgresql://postgres:s3cret-dead@127.0.0.1:" + std::to_string(test::FreeTcpPort()) + "/postgres";
  }
  Status Connect(const std::string& tenant_url) override {
    PgConn c = ConnectUrl(tenant_url);
    if (PQstatus(c.get()) != CONNECTION_OK) return Status(Code::kUnauthenticated, PQerrorMessage(c.get()));
    return Exec(c.get(), "SELECT 1");
  }
  Status AddSchemaWithTable(const std::string& tenant_url, const std::string&, const std::string& schema,
                            const std::string& table) override {
    PgConn c = ConnectUrl(tenant_url);
    if (PQstatus(c.get()) != CONNECTION_OK) return Internal(PQerrorMessage(c.get()));
    if (schema != "public") MD_RETURN_IF_ERROR(Exec(c.get(), "CREATE SCHEMA " + Ident(c.get(), schema)));
    return Exec(c.get(), "CREATE TABLE " + Ident(c.get(), schema) + "." + Ident(c.get(), table) + " (id int)");
  }
  Names Schemas(const std::string& db) override {
    PgConn c = ConnectUrl(admin_url(), db.c_str());
    if (PQstatus(c.get()) != CONNECTION_OK) return {};
    return Column(c.get(),
                  "SELECT nspname FROM pg_namespace WHERE nspname <> 'information_schema' "
                  "AND NOT starts_with(nspname::text, 'pg_') ORDER BY nspname",
                  {});
  }
  Names Tables(const std::string& db, const std::string& schema) override {
    PgConn c = ConnectUrl(admin_url(), db.c_str());
    if (PQstatus(c.get()) != CONNECTION_OK) return {};
    return Column(c.get(), "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename", {schema});
  }

 private:
  test::PostgresFixture* fixture_ = nullptr;
  PostgresDatabase db_;
};

class FakeBackend final : public Backend {
 public:
  FakeBackend() { fake_.SetHostDown(FakeDatabase::HostPort(dead_url()), true); }
  Database& db() override { return fake_; }
  std::string admin_url() override { return "postgresql://postgres:admin-pw@127.0.0.1:5999/postgres"; }
  std::string dead_url() override { return "postgresql://postgres:s3cret-dead@127.0.0.1:1/postgres"; }
  Status Connect(const std::string& tenant_url) override { return fake_.Connect(tenant_url); }
  Status AddSchemaWithTable(const std::string& tenant_url, const std::string& db, const std::string& schema,
                            const std::string& table) override {
    MD_RETURN_IF_ERROR(fake_.Connect(tenant_url));
    if (schema != "public") MD_RETURN_IF_ERROR(fake_.AddSchema(admin_url(), db, schema));
    return fake_.AddTable(admin_url(), db, schema, table);
  }
  Names Schemas(const std::string& db) override {
    Names out;
    for (auto& s : fake_.Schemas(admin_url(), db)) {
      if (s != "information_schema" && s.rfind("pg_", 0) != 0) out.push_back(s);
    }
    return out;
  }
  Names Tables(const std::string& db, const std::string& schema) override {
    return fake_.Tables(admin_url(), db, schema);
  }

 private:
  FakeDatabase fake_;
};

// ---------------------------------------------------------------------------
// The contract.

template <typename B>
class DatabaseContract : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      backend_ = std::make_unique<B>();
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
    prefix_ = "mdt_" + RandomHex(4) + "_";
  }
  void TearDown() override {
    if (!backend_) return;
    for (auto it = made_.rbegin(); it != made_.rend(); ++it) {
      EXPECT_TRUE(db().DropDatabase(url(), it->second).ok());
      EXPECT_TRUE(db().DropRole(url(), it->first).ok());
    }
  }

  Database& db() { return backend_->db(); }
  Backend& backend() { return *backend_; }
  std::string url() { return backend_->admin_url(); }
  // A name unique to this test; dropped at the end.
  std::pair<std::string, std::string> Tenant(const std::string& role_suffix, const std::string& db_suffix) {
    made_.emplace_back(prefix_ + role_suffix, prefix_ + db_suffix);
    return made_.back();
  }
  std::string TenantUrlOf(const std::string& role, const std::string& password, const std::string& db_name) {
    auto r = db().TenantUrl(url(), role, password, db_name);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : "";
  }

  std::unique_ptr<Backend> backend_;
  std::string prefix_;
  std::vector<std::pair<std::string, std::string>> made_;
};

using Backends = ::testing::Types<PostgresBackend, FakeBackend>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, PostgresBackend> ? "Postgres" : "Fake";
  }
};
TYPED_TEST_SUITE(DatabaseContract, Backends, BackendNames);

TYPED_TEST(DatabaseContract, EnsureDatabaseIsIdempotent) {
  auto [role, db] = this->Tenant("r", "d");
  ASSERT_TRUE(this->db().EnsureDatabase(this->url(), role, "pw-1", db).ok());
  Status again = this->db().EnsureDatabase(this->url(), role, "pw-1", db);
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_TRUE(this->db().DatabaseExists(this->url(), db));
  EXPECT_TRUE(this->db().RoleExists(this->url(), role));
  auto dbs = this->db().ListDatabases(this->url(), this->prefix_);
  ASSERT_TRUE(dbs.ok());
  EXPECT_EQ(*dbs, Names{db});
  auto roles = this->db().ListRoles(this->url(), this->prefix_);
  ASSERT_TRUE(roles.ok());
  EXPECT_EQ(*roles, Names{role});
}

TYPED_TEST(DatabaseContract, TenantLogsInWithItsPasswordThroughTenantUrl) {
  auto [role, db] = this->Tenant("r", "d");
  ASSERT_TRUE(this->db().EnsureDatabase(this->url(), role, "right-pw", db).ok());
  Status ok = this->backend().Connect(this->TenantUrlOf(role, "right-pw", db));
  EXPECT_TRUE(ok.ok()) << ok.message();
  EXPECT_FALSE(this->backend().Connect(this->TenantUrlOf(role, "wrong-pw", db)).ok());
}

TYPED_TEST(DatabaseContract, EnsureGivesAnExistingRoleTheNewPassword) {
  auto [role, db] = this->Tenant("r", "d");
  ASSERT_TRUE(this->db().EnsureDatabase(this->url(), role, "old-pw", db).ok());
  ASSERT_TRUE(this->db().EnsureDatabase(this->url(), role, "new-pw", db).ok());
  EXPECT_FALSE(this->backend().Connect(this->TenantUrlOf(role, "old-pw", db)).ok());
  EXPECT_TRUE(this->backend().Connect(this->TenantUrlOf(role, "new-pw", db)).ok());
}

TYPED_TEST(DatabaseContract, PublicCannotConnectToATenantDatabase) {
  auto [role_a, db_a] = this->Tenant("ra", "da");
  auto [role_b, db_b] = this->Tenant("rb", "db");
  ASSERT_TRUE(this->db().EnsureDatabase(this->url(), role_a, "pw-a", db_a).ok());
  ASSERT_TRUE(this->db().EnsureDatabase(this->url(), role_b, "pw-b", db_b).ok());
  EXPECT_TRUE(this->backend().Connect(this->TenantUrlOf(role_b, "pw-b", db_b)).ok());
  EXPECT_FALSE(this->backend().Connect(this->TenantUrlOf(role_b, "pw-b", db_a)).ok());
  EXPECT_FALSE(this->backend().Connect(this->TenantUrlOf(role_a, "pw-a", db_b)).ok());
}

TYPED_TEST(DatabaseContract, DropsDatabaseThenRoleAndIsIdempotent) {
  auto [role, db] = this->Tenant("r", "d");
  ASSERT_TRUE(this->db().EnsureDatabase(this->url(), role, "pw", db).ok());
  std::string tenant_url = this->TenantUrlOf(role, "pw", db);
  ASSERT_TRUE(this->backend().AddSchemaWithTable(tenant_url, db, "public", "t").ok());
  Status dropped = this->db().DropDatabase(this->url(), db);
  ASSERT_TRUE(dropped.ok()) << dropped.message();
  EXPECT_FALSE(this->db().DatabaseExists(this->url(), db));
  EXPECT_TRUE(this->db().RoleExists(this->url(), role)) << "the role is dropped on its own";
  dropped = this->db().DropRole(this->url(), role);
  ASSERT_TRUE(dropped.ok()) << dropped.message();
  EXPECT_FALSE(this->db().RoleExists(this->url(), role));
  EXPECT_FALSE(this->backend().Connect(tenant_url).ok());
  EXPECT_TRUE(this->db().ListDatabases(this->url(), this->prefix_)->empty());
  EXPECT_TRUE(this->db().ListRoles(this->url(), this->prefix_)->empty());
  EXPECT_TRUE(this->db().DropDatabase(this->url(), db).ok());
  EXPECT_TRUE(this->db().DropRole(this->url(), role).ok());
}

TYPED_TEST(DatabaseContract, DropKeepsARoleThatStillOwnsAnotherDatabase) {
  auto [role, db1] = this->Tenant("r", "d1");
  auto [same_role, db2] = this->Tenant("r", "d2");
  ASSERT_TRUE(this->db().EnsureDatabase(this->url(), role, "pw", db1).ok());
  ASSERT_TRUE(this->db().EnsureDatabase(this->url(), role, "pw", db2).ok());
  ASSERT_TRUE(this->db().DropDatabase(this->url(), db1).ok());
  Status s = this->db().DropRole(this->url(), role);
  EXPECT_EQ(s.code(), Code::kInternal) << s.message();
  EXPECT_FALSE(this->db().DatabaseExists(this->url(), db1));
  EXPECT_TRUE(this->db().RoleExists(this->url(), role));
  EXPECT_TRUE(this->backend().Connect(this->TenantUrlOf(role, "pw", db2)).ok());
}

TYPED_TEST(DatabaseContract, DropOfWhatNeverExistedIsSuccess) {
  EXPECT_TRUE(this->db().DropDatabase(this->url(), this->prefix_ + "nod").ok());
  EXPECT_TRUE(this->db().DropRole(this->url(), this->prefix_ + "nor").ok());
}

TYPED_TEST(DatabaseContract, WipeDropsOtherSchemasAndKeepsPublicTables) {
  auto [role, db] = this->Tenant("r", "d");
  ASSERT_TRUE(this->db().EnsureDatabase(this->url(), role, "pw", db).ok());
  std::string tenant_url = this->TenantUrlOf(role, "pw", db);
  ASSERT_TRUE(this->backend().AddSchemaWithTable(tenant_url, db, "public", "keep_me").ok());
  ASSERT_TRUE(this->backend().AddSchemaWithTable(tenant_url, db, "tap_github", "commits").ok());
  Status s = this->backend().AddSchemaWithTable(tenant_url, db, "Raw \"data\"; x", "t");
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(this->backend().Schemas(db), (Names{"Raw \"data\"; x", "public", "tap_github"}));

  auto dropped = this->db().DropSchemasExceptPublic(this->url(), role, "pw", db);
  ASSERT_TRUE(dropped.ok()) << dropped.status().message();
  EXPECT_EQ(*dropped, (Names{"Raw \"data\"; x", "tap_github"}));
  EXPECT_EQ(this->backend().Schemas(db), Names{"public"});
  EXPECT_EQ(this->backend().Tables(db, "public"), Names{"keep_me"});

  auto again = this->db().DropSchemasExceptPublic(this->url(), role, "pw", db);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
}

TYPED_TEST(DatabaseContract, WipeOfAMissingDatabaseIsNotFound) {
  auto r = this->db().DropSchemasExceptPublic(this->url(), this->prefix_ + "nor", "pw", this->prefix_ + "nod");
  EXPECT_EQ(r.status().code(), Code::kNotFound);
}

TYPED_TEST(DatabaseContract, ATenantConnectsToItsOwnDatabaseOnly) {
  auto [role_a, db_a] = this->Tenant("ra", "da");
  auto [role_b, db_b] = this->Tenant("rb", "db");
  ASSERT_TRUE(this->db().EnsureDatabase(this->url(), role_a, "pw-a", db_a).ok());
  ASSERT_TRUE(this->db().EnsureDatabase(this->url(), role_b, "pw-b", db_b).ok());
  EXPECT_TRUE(this->backend().Connect(this->TenantUrlOf(role_a, "pw-a", db_a)).ok());
  for (const std::string& other : {db_b, std::string("postgres"), std::string("template1")}) {
    EXPECT_FALSE(this->backend().Connect(this->TenantUrlOf(role_a, "pw-a", other)).ok()) << other;
  }
}

TYPED_TEST(DatabaseContract, EnsureRoleGivesBackTheRecordedPassword) {
  auto [role, db] = this->Tenant("r", "d");
  ASSERT_TRUE(this->db().EnsureDatabase(this->url(), role, "first", db).ok());
  ASSERT_TRUE(this->db().EnsureRole(this->url(), role, "second").ok());
  EXPECT_FALSE(this->backend().Connect(this->TenantUrlOf(role, "first", db)).ok());
  EXPECT_TRUE(this->backend().Connect(this->TenantUrlOf(role, "second", db)).ok());
  EXPECT_EQ(this->db().EnsureRole(this->url(), role, "").code(), Code::kInvalidArgument);
}

TYPED_TEST(DatabaseContract, HostileNamesAndPasswordsAreData) {
  auto [role, db] = this->Tenant("r'\"; DROP ROLE postgres; --", "d b\"; DROP DATABASE postgres; --'");
  const std::string password = "p'w\"; \\ %41 @/:?#&= x";
  Status s = this->db().EnsureDatabase(this->url(), role, password, db);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_TRUE(this->db().EnsureDatabase(this->url(), role, password, db).ok());
  EXPECT_EQ(*this->db().ListRoles(this->url(), this->prefix_), Names{role});
  EXPECT_EQ(*this->db().ListDatabases(this->url(), this->prefix_), Names{db});
  Status login = this->backend().Connect(this->TenantUrlOf(role, password, db));
  EXPECT_TRUE(login.ok()) << login.message();
  std::string tenant_url = this->TenantUrlOf(role, password, db);
  EXPECT_EQ(tenant_url.find(password), std::string::npos);  // percent-encoded
  ASSERT_TRUE(this->db().DropDatabase(this->url(), db).ok());
  ASSERT_TRUE(this->db().DropRole(this->url(), role).ok());
  EXPECT_FALSE(this->db().RoleExists(this->url(), role));
  EXPECT_FALSE(this->db().DatabaseExists(this->url(), db));
  EXPECT_TRUE(this->db().RoleExists(this->url(), "postgres"));
  EXPECT_TRUE(this->db().DatabaseExists(this->url(), "postgres"));
}

TYPED_TEST(DatabaseContract, RefusesEmptyAndOverlongNames) {
  const std::string long_name(64, 'a');
  EXPECT_EQ(this->db().EnsureDatabase(this->url(), long_name, "pw", this->prefix_ + "d").code(),
            Code::kInvalidArgument);
  EXPECT_EQ(this->db().EnsureDatabase(this->url(), this->prefix_ + "r", "pw", long_name).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(this->db().EnsureDatabase(this->url(), "", "pw", this->prefix_ + "d").code(), Code::kInvalidArgument);
  EXPECT_EQ(this->db().EnsureDatabase(this->url(), this->prefix_ + "r", "", this->prefix_ + "d").code(),
            Code::kInvalidArgument);
  EXPECT_EQ(this->db().TenantUrl(this->url(), long_name, "pw", "d").status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(this->db().ListRoles(this->url(), this->prefix_)->empty());
  // 63 bytes is the limit, and fine.
  auto [role, db] = this->Tenant(std::string(63 - this->prefix_.size(), 'r'), std::string(63 - this->prefix_.size(), 'd'));
  EXPECT_TRUE(this->db().EnsureDatabase(this->url(), role, "pw", db).ok());
  EXPECT_TRUE(this->db().RoleExists(this->url(), role));
}

TYPED_TEST(DatabaseContract, PingAnswersAndADeadClusterIsUnavailable) {
  EXPECT_TRUE(this->db().Ping(this->url()).ok());
  std::string dead = this->backend().dead_url();
  Status ping = this->db().Ping(dead);
  EXPECT_EQ(ping.code(), Code::kUnavailable);
  EXPECT_EQ(ping.message().find("s3cret-dead"), std::string::npos) << ping.message();
  Status ensure = this->db().EnsureDatabase(dead, this->prefix_ + "r", "tenant-secret", this->prefix_ + "d");
  EXPECT_EQ(ensure.code(), Code::kUnavailable);
  EXPECT_EQ(ensure.message().find("s3cret-dead"), std::string::npos) << ensure.message();
  EXPECT_EQ(ensure.message().find("tenant-secret"), std::string::npos) << ensure.message();
  EXPECT_EQ(this->db().ListDatabases(dead, "").status().code(), Code::kUnavailable);
  EXPECT_EQ(this->db().DropSchemasExceptPublic(dead, "r", "pw", "x").status().code(), Code::kUnavailable);
  EXPECT_FALSE(this->db().DatabaseExists(dead, "postgres"));
  EXPECT_FALSE(this->db().RoleExists(dead, "postgres"));
}

TYPED_TEST(DatabaseContract, SqlErrorsAreInternalAndNeverShowThePassword) {
  // Role names starting with pg_ are reserved by PostgreSQL.
  const std::string role = "pg_" + this->prefix_;
  Status s = this->db().EnsureDatabase(this->url(), role, "very-secret-pw", this->prefix_ + "d");
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_NE(s.message().find("reserved"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("very-secret-pw"), std::string::npos) << s.message();
  EXPECT_FALSE(this->db().DatabaseExists(this->url(), this->prefix_ + "d"));
}

TYPED_TEST(DatabaseContract, TenantUrlKeepsTheClusterHostAndPort) {
  auto r = this->db().TenantUrl(this->url(), "role_a", "pw", "db_a");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "postgresql://role_a:pw@" + FakeDatabase::HostPort(this->url()) + "/db_a");
}

// ---------------------------------------------------------------------------
// PostgresDatabase only.

std::map<std::string, std::string> ParseUrl(const std::string& url) {
  std::map<std::string, std::string> out;
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
  if (err) PQfreemem(err);
  if (!opts) return out;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (o->val && *o->val) out[o->keyword] = o->val;
  }
  PQconninfoFree(opts);
  return out;
}

TEST(PostgresDatabase, TenantUrlEncodesCredentialsAndKeepsHostaddr) {
  PostgresDatabase db;
  const std::string password = "p@ss:/w?rd#% '\"";
  auto r = db.TenantUrl("postgresql://admin:adm%40pw@db.example:6543/postgres?hostaddr=10.0.0.7&sslmode=require",
                        "r;x", password, "d b");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->find("adm"), std::string::npos);
  auto parsed = ParseUrl(*r);
  EXPECT_EQ(parsed["user"], "r;x");
  EXPECT_EQ(parsed["password"], password);
  EXPECT_EQ(parsed["dbname"], "d b");
  EXPECT_EQ(parsed["host"], "db.example");
  EXPECT_EQ(parsed["port"], "6543");
  EXPECT_EQ(parsed["hostaddr"], "10.0.0.7");

  auto v6 = db.TenantUrl("postgresql://admin:x@[::1]:5433/postgres", "r", "p", "d");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(*v6, "postgresql://r:p@[::1]:5433/d");
  auto sock = db.TenantUrl("postgresql://admin:x@%2Frun%2Fpg:5433/postgres", "r", "p", "d");
  ASSERT_TRUE(sock.ok());
  EXPECT_EQ(ParseUrl(*sock)["host"], "/run/pg");
  auto plain = db.TenantUrl("host=127.0.0.1 port=5999 user=admin password=x dbname=postgres", "r", "p", "d");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, "postgresql://r:p@127.0.0.1:5999/d");

  auto bad = db.TenantUrl("postgresql://admin:hunter2@host:notaport%zz/db", "r", "p", "d");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().find("hunter2"), std::string::npos);
}

TEST(PostgresDatabase, StoresAScramVerifierNeverThePlainPassword) {
  std::string error;
  auto* pg = test::SharedPostgres(&error);
  ASSERT_NE(pg, nullptr) << error;
  PostgresDatabase db;
  std::string role = "mdt_" + RandomHex(4) + "_scram";
  ASSERT_TRUE(db.EnsureDatabase(pg->admin_url(), role, "plain-pw", role).ok());
  PgConn c = ConnectUrl(pg->admin_url());
  ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK);
  Names verifier = Column(c.get(), "SELECT rolpassword FROM pg_authid WHERE rolname = $1", {role});
  ASSERT_EQ(verifier.size(), 1u);
  EXPECT_EQ(verifier[0].rfind("SCRAM-SHA-256$", 0), 0u);
  Names owner = Column(c.get(), "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", {role});
  EXPECT_EQ(owner, Names{role});
  EXPECT_TRUE(db.DropDatabase(pg->admin_url(), role).ok());
  EXPECT_TRUE(db.DropRole(pg->admin_url(), role).ok());
}

// A throwaway tenant (role = database) on the shared test cluster, with
// admin and tenant connections; dropped at the end.
class PostgresTenant : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    pg_ = test::SharedPostgres(&error);
    ASSERT_NE(pg_, nullptr) << error;
    role_ = "mdt_" + RandomHex(4) + "_t";
    ASSERT_TRUE(db_.EnsureDatabase(admin_url(), role_, kPassword, role_).ok());
    auto url = db_.TenantUrl(admin_url(), role_, kPassword, role_);
    ASSERT_TRUE(url.ok());
    tenant_url_ = *url;
  }
  void TearDown() override {
    if (pg_ != nullptr) {
      EXPECT_TRUE(db_.DropDatabase(admin_url(), role_).ok());
      EXPECT_TRUE(db_.DropRole(admin_url(), role_).ok());
    }
  }
  const std::string& admin_url() { return pg_->admin_url(); }
  // One row, one column, as the admin in the tenant's database's cluster.
  std::string AdminValue(const std::string& sql) {
    PgConn c = ConnectUrl(admin_url());
    Names v = Column(c.get(), sql, {role_});
    return v.empty() ? "" : v[0];
  }

  static constexpr const char* kPassword = "tenant-pw";
  test::PostgresFixture* pg_ = nullptr;
  PostgresDatabase db_;
  std::string role_;
  std::string tenant_url_;
};

TEST_F(PostgresTenant, WipeRunsNothingTheTenantDefinedWithMoreThanItsRights) {
  // CVE-2018-1058's pattern: the tenant shadows a catalog function on the
  // search_path of every session in its database, with a body that makes it
  // superuser when a superuser calls it.
  PgConn t = ConnectUrl(tenant_url_);
  ASSERT_EQ(PQstatus(t.get()), CONNECTION_OK) << PQerrorMessage(t.get());
  const std::string id = Ident(t.get(), role_);
  ASSERT_TRUE(Exec(t.get(), "CREATE SCHEMA evil").ok());
  ASSERT_TRUE(Exec(t.get(),
                   "CREATE FUNCTION evil.starts_with(text, text) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN "
                   "EXECUTE 'ALTER ROLE " + id + " SUPERUSER'; RETURN false; END $$")
                  .ok());
  ASSERT_TRUE(Exec(t.get(), "CREATE FUNCTION evil.quote_ident(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN "
                            "EXECUTE 'ALTER ROLE " + id + " SUPERUSER'; RETURN $1; END $$")
                  .ok());
  ASSERT_TRUE(Exec(t.get(), "ALTER DATABASE " + id + " SET search_path = evil, pg_catalog, public").ok());
  ASSERT_TRUE(Exec(t.get(), "ALTER ROLE " + id + " SET search_path = evil, pg_catalog, public").ok());
  t.reset();

  auto dropped = db_.DropSchemasExceptPublic(admin_url(), role_, kPassword, role_);
  ASSERT_TRUE(dropped.ok()) << dropped.status().message();
  EXPECT_EQ(*dropped, Names{"evil"});
  EXPECT_EQ(AdminValue("SELECT rolsuper::text FROM pg_roles WHERE rolname = $1"), "false");
}

TEST_F(PostgresTenant, EnsureRoleTakesBackEveryPrivilege) {
  PgConn a = ConnectUrl(admin_url());
  const std::string id = Ident(a.get(), role_);
  ASSERT_TRUE(Exec(a.get(), "ALTER ROLE " + id +
                                " SUPERUSER CREATEDB CREATEROLE REPLICATION BYPASSRLS CONNECTION LIMIT -1")
                  .ok());
  ASSERT_TRUE(Exec(a.get(), "GRANT pg_read_all_data, pg_execute_server_program TO " + id).ok());
  ASSERT_TRUE(db_.EnsureRole(admin_url(), role_, kPassword).ok());
  EXPECT_EQ(AdminValue("SELECT concat_ws(',', rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, "
                       "rolinherit, rolcanlogin, rolconnlimit) FROM pg_roles WHERE rolname = $1"),
            "f,f,f,f,f,t,t,20");
  EXPECT_EQ(AdminValue("SELECT count(*)::text FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
                       "WHERE r.rolname = $1"),
            "0");
}

TEST_F(PostgresTenant, WipeWorksAfterTheTenantChangedItsPassword) {
  PgConn t = ConnectUrl(tenant_url_);
  ASSERT_TRUE(Exec(t.get(), "ALTER ROLE " + Ident(t.get(), role_) + " PASSWORD 'mine-now'").ok());
  ASSERT_TRUE(Exec(t.get(), "CREATE SCHEMA tap_x").ok());
  t.reset();
  auto dropped = db_.DropSchemasExceptPublic(admin_url(), role_, kPassword, role_);
  ASSERT_TRUE(dropped.ok()) << dropped.status().message();
  EXPECT_EQ(*dropped, Names{"tap_x"});
}

TEST_F(PostgresTenant, ConnectionLimitIsTheConfiguredOne) {
  PostgresDatabase limited({.role_connection_limit = 2});
  ASSERT_TRUE(limited.EnsureRole(admin_url(), role_, kPassword).ok());
  PgConn first = ConnectUrl(tenant_url_);
  PgConn second = ConnectUrl(tenant_url_);
  ASSERT_EQ(PQstatus(first.get()), CONNECTION_OK);
  ASSERT_EQ(PQstatus(second.get()), CONNECTION_OK);
  PgConn third = ConnectUrl(tenant_url_);
  EXPECT_NE(PQstatus(third.get()), CONNECTION_OK);
  EXPECT_NE(std::string(PQerrorMessage(third.get())).find("too many connections"), std::string::npos)
      << PQerrorMessage(third.get());
}

TEST(PostgresDatabase, ARefusedLoginIsNotTransient) {
  std::string error;
  auto* pg = test::SharedPostgres(&error);
  ASSERT_NE(pg, nullptr) << error;
  const std::string& url = pg->admin_url();
  size_t at = url.rfind('@');
  size_t colon = url.rfind(':', at);
  ASSERT_NE(at, std::string::npos);
  std::string wrong_password = url.substr(0, colon + 1) + "not-the-password" + url.substr(at);
  Status refused = PostgresDatabase().Ping(wrong_password);
  EXPECT_EQ(refused.code(), Code::kFailedPrecondition) << refused.message();  // retrying cannot fix it
  EXPECT_NE(refused.message().find("password authentication failed"), std::string::npos) << refused.message();
  EXPECT_EQ(refused.message().find("not-the-password"), std::string::npos) << refused.message();
}

TEST(PostgresDatabase, DropDisconnectsOpenSessions) {
  std::string error;
  auto* pg = test::SharedPostgres(&error);
  ASSERT_NE(pg, nullptr) << error;
  PostgresDatabase db;
  std::string role = "mdt_" + RandomHex(4) + "_busy";
  ASSERT_TRUE(db.EnsureDatabase(pg->admin_url(), role, "pw", role).ok());
  auto url = db.TenantUrl(pg->admin_url(), role, "pw", role);
  ASSERT_TRUE(url.ok());
  PgConn session = ConnectUrl(*url);
  ASSERT_EQ(PQstatus(session.get()), CONNECTION_OK);
  Status dropped = db.DropDatabase(pg->admin_url(), role);
  EXPECT_TRUE(dropped.ok()) << dropped.message();
  EXPECT_FALSE(db.DatabaseExists(pg->admin_url(), role));
  EXPECT_TRUE(db.DropRole(pg->admin_url(), role).ok());
}

// ---------------------------------------------------------------------------
// EmbeddedCluster, under a test-only supervisor that forks the run script.

// Runs each service's run script with /bin/sh in the background; kills them
// all when destroyed. Test-only; not a model of s6 or runit.
class ForkSupervisor final : public Supervisor {
 public:
  explicit ForkSupervisor(std::string dir) : dir_(std::move(dir)) {}
  ~ForkSupervisor() override {
    for (auto& [name, svc] : services_) Kill(svc);
  }

  Status EnsureRunning() override { return Status::Ok(); }
  Status Install(const ServiceSpec& spec) override {
    std::lock_guard lock(mu_);
    ++installs_;
    Svc& svc = services_[spec.name];
    bool same = svc.script == spec.run_script;
    svc.script = spec.run_script;
    MD_RETURN_IF_ERROR(WriteFileAtomic(dir_ + "/" + spec.name + ".run", spec.run_script, 0755));
    if (same && Alive(svc)) return Status::Ok();
    Kill(svc);
    return Spawn(spec.name, svc);
  }
  Status Remove(const std::string& name) override {
    std::lock_guard lock(mu_);
    auto it = services_.find(name);
    if (it == services_.end()) return Status::Ok();
    Kill(it->second);
    services_.erase(it);
    return Status::Ok();
  }
  Result<ServiceStatus> GetStatus(const std::string& name) override {
    std::lock_guard lock(mu_);
    auto it = services_.find(name);
    if (it == services_.end()) return NotFound("no service " + name);
    ServiceStatus st;
    st.up = Alive(it->second);
    st.pid = st.up ? it->second.pid : 0;
    st.want_up = st.up;
    return st;
  }
  Status Start(const std::string& name) override {
    std::lock_guard lock(mu_);
    auto it = services_.find(name);
    if (it == services_.end()) return NotFound("no service " + name);
    return Alive(it->second) ? Status::Ok() : Spawn(name, it->second);
  }
  Status Stop(const std::string& name) override {
    std::lock_guard lock(mu_);
    auto it = services_.find(name);
    if (it != services_.end()) Kill(it->second);
    return Status::Ok();
  }
  Status Restart(const std::string& name) override {
    std::lock_guard lock(mu_);
    auto it = services_.find(name);
    if (it == services_.end()) return NotFound("no service " + name);
    Kill(it->second);
    return Spawn(name, it->second);
  }
  Status Reload(const std::string& name) override {
    std::lock_guard lock(mu_);
    auto it = services_.find(name);
    if (it == services_.end() || !Alive(it->second)) return FailedPrecondition(name + " is not running");
    kill(it->second.pid, SIGHUP);
    return Status::Ok();
  }
  Result<std::vector<std::string>> List() override {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (auto& [name, _] : services_) out.push_back(name);
    return out;
  }

  int installs() {
    std::lock_guard lock(mu_);
    return installs_;
  }
  std::string script(const std::string& name) {
    std::lock_guard lock(mu_);
    return services_[name].script;
  }

 private:
  struct Svc {
    std::string script;
    pid_t pid = 0;
  };

  static bool Alive(Svc& svc) {
    if (svc.pid <= 0) return false;
    int status = 0;
    pid_t r = waitpid(svc.pid, &status, WNOHANG);
    if (r == 0) return true;
    svc.pid = 0;
    return false;
  }
  static void Kill(Svc& svc) {
    if (!Alive(svc)) return;
    kill(svc.pid, SIGINT);  // PostgreSQL: fast shutdown
    for (int i = 0; i < 300; ++i) {
      if (waitpid(svc.pid, nullptr, WNOHANG) == svc.pid) {
        svc.pid = 0;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(svc.pid, SIGKILL);
    waitpid(svc.pid, nullptr, 0);
    svc.pid = 0;
  }
  Status Spawn(const std::string& name, Svc& svc) {
    std::string script = dir_ + "/" + name + ".run";
    std::string log = dir_ + "/" + name + ".log";
    pid_t pid = fork();
    if (pid < 0) return Internal("fork failed");
    if (pid == 0) {
      setsid();
      int in = open("/dev/null", O_RDONLY);
      int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (in >= 0) dup2(in, 0);
      if (out >= 0) {
        dup2(out, 1);
        dup2(out, 2);
      }
      execl("/bin/sh", "sh", script.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    svc.pid = pid;
    return Status::Ok();
  }

  std::mutex mu_;
  std::string dir_;
  std::map<std::string, Svc> services_;
  int installs_ = 0;
};

class EmbeddedClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "md-ec-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    chmod(root_.c_str(), 0755);  // the PostgreSQL user must traverse it
    ASSERT_TRUE(EnsureDirectory(root_ + "/services", 0700).ok());
    supervisor_ = std::make_unique<ForkSupervisor>(root_ + "/services");
  }
  void TearDown() override {
    supervisor_.reset();  // stops PostgreSQL
    EXPECT_TRUE(RemoveTree(root_).ok());
  }

  std::string data_dir() { return root_ + "/data"; }

  std::string root_;
  std::unique_ptr<ForkSupervisor> supervisor_;
};

TEST_F(EmbeddedClusterTest, EnsureTwiceReturnsTheSameUrlOfAnAnsweringCluster) {
  EmbeddedCluster cluster(*supervisor_, data_dir());
  auto url = cluster.Ensure();
  ASSERT_TRUE(url.ok()) << url.status().message();
  PostgresDatabase db;
  EXPECT_TRUE(db.Ping(*url).ok());
  auto again = cluster.Ensure();
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(*again, *url);
  EXPECT_EQ(supervisor_->installs(), 2);

  struct stat st;
  ASSERT_EQ(stat((cluster.dir() + "/superuser.password").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_uid, geteuid());
  auto password = ReadFile(cluster.dir() + "/superuser.password");
  ASSERT_TRUE(password.ok());
  EXPECT_NE(url->find(":" + password->substr(0, 48) + "@127.0.0.1:"), std::string::npos);
  auto port = ReadFile(cluster.dir() + "/port");
  ASSERT_TRUE(port.ok());
  EXPECT_NE(url->find("@127.0.0.1:" + port->substr(0, port->find('\n')) + "/postgres"), std::string::npos);

  std::string script = supervisor_->script(EmbeddedCluster::kServiceName);
  EXPECT_EQ(script.rfind("#!/bin/sh\nexec 2>&1\nexec ", 0), 0u) << script;
  EXPECT_EQ(script.find("s6-"), std::string::npos);
  EXPECT_EQ(script.find("chpst"), std::string::npos);
  if (geteuid() == 0) {
    EXPECT_NE(script.find("setpriv --reuid="), std::string::npos) << script;
    passwd* pw = getpwnam("meltanodata-pg");
    ASSERT_NE(pw, nullptr);
    ASSERT_EQ(stat((cluster.dir() + "/data").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, pw->pw_uid);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
  }

  // The cluster serves tenants through the driver.
  std::string role = "mdt_" + RandomHex(4);
  ASSERT_TRUE(db.EnsureDatabase(*url, role, "pw", role).ok());
  EXPECT_TRUE(db.DatabaseExists(*url, role));
}

TEST_F(EmbeddedClusterTest, EnsureStartsTheClusterAgainAfterAStop) {
  std::string first;
  {
    EmbeddedCluster cluster(*supervisor_, data_dir());
    auto url = cluster.Ensure();
    ASSERT_TRUE(url.ok()) << url.status().message();
    first = *url;
  }
  ASSERT_TRUE(supervisor_->Stop(EmbeddedCluster::kServiceName).ok());
  PostgresDatabase db;
  EXPECT_EQ(db.Ping(first).code(), Code::kUnavailable);
  // A new controller process: a new object over the same data dir.
  EmbeddedCluster cluster(*supervisor_, data_dir());
  auto url = cluster.Ensure();
  ASSERT_TRUE(url.ok()) << url.status().message();
  EXPECT_EQ(*url, first);
  EXPECT_TRUE(db.Ping(*url).ok());
}

}  // namespace
}  // namespace md
