// The FakeDatabase's own controls (its Database behaviour is checked against
// real PostgreSQL by tests/integration/postgres_database_test.cc).

#include <gtest/gtest.h>

#include "drivers/database/fake_database.h"

namespace md {
namespace {

const std::string kA = "postgresql://postgres:admin-secret@127.0.0.1:5432/postgres";
const std::string kB = "postgresql://postgres:admin-secret@127.0.0.1:5433/postgres";

TEST(FakeDatabase, FailNextFailsOnlyTheNextCall) {
  FakeDatabase db;
  db.FailNext(Internal("boom"));
  Status s = db.EnsureDatabase(kA, "r", "pw", "d");
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_FALSE(db.DatabaseExists(kA, "d"));
  EXPECT_TRUE(db.EnsureDatabase(kA, "r", "pw", "d").ok());
  db.FailNext(Unavailable("flaky"));
  EXPECT_FALSE(db.DatabaseExists(kA, "d"));
  EXPECT_TRUE(db.DatabaseExists(kA, "d"));
}

TEST(FakeDatabase, SetDownMakesEveryCallUnavailable) {
  FakeDatabase db;
  ASSERT_TRUE(db.EnsureDatabase(kA, "r", "pw", "d").ok());
  db.SetDown(true);
  EXPECT_EQ(db.Ping(kA).code(), Code::kUnavailable);
  EXPECT_EQ(db.EnsureDatabase(kA, "r", "pw", "d").code(), Code::kUnavailable);
  EXPECT_EQ(db.ListRoles(kA, "").status().code(), Code::kUnavailable);
  EXPECT_FALSE(db.RoleExists(kA, "r"));
  EXPECT_EQ(db.Connect(*db.TenantUrl(kA, "r", "pw", "d")).code(), Code::kUnavailable);
  db.SetDown(false);
  EXPECT_TRUE(db.RoleExists(kA, "r"));
}

TEST(FakeDatabase, EachHostPortIsItsOwnCluster) {
  FakeDatabase db;
  ASSERT_TRUE(db.EnsureDatabase(kA, "r", "pw", "d").ok());
  EXPECT_TRUE(db.DatabaseExists(kA, "d"));
  EXPECT_FALSE(db.DatabaseExists(kB, "d"));
  db.SetHostDown("127.0.0.1:5432", true);
  EXPECT_EQ(db.Ping(kA).code(), Code::kUnavailable);
  EXPECT_TRUE(db.Ping(kB).ok());
  EXPECT_EQ(FakeDatabase::HostPort(kA), "127.0.0.1:5432");
}

TEST(FakeDatabase, RecordsCallsButNeverPasswords) {
  FakeDatabase db;
  ASSERT_TRUE(db.EnsureDatabase(kA, "r", "tenant-secret", "d").ok());
  ASSERT_TRUE(db.DropDatabase(kA, "d").ok());
  ASSERT_TRUE(db.DropRole(kA, "r").ok());
  std::vector<std::string> calls = db.Calls();
  EXPECT_EQ(calls, (std::vector<std::string>{"EnsureDatabase r d", "DropDatabase d", "DropRole r"}));
  for (const auto& c : calls) {
    EXPECT_EQ(c.find("secret"), std::string::npos) << c;
  }
  db.ClearCalls();
  EXPECT_TRUE(db.Calls().empty());
}

TEST(FakeDatabase, AddSchemaNeedsAnExistingDatabase) {
  FakeDatabase db;
  EXPECT_EQ(db.AddSchema(kA, "d", "s").code(), Code::kNotFound);
  ASSERT_TRUE(db.EnsureDatabase(kA, "r", "pw", "d").ok());
  ASSERT_TRUE(db.AddSchema(kA, "d", "s").ok());
  ASSERT_TRUE(db.AddTable(kA, "d", "s", "t").ok());
  EXPECT_EQ(db.Schemas(kA, "d"), (std::vector<std::string>{"public", "s"}));
  EXPECT_EQ(db.Tables(kA, "d", "s"), std::vector<std::string>{"t"});
  auto dropped = db.DropSchemasExceptPublic(kA, "r", "pw", "d");
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(*dropped, std::vector<std::string>{"s"});
}

}  // namespace
}  // namespace md
