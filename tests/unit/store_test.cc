// SqliteStore: round trips, error codes, derived fields, migrations, file
// security and concurrent use.

#include <gtest/gtest.h>
#include <mutex>
#include <set>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "core/files.h"
#include "store/migrations.h"
#include "store/sqlite_store.h"

namespace md {
namespace {

namespace fs = std::filesystem;

// A fresh temporary folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "md-store-test-XXXXXX").string();
    char* made = mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr);
    path_ = tmpl;
  }
  ~TempDir() { (void)RemoveTree(path_); }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::unique_ptr<SqliteStore> OpenOrDie(const std::string& path) {
  auto store = SqliteStore::Open(path);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) std::abort();
  return std::move(store).value();
}

// Runs a statement on a raw connection, outside the store, for set-up and checks.
void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string message = err != nullptr ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

std::string RawQueryText(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

Instance SampleInstance(const std::string& subdomain) {
  Instance i;
  i.subdomain = subdomain;
  i.name = "Ada Lovelace";
  i.email = "ada@example.com";
  i.app = "meltano";
  i.app_version = "2.19.1";
  i.status = InstanceStatus::kDegraded;
  i.cluster = "pg-1";
  i.db_name = "md_" + subdomain;
  i.db_role = "md_" + subdomain + "_role";
  i.unix_user = "md-" + subdomain;
  i.created_ms = 1700000000123;
  i.updated_ms = 1700000000456;
  return i;
}

void ExpectSameInstance(const Instance& a, const Instance& b) {
  EXPECT_EQ(a.subdomain, b.subdomain);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.email, b.email);
  EXPECT_EQ(a.app, b.app);
  EXPECT_EQ(a.app_version, b.app_version);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.cluster, b.cluster);
  EXPECT_EQ(a.db_name, b.db_name);
  EXPECT_EQ(a.db_role, b.db_role);
  EXPECT_EQ(a.unix_user, b.unix_user);
  EXPECT_EQ(a.created_ms, b.created_ms);
  EXPECT_EQ(a.updated_ms, b.updated_ms);
}

Cluster SampleCluster(const std::string& name) {
  Cluster c;
  c.name = name;
  c.admin_url = "postgresql://admin:pw@127.0.0.1:5432/postgres";
  c.capacity = 25;
  c.draining = true;
  c.embedded = true;
  return c;
}

StepRecord Step(const std::string& name, StepState state = StepState::kPending) {
  StepRecord s;
  s.name = name;
  s.state = state;
  return s;
}

Operation SampleOperation(const std::string& subdomain, const std::string& kind = "create") {
  Operation op;
  op.kind = kind;
  op.subdomain = subdomain;
  op.params = R"({"email":"ada@example.com"})";
  op.state = OperationState::kRunning;
  op.error = "previous attempt: timeout";
  op.created_ms = 1700000001000;
  op.started_ms = 1700000002000;
  op.finished_ms = 0;
  StepRecord done = Step("zeta", StepState::kDone);
  done.attempts = 2;
  done.error = "retried once";
  done.started_ms = 11;
  done.finished_ms = 12;
  op.steps = {done, Step("alpha", StepState::kRunning), Step("mid")};
  return op;
}

// --- Instances --------------------------------------------------------------

TEST(SqliteStoreTest, InstanceRoundTripsEveryField) {
  auto store = OpenOrDie(":memory:");
  Instance in = SampleInstance("acme");
  ASSERT_TRUE(store->InsertInstance(in).ok());
  auto got = store->GetInstance("acme");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ExpectSameInstance(*got, in);
}

TEST(SqliteStoreTest, OperatorsThroughTheStoreInterface) {
  auto sqlite = OpenOrDie(":memory:");
  Store& store = *sqlite;  // through the interface, as the service calls it
  ASSERT_TRUE(store.InsertOperator({"bob", "$argon2id$hash-b", 2000}).ok());
  ASSERT_TRUE(store.InsertOperator({"ann", "$argon2id$hash-a", 1000}).ok());
  EXPECT_EQ(store.InsertOperator({"ann", "other", 3000}).code(), Code::kAlreadyExists);
  auto ann = store.GetOperator("ann");
  ASSERT_TRUE(ann.ok());
  EXPECT_EQ(ann->password_hash, "$argon2id$hash-a");  // not replaced by the refused insert
  EXPECT_EQ(ann->created_ms, 1000);
  auto list = store.ListOperators();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "ann");
  ASSERT_TRUE(store.DeleteOperator("ann").ok());
  EXPECT_EQ(store.DeleteOperator("ann").code(), Code::kNotFound);
  EXPECT_EQ(store.GetOperator("ann").status().code(), Code::kNotFound);
}

TEST(SqliteStoreTest, EveryInstanceStatusRoundTrips) {
  auto store = OpenOrDie(":memory:");
  const std::vector<InstanceStatus> all = {InstanceStatus::kProvisioning, InstanceStatus::kRunning,
                                           InstanceStatus::kStopped,      InstanceStatus::kDegraded,
                                           InstanceStatus::kFailed,       InstanceStatus::kDeleting};
  for (size_t n = 0; n < all.size(); ++n) {
    Instance in = SampleInstance("s" + std::to_string(n));
    in.status = all[n];
    ASSERT_TRUE(store->InsertInstance(in).ok());
    EXPECT_EQ(store->GetInstance(in.subdomain)->status, all[n]);
  }
}

TEST(SqliteStoreTest, StoresEnumsByName) {
  TempDir dir;
  const std::string path = dir.File("md.db");
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store->InsertInstance(SampleInstance("acme")).ok());
    ASSERT_TRUE(store->InsertOperation(SampleOperation("acme")).ok());
  }
  EXPECT_EQ(RawQueryText(path, "SELECT status FROM instances"), "degraded");
  EXPECT_EQ(RawQueryText(path, "SELECT state FROM operations"), "running");
  EXPECT_EQ(RawQueryText(path, "SELECT state FROM operation_steps WHERE name = 'zeta'"), "done");
}

TEST(SqliteStoreTest, InsertingATakenSubdomainIsAlreadyExists) {
  auto store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->InsertInstance(SampleInstance("acme")).ok());
  Instance other = SampleInstance("acme");
  other.name = "Someone Else";
  Status s = store->InsertInstance(other);
  EXPECT_EQ(s.code(), Code::kAlreadyExists);
  EXPECT_NE(s.message().find("acme"), std::string::npos);
  EXPECT_EQ(store->GetInstance("acme")->name, "Ada Lovelace");  // the first one is untouched
}

TEST(SqliteStoreTest, AdmitInstanceStoresInstanceSecretsFlagsAndOperationTogether) {
  auto store = OpenOrDie(":memory:");
  Operation op;
  op.kind = "create";
  op.subdomain = "acme";
  op.steps = {StepRecord{.name = "one"}, StepRecord{.name = "two"}};
  auto id = store->AdmitInstance(SampleInstance("acme"), {{"md:db_password", "pw"}}, {{"FLAG", "1"}}, op);
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_EQ(store->GetInstance("acme")->name, "Ada Lovelace");
  EXPECT_EQ((*store->GetSecrets("acme"))["md:db_password"], "pw");
  EXPECT_EQ((*store->GetFlags("acme"))["FLAG"], "1");
  EXPECT_EQ(store->GetOperation(*id)->steps.size(), 2u);
}

TEST(SqliteStoreTest, AdmitInstanceWritesNothingWhenAnyPartFails) {
  auto store = OpenOrDie(":memory:");
  Operation bad;
  bad.kind = "create";
  bad.subdomain = "acme";
  bad.steps = {StepRecord{.name = "same"}, StepRecord{.name = "same"}};  // refused by the store
  auto id = store->AdmitInstance(SampleInstance("acme"), {{"md:db_password", "pw"}}, {{"FLAG", "1"}}, bad);
  EXPECT_EQ(id.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(store->GetInstance("acme").status().code(), Code::kNotFound);
  EXPECT_TRUE(store->GetSecrets("acme")->empty());
  EXPECT_TRUE(store->GetFlags("acme")->empty());
  EXPECT_TRUE(store->ListOperations("", 0)->empty());

  ASSERT_TRUE(store->InsertInstance(SampleInstance("taken")).ok());
  Operation op = bad;
  op.subdomain = "taken";
  op.steps = {StepRecord{.name = "one"}};
  EXPECT_EQ(store->AdmitInstance(SampleInstance("taken"), {{"k", "v"}}, {}, op).status().code(), Code::kAlreadyExists);
  EXPECT_TRUE(store->GetSecrets("taken")->empty());
  EXPECT_TRUE(store->ListOperations("", 0)->empty());
}

TEST(SqliteStoreTest, MissingInstanceIsNotFoundNamingTheSubdomain) {
  auto store = OpenOrDie(":memory:");
  auto got = store->GetInstance("ghost");
  EXPECT_EQ(got.status().code(), Code::kNotFound);
  EXPECT_NE(got.status().message().find("ghost"), std::string::npos);
  Status upd = store->UpdateInstance(SampleInstance("ghost"));
  EXPECT_EQ(upd.code(), Code::kNotFound);
  EXPECT_NE(upd.message().find("ghost"), std::string::npos);
  Status del = store->DeleteInstance("ghost");
  EXPECT_EQ(del.code(), Code::kNotFound);
  EXPECT_NE(del.message().find("ghost"), std::string::npos);
  EXPECT_TRUE(store->ListInstances()->empty());
}

TEST(SqliteStoreTest, RefusesInstanceWithoutSubdomain) {
  auto store = OpenOrDie(":memory:");
  EXPECT_EQ(store->InsertInstance(SampleInstance("")).code(), Code::kInvalidArgument);
}

TEST(SqliteStoreTest, UpdateInstanceChangesEveryField) {
  auto store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->InsertInstance(SampleInstance("acme")).ok());
  Instance changed;
  changed.subdomain = "acme";
  changed.name = "New Name";
  changed.email = "new@example.org";
  changed.app = "demo";
  changed.app_version = "3.0.0";
  changed.status = InstanceStatus::kRunning;
  changed.cluster = "pg-2";
  changed.db_name = "db2";
  changed.db_role = "role2";
  changed.unix_user = "user2";
  changed.created_ms = 5;
  changed.updated_ms = 6;
  ASSERT_TRUE(store->UpdateInstance(changed).ok());
  ExpectSameInstance(*store->GetInstance("acme"), changed);
}

TEST(SqliteStoreTest, ListInstancesIsOrderedBySubdomain) {
  auto store = OpenOrDie(":memory:");
  for (const char* s : {"mango", "apple", "zebra", "kiwi"}) ASSERT_TRUE(store->InsertInstance(SampleInstance(s)).ok());
  auto list = store->ListInstances();
  ASSERT_TRUE(list.ok());
  std::vector<std::string> names;
  for (const Instance& i : *list) names.push_back(i.subdomain);
  EXPECT_EQ(names, (std::vector<std::string>{"apple", "kiwi", "mango", "zebra"}));
  ExpectSameInstance((*list)[0], SampleInstance("apple"));
}

TEST(SqliteStoreTest, ListInstancesPageFiltersSortsAndPagesWithTheTotal) {
  auto store = OpenOrDie(":memory:");
  int64_t created = 1000;
  for (const char* s : {"mango", "apple", "zebra", "kiwi", "fig"}) {
    Instance in = SampleInstance(s);
    in.name = std::string("Owner of ") + s;
    in.status = std::string(s) == "kiwi" || std::string(s) == "fig" ? InstanceStatus::kFailed : InstanceStatus::kRunning;
    in.created_ms = created--;  // mango oldest… fig newest
    in.cluster = std::string(s) == "zebra" ? "a" : "b";
    in.app_version = std::string(s) == "apple" ? "2.0" : "1.0";
    ASSERT_TRUE(store->InsertInstance(in).ok());
  }
  auto subs = [&](const InstanceQuery& q, int64_t* total = nullptr) {
    auto page = store->ListInstancesPage(q);
    EXPECT_TRUE(page.ok()) << page.status().message();
    std::string out;
    for (const Instance& i : page->instances) out += (out.empty() ? "" : " ") + i.subdomain;
    if (total) *total = page->total;
    return out;
  };
  int64_t total = 0;
  EXPECT_EQ(subs({}, &total), "apple fig kiwi mango zebra");
  EXPECT_EQ(total, 5);
  EXPECT_EQ(subs({.offset = 1, .limit = 2}, &total), "fig kiwi");
  EXPECT_EQ(total, 5) << "the total counts every match, not the page";
  EXPECT_EQ(subs({.offset = 9, .limit = 2}), "");
  EXPECT_EQ(subs({.sort = InstanceQuery::Sort::kCreated}), "fig kiwi zebra apple mango");
  EXPECT_EQ(subs({.sort = InstanceQuery::Sort::kCreated, .descending = true}), "mango apple zebra kiwi fig");
  EXPECT_EQ(subs({.sort = InstanceQuery::Sort::kStatus, .descending = true, .limit = 3}), "zebra mango apple")
      << "ties by subdomain, in the same direction";
  EXPECT_EQ(subs({.sort = InstanceQuery::Sort::kCluster}), "zebra apple fig kiwi mango");
  EXPECT_EQ(subs({.sort = InstanceQuery::Sort::kVersion, .descending = true}), "apple zebra mango kiwi fig");
  EXPECT_EQ(subs({.status = "failed"}, &total), "fig kiwi");
  EXPECT_EQ(total, 2);
  EXPECT_EQ(subs({.text = "OWNER OF A"}), "apple") << "any case, in the name";
  EXPECT_EQ(subs({.text = "ang"}), "mango") << "in the subdomain";
  EXPECT_EQ(subs({.text = "ADA@"}), "apple fig kiwi mango zebra") << "in the email";
  EXPECT_EQ(subs({.text = "%"}), "") << "no wildcard";
  EXPECT_EQ(subs({.text = "_"}), "");
  EXPECT_EQ(subs({.status = "running", .text = "z"}), "zebra");
  EXPECT_EQ(subs({.status = "failed", .text = "z"}), "");
}

TEST(SqliteStoreTest, DeleteInstanceRemovesFlagsSecretsAndLedgerButKeepsOperations) {
  auto store = OpenOrDie(":memory:");
  for (const char* s : {"acme", "other"}) {
    ASSERT_TRUE(store->InsertInstance(SampleInstance(s)).ok());
    ASSERT_TRUE(store->SetFlags(s, {{"FF_A", "1"}}, {}).ok());
    ASSERT_TRUE(store->SetSecrets(s, {{"TOKEN", "t"}}, {}).ok());
    ASSERT_TRUE(store->AddLedger({0, s, ResourceKind::kPgDatabase, std::string("db_") + s, 1}).ok());
  }
  auto op_id = store->InsertOperation(SampleOperation("acme"));
  ASSERT_TRUE(op_id.ok());

  ASSERT_TRUE(store->DeleteInstance("acme").ok());
  EXPECT_EQ(store->GetInstance("acme").status().code(), Code::kNotFound);
  EXPECT_TRUE(store->GetFlags("acme")->empty());
  EXPECT_TRUE(store->GetSecrets("acme")->empty());
  EXPECT_TRUE(store->ListLedger("acme")->empty());
  // History stays, and the neighbour is untouched.
  auto op = store->GetOperation(*op_id);
  ASSERT_TRUE(op.ok());
  EXPECT_EQ(op->steps.size(), 3u);
  EXPECT_EQ(store->ListOperations("acme", 0)->size(), 1u);
  EXPECT_EQ(store->GetFlags("other")->size(), 1u);
  EXPECT_EQ(store->GetSecrets("other")->size(), 1u);
  EXPECT_EQ(store->ListLedger("other")->size(), 1u);
  EXPECT_TRUE(store->GetInstance("other").ok());
}

// --- Clusters ---------------------------------------------------------------

TEST(SqliteStoreTest, ClusterRoundTripsEveryField) {
  auto store = OpenOrDie(":memory:");
  Cluster c = SampleCluster("pg-1");
  c.used = 99;  // derived: ignored on insert
  ASSERT_TRUE(store->InsertCluster(c).ok());
  auto got = store->GetCluster("pg-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "pg-1");
  EXPECT_EQ(got->admin_url, c.admin_url);
  EXPECT_EQ(got->capacity, 25);
  EXPECT_TRUE(got->draining);
  EXPECT_TRUE(got->embedded);
  EXPECT_EQ(got->used, 0);

  Cluster changed = *got;
  changed.admin_url = "postgresql://admin:other@10.0.0.2:5433/postgres";
  changed.capacity = 3;
  changed.draining = false;
  changed.embedded = false;
  ASSERT_TRUE(store->UpdateCluster(changed).ok());
  got = store->GetCluster("pg-1");
  EXPECT_EQ(got->admin_url, changed.admin_url);
  EXPECT_EQ(got->capacity, 3);
  EXPECT_FALSE(got->draining);
  EXPECT_FALSE(got->embedded);
}

TEST(SqliteStoreTest, ClusterUsedCountsInstancesPlacedOnIt) {
  auto store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->InsertCluster(SampleCluster("pg-1")).ok());
  ASSERT_TRUE(store->InsertCluster(SampleCluster("pg-2")).ok());
  ASSERT_TRUE(store->InsertCluster(SampleCluster("pg-3")).ok());
  for (const char* s : {"a", "b", "c"}) ASSERT_TRUE(store->InsertInstance(SampleInstance(s)).ok());  // pg-1
  Instance d = SampleInstance("d");
  d.cluster = "pg-2";
  ASSERT_TRUE(store->InsertInstance(d).ok());
  Instance unplaced = SampleInstance("e");
  unplaced.cluster = "";
  ASSERT_TRUE(store->InsertInstance(unplaced).ok());

  EXPECT_EQ(store->GetCluster("pg-1")->used, 3);
  EXPECT_EQ(store->GetCluster("pg-2")->used, 1);
  auto list = store->ListClusters();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].name, "pg-1");
  EXPECT_EQ((*list)[0].used, 3);
  EXPECT_EQ((*list)[1].used, 1);
  EXPECT_EQ((*list)[2].name, "pg-3");
  EXPECT_EQ((*list)[2].used, 0);

  // Moving and deleting instances changes the count.
  Instance moved = *store->GetInstance("a");
  moved.cluster = "pg-2";
  ASSERT_TRUE(store->UpdateInstance(moved).ok());
  ASSERT_TRUE(store->DeleteInstance("b").ok());
  EXPECT_EQ(store->GetCluster("pg-1")->used, 1);
  EXPECT_EQ(store->GetCluster("pg-2")->used, 2);
}

TEST(SqliteStoreTest, ClusterConflictsAndMissingOnes) {
  auto store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->InsertCluster(SampleCluster("pg-1")).ok());
  EXPECT_EQ(store->InsertCluster(SampleCluster("pg-1")).code(), Code::kAlreadyExists);
  EXPECT_EQ(store->GetCluster("pg-9").status().code(), Code::kNotFound);
  EXPECT_EQ(store->UpdateCluster(SampleCluster("pg-9")).code(), Code::kNotFound);
  EXPECT_EQ(store->DeleteCluster("pg-9").code(), Code::kNotFound);
  EXPECT_EQ(store->InsertCluster(SampleCluster("")).code(), Code::kInvalidArgument);
  ASSERT_TRUE(store->DeleteCluster("pg-1").ok());
  EXPECT_EQ(store->GetCluster("pg-1").status().code(), Code::kNotFound);
  EXPECT_EQ(store->DeleteCluster("pg-1").code(), Code::kNotFound);
  EXPECT_TRUE(store->ListClusters()->empty());
}

// --- Operations -------------------------------------------------------------

TEST(SqliteStoreTest, OperationRoundTripsWithStepsInOrder) {
  auto store = OpenOrDie(":memory:");
  Operation op = SampleOperation("acme");
  auto id = store->InsertOperation(op);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_GT(*id, 0);
  auto got = store->GetOperation(*id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, *id);
  EXPECT_EQ(got->kind, "create");
  EXPECT_EQ(got->subdomain, "acme");
  EXPECT_EQ(got->params, op.params);
  EXPECT_EQ(got->state, OperationState::kRunning);
  EXPECT_EQ(got->error, op.error);
  EXPECT_EQ(got->created_ms, op.created_ms);
  EXPECT_EQ(got->started_ms, op.started_ms);
  EXPECT_EQ(got->finished_ms, 0);
  ASSERT_EQ(got->steps.size(), 3u);
  // Insertion order, not name order.
  EXPECT_EQ(got->steps[0].name, "zeta");
  EXPECT_EQ(got->steps[1].name, "alpha");
  EXPECT_EQ(got->steps[2].name, "mid");
  EXPECT_EQ(got->steps[0].state, StepState::kDone);
  EXPECT_EQ(got->steps[0].attempts, 2);
  EXPECT_EQ(got->steps[0].error, "retried once");
  EXPECT_EQ(got->steps[0].started_ms, 11);
  EXPECT_EQ(got->steps[0].finished_ms, 12);
  EXPECT_EQ(got->steps[1].state, StepState::kRunning);
  EXPECT_EQ(got->steps[2].state, StepState::kPending);
}

TEST(SqliteStoreTest, OperationWithoutStepsRoundTrips) {
  auto store = OpenOrDie(":memory:");
  Operation op = SampleOperation("");
  op.steps.clear();
  auto id = store->InsertOperation(op);
  ASSERT_TRUE(id.ok());
  auto got = store->GetOperation(*id);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->steps.empty());
  EXPECT_EQ(got->subdomain, "");
}

TEST(SqliteStoreTest, RefusesDuplicateStepNames) {
  auto store = OpenOrDie(":memory:");
  Operation op = SampleOperation("acme");
  op.steps.push_back(Step("alpha"));
  EXPECT_EQ(store->InsertOperation(op).status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(store->ListOperations("", 0)->empty());
}

TEST(SqliteStoreTest, UpdatesOperationAndStepsByName) {
  auto store = OpenOrDie(":memory:");
  auto id = store->InsertOperation(SampleOperation("acme"));
  ASSERT_TRUE(id.ok());

  Operation op = *store->GetOperation(*id);
  op.state = OperationState::kFailed;
  op.error = "dns: refused";
  op.started_ms = 100;
  op.finished_ms = 200;
  op.kind = "ignored";    // not an updatable field
  op.steps.clear();       // steps are not touched by UpdateOperation
  ASSERT_TRUE(store->UpdateOperation(op).ok());

  StepRecord alpha = Step("alpha", StepState::kFailed);
  alpha.attempts = 5;
  alpha.error = "permanent";
  alpha.started_ms = 300;
  alpha.finished_ms = 400;
  ASSERT_TRUE(store->UpdateStep(*id, alpha).ok());

  auto got = store->GetOperation(*id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->state, OperationState::kFailed);
  EXPECT_EQ(got->error, "dns: refused");
  EXPECT_EQ(got->started_ms, 100);
  EXPECT_EQ(got->finished_ms, 200);
  EXPECT_EQ(got->kind, "create");
  ASSERT_EQ(got->steps.size(), 3u);
  EXPECT_EQ(got->steps[1].name, "alpha");
  EXPECT_EQ(got->steps[1].state, StepState::kFailed);
  EXPECT_EQ(got->steps[1].attempts, 5);
  EXPECT_EQ(got->steps[1].error, "permanent");
  EXPECT_EQ(got->steps[1].started_ms, 300);
  EXPECT_EQ(got->steps[1].finished_ms, 400);
  // Neighbours unchanged.
  EXPECT_EQ(got->steps[0].state, StepState::kDone);
  EXPECT_EQ(got->steps[0].attempts, 2);
  EXPECT_EQ(got->steps[2].state, StepState::kPending);
}

TEST(SqliteStoreTest, UnknownOperationOrStepIsNotFound) {
  auto store = OpenOrDie(":memory:");
  auto id = store->InsertOperation(SampleOperation("acme"));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(store->GetOperation(*id + 1).status().code(), Code::kNotFound);
  Operation missing = SampleOperation("acme");
  missing.id = *id + 1;
  EXPECT_EQ(store->UpdateOperation(missing).code(), Code::kNotFound);
  Status s = store->UpdateStep(*id, Step("nope"));
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_NE(s.message().find("nope"), std::string::npos);
  EXPECT_EQ(store->UpdateStep(*id + 1, Step("alpha")).code(), Code::kNotFound);
  // Same step name in another operation is not matched.
  auto id2 = store->InsertOperation(SampleOperation("acme"));
  ASSERT_TRUE(id2.ok());
  ASSERT_TRUE(store->UpdateStep(*id2, Step("alpha", StepState::kDone)).ok());
  EXPECT_EQ(store->GetOperation(*id)->steps[1].state, StepState::kRunning);
}

TEST(SqliteStoreTest, ListOperationsIsNewestFirstWithFilterAndLimit) {
  auto store = OpenOrDie(":memory:");
  std::vector<int64_t> acme_ids;
  for (int n = 0; n < 5; ++n) {
    auto a = store->InsertOperation(SampleOperation("acme", "op" + std::to_string(n)));
    ASSERT_TRUE(a.ok());
    acme_ids.push_back(*a);
    ASSERT_TRUE(store->InsertOperation(SampleOperation("beta")).ok());
  }
  auto all = store->ListOperations("", 0);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 10u);
  for (size_t n = 1; n < all->size(); ++n) EXPECT_GT((*all)[n - 1].id, (*all)[n].id);
  EXPECT_EQ((*all)[0].steps.size(), 3u);  // steps come along

  auto acme = store->ListOperations("acme", 0);
  ASSERT_TRUE(acme.ok());
  ASSERT_EQ(acme->size(), 5u);
  EXPECT_EQ((*acme)[0].id, acme_ids[4]);
  EXPECT_EQ((*acme)[4].id, acme_ids[0]);
  for (const Operation& op : *acme) EXPECT_EQ(op.subdomain, "acme");

  auto limited = store->ListOperations("acme", 2);
  ASSERT_TRUE(limited.ok());
  ASSERT_EQ(limited->size(), 2u);
  EXPECT_EQ((*limited)[0].id, acme_ids[4]);
  EXPECT_EQ((*limited)[1].id, acme_ids[3]);
  EXPECT_EQ(store->ListOperations("", 3)->size(), 3u);
  EXPECT_EQ(store->ListOperations("", -1)->size(), 10u);
  EXPECT_TRUE(store->ListOperations("nobody", 0)->empty());
}

TEST(SqliteStoreTest, ListOperationsInStateIsOldestFirst) {
  auto store = OpenOrDie(":memory:");
  const std::vector<OperationState> states = {OperationState::kQueued, OperationState::kRunning,
                                              OperationState::kSucceeded, OperationState::kQueued,
                                              OperationState::kFailed, OperationState::kRunning};
  std::vector<int64_t> ids;
  for (OperationState s : states) {
    Operation op = SampleOperation("acme");
    op.state = s;
    auto id = store->InsertOperation(op);
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  auto pending = store->ListOperationsInState({OperationState::kRunning, OperationState::kQueued});
  ASSERT_TRUE(pending.ok());
  std::vector<int64_t> got;
  for (const Operation& op : *pending) got.push_back(op.id);
  EXPECT_EQ(got, (std::vector<int64_t>{ids[0], ids[1], ids[3], ids[5]}));
  EXPECT_EQ((*pending)[0].steps.size(), 3u);

  auto failed = store->ListOperationsInState({OperationState::kFailed});
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].id, ids[4]);
  EXPECT_TRUE(store->ListOperationsInState({})->empty());
}

TEST(SqliteStoreTest, OperationIdsAreNeverReused) {
  TempDir dir;
  const std::string path = dir.File("md.db");
  int64_t last = 0;
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store->InsertOperation(SampleOperation("acme")).ok());
    auto id = store->InsertOperation(SampleOperation("acme"));
    ASSERT_TRUE(id.ok());
    last = *id;
  }
  RawExec(path, "DELETE FROM operations WHERE id = " + std::to_string(last));
  auto store = OpenOrDie(path);
  auto next = store->InsertOperation(SampleOperation("acme"));
  ASSERT_TRUE(next.ok());
  EXPECT_GT(*next, last);
}

// --- Ledger -----------------------------------------------------------------

TEST(SqliteStoreTest, AddLedgerIsIdempotentOnKindAndRef) {
  auto store = OpenOrDie(":memory:");
  auto first = store->AddLedger({0, "acme", ResourceKind::kPgDatabase, "pg-1/md_acme", 10});
  ASSERT_TRUE(first.ok());
  auto again = store->AddLedger({0, "acme", ResourceKind::kPgDatabase, "pg-1/md_acme", 20});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first);
  auto role = store->AddLedger({0, "acme", ResourceKind::kPgRole, "pg-1/md_acme", 30});  // same ref, other kind
  ASSERT_TRUE(role.ok());
  EXPECT_NE(*role, *first);

  auto list = store->ListLedger("acme");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, *first);
  EXPECT_EQ((*list)[0].subdomain, "acme");
  EXPECT_EQ((*list)[0].kind, ResourceKind::kPgDatabase);
  EXPECT_EQ((*list)[0].ref, "pg-1/md_acme");
  EXPECT_EQ((*list)[0].created_ms, 10);  // the first write wins
}

TEST(SqliteStoreTest, AddLedgerRefusesAnotherInstancesResource) {
  auto store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->AddLedger({0, "acme", ResourceKind::kUnixUser, "md-shared", 1}).ok());
  auto clash = store->AddLedger({0, "beta", ResourceKind::kUnixUser, "md-shared", 2});
  EXPECT_EQ(clash.status().code(), Code::kAlreadyExists);
  EXPECT_NE(clash.status().message().find("acme"), std::string::npos);
  EXPECT_TRUE(store->ListLedger("beta")->empty());
}

TEST(SqliteStoreTest, ListLedgerAllIsOrderedByIdAndRemoveToleratesAbsent) {
  auto store = OpenOrDie(":memory:");
  std::vector<int64_t> ids;
  for (const auto& [sub, kind, ref] : std::vector<std::tuple<std::string, ResourceKind, std::string>>{
           {"zed", ResourceKind::kDirectory, "/srv/zed"}, {"acme", ResourceKind::kCgroup, "tenant-acme"}, {"zed", ResourceKind::kService, "md-zed"}}) {
    auto id = store->AddLedger({0, sub, kind, ref, 1});
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  auto all = store->ListLedger("");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  for (size_t n = 0; n < 3; ++n) EXPECT_EQ((*all)[n].id, ids[n]);
  EXPECT_EQ(store->ListLedger("zed")->size(), 2u);

  ASSERT_TRUE(store->RemoveLedger(ResourceKind::kCgroup, "tenant-acme").ok());
  ASSERT_TRUE(store->RemoveLedger(ResourceKind::kCgroup, "tenant-acme").ok());     // absent is fine
  ASSERT_TRUE(store->RemoveLedger(ResourceKind::kDirectory, "/nope").ok());  // never there
  EXPECT_TRUE(store->ListLedger("acme")->empty());
  EXPECT_EQ(store->ListLedger("")->size(), 2u);

  // Re-adding after removal makes a new row with a new id.
  auto readd = store->AddLedger({0, "acme", ResourceKind::kCgroup, "tenant-acme", 2});
  ASSERT_TRUE(readd.ok());
  EXPECT_GT(*readd, ids[2]);
}

// --- Flags, secrets, settings -----------------------------------------------

TEST(SqliteStoreTest, SetFlagsAppliesSetThenUnset) {
  auto store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->SetFlags("acme", {{"A", "1"}, {"B", "2"}, {"C", "3"}}, {}).ok());
  ASSERT_TRUE(store->SetFlags("acme", {{"A", "one"}, {"D", "4"}}, {"B", "NEVER_SET"}).ok());
  EXPECT_EQ(*store->GetFlags("acme"), (EnvMap{{"A", "one"}, {"C", "3"}, {"D", "4"}}));
  // A key both set and unset ends up unset.
  ASSERT_TRUE(store->SetFlags("acme", {{"E", "5"}}, {"E"}).ok());
  EXPECT_EQ(store->GetFlags("acme")->count("E"), 0u);
  EXPECT_TRUE(store->GetFlags("other")->empty());
  EXPECT_TRUE(store->GetSecrets("acme")->empty());  // flags are not secrets
}

TEST(SqliteStoreTest, SecretsAreKeptPerInstanceApartFromFlags) {
  auto store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->SetSecrets("acme", {{"DB_PASSWORD", "s3cret"}, {"API", "k"}}, {}).ok());
  ASSERT_TRUE(store->SetSecrets("beta", {{"DB_PASSWORD", "other"}}, {}).ok());
  ASSERT_TRUE(store->SetSecrets("acme", {{"DB_PASSWORD", "rotated"}}, {"API"}).ok());
  EXPECT_EQ(*store->GetSecrets("acme"), (EnvMap{{"DB_PASSWORD", "rotated"}}));
  EXPECT_EQ(*store->GetSecrets("beta"), (EnvMap{{"DB_PASSWORD", "other"}}));
  EXPECT_TRUE(store->GetFlags("acme")->empty());
}

TEST(SqliteStoreTest, SettingIsNulloptUntilPutThenOverwritten) {
  auto store = OpenOrDie(":memory:");
  auto absent = store->GetSetting("port_cursor");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  ASSERT_TRUE(store->PutSetting("port_cursor", "41000").ok());
  ASSERT_TRUE(store->PutSetting("port_cursor", "41001").ok());
  ASSERT_TRUE(store->PutSetting("empty", "").ok());
  EXPECT_EQ(store->GetSetting("port_cursor")->value_or("?"), "41001");
  auto empty = store->GetSetting("empty");
  ASSERT_TRUE(empty->has_value());
  EXPECT_EQ(**empty, "");
}

TEST(SqliteStoreTest, ValuesAreBoundNotInterpolated) {
  auto store = OpenOrDie(":memory:");
  Instance in = SampleInstance("acme");
  in.name = "Robert'); DROP TABLE instances;--";
  in.email = std::string("nul\0byte", 8);
  ASSERT_TRUE(store->InsertInstance(in).ok());
  auto got = store->GetInstance("acme");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, in.name);
  EXPECT_EQ(got->email, in.email);
  EXPECT_EQ(store->GetInstance("' OR '1'='1").status().code(), Code::kNotFound);
}

// --- Files, migrations ------------------------------------------------------

TEST(SqliteStoreTest, ReopeningAFileFindsTheDataAndAppliesMigrationsOnce) {
  TempDir dir;
  const std::string path = dir.File("md.db");
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store->InsertInstance(SampleInstance("acme")).ok());
    ASSERT_TRUE(store->PutSetting("k", "v").ok());
  }
  EXPECT_EQ(RawQueryText(path, "PRAGMA user_version"), std::to_string(LatestStoreSchemaVersion()));
  for (int n = 0; n < 3; ++n) {
    auto store = OpenOrDie(path);  // would fail on CREATE TABLE if a script ran twice
    ExpectSameInstance(*store->GetInstance("acme"), SampleInstance("acme"));
    EXPECT_EQ(store->GetSetting("k")->value_or(""), "v");
  }
  EXPECT_EQ(RawQueryText(path, "PRAGMA user_version"), std::to_string(LatestStoreSchemaVersion()));
}

TEST(SqliteStoreTest, RefusesADatabaseNewerThanTheProgram) {
  TempDir dir;
  const std::string path = dir.File("md.db");
  { OpenOrDie(path); }
  RawExec(path, "PRAGMA user_version = " + std::to_string(LatestStoreSchemaVersion() + 1));
  auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("newer"), std::string::npos) << store.status().message();
}

TEST(SqliteStoreTest, DatabaseFileAndWalAreMode0600) {
  TempDir dir;
  const std::string path = dir.File("md.db");
  mode_t old_umask = umask(0);  // even with a permissive umask
  auto store = OpenOrDie(path);
  umask(old_umask);
  ASSERT_TRUE(store->InsertCluster(SampleCluster("pg-1")).ok());
  EXPECT_EQ(ModeOf(path), 0600u);
  ASSERT_TRUE(PathExists(path + "-wal"));
  EXPECT_EQ(ModeOf(path + "-wal"), 0600u);
  EXPECT_EQ(ModeOf(path + "-shm"), 0600u);
}

TEST(SqliteStoreTest, TightensAnExistingWorldReadableFile) {
  TempDir dir;
  const std::string path = dir.File("md.db");
  { OpenOrDie(path); }
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  auto store = OpenOrDie(path);
  EXPECT_EQ(ModeOf(path), 0600u);
}

TEST(SqliteStoreTest, UsesWalJournal) {
  TempDir dir;
  const std::string path = dir.File("md.db");
  auto store = OpenOrDie(path);
  EXPECT_EQ(RawQueryText(path, "PRAGMA journal_mode"), "wal");
}

TEST(SqliteStoreTest, OpenInAMissingFolderFails) {
  TempDir dir;
  auto store = SqliteStore::Open(dir.File("no/such/dir/md.db"));
  EXPECT_FALSE(store.ok());
}

TEST(MigrationsTest, AppliesEachScriptOnceInOrder) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  std::vector<Migration> v1 = {{1, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);"}};
  ASSERT_TRUE(ApplyMigrations(db, v1).ok());
  ASSERT_TRUE(ApplyMigrations(db, v1).ok());  // no second CREATE, no second row
  std::vector<Migration> v2 = v1;
  v2.push_back({2, "INSERT INTO t VALUES (2);"});
  ASSERT_TRUE(ApplyMigrations(db, v2).ok());
  ASSERT_TRUE(ApplyMigrations(db, v2).ok());
  EXPECT_EQ(*SchemaVersion(db), 2);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT COUNT(*), SUM(x) FROM t", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 2);
  EXPECT_EQ(sqlite3_column_int(stmt, 1), 3);
  sqlite3_finalize(stmt);
  // Older program, newer database.
  EXPECT_EQ(ApplyMigrations(db, v1).code(), Code::kFailedPrecondition);
  sqlite3_close(db);
}

TEST(MigrationsTest, AFailingScriptLeavesThePreviousVersion) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  std::vector<Migration> list = {{1, "CREATE TABLE t (x INTEGER);"},
                                 {2, "INSERT INTO t VALUES (7); INSERT INTO missing VALUES (1);"}};
  EXPECT_FALSE(ApplyMigrations(db, list).ok());
  EXPECT_EQ(*SchemaVersion(db), 1);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM t", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 0);  // the half-applied script was rolled back
  sqlite3_finalize(stmt);
  EXPECT_TRUE(sqlite3_get_autocommit(db));  // no transaction left open
  sqlite3_close(db);
}

TEST(MigrationsTest, RefusesAMalformedList) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  std::vector<Migration> gap = {{1, "SELECT 1;"}, {3, "SELECT 1;"}};
  EXPECT_EQ(ApplyMigrations(db, gap).code(), Code::kInternal);
  EXPECT_EQ(*SchemaVersion(db), 0);
  sqlite3_close(db);
}

// --- Concurrency ------------------------------------------------------------

TEST(SqliteStoreTest, EightThreadsInsertingFiftyEachAllLand) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("md.db"));
  ASSERT_TRUE(store->InsertCluster(SampleCluster("pg-1")).ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < 50; ++n) {
        std::string sub = "t" + std::to_string(t) + "-" + std::to_string(n);
        if (!store->InsertInstance(SampleInstance(sub)).ok()) ++failures;
        if (!store->SetFlags(sub, {{"N", std::to_string(n)}}, {}).ok()) ++failures;
        if (!store->GetInstance(sub).ok()) ++failures;
        if (!store->ListClusters().ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto list = store->ListInstances();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 400u);
  EXPECT_EQ(store->GetCluster("pg-1")->used, 400);
  EXPECT_EQ(store->GetFlags("t7-49")->at("N"), "49");
}

TEST(SqliteStoreTest, TwoStoresOnOneFileWaitForEachOther) {
  TempDir dir;
  const std::string path = dir.File("md.db");
  auto a = OpenOrDie(path);
  auto b = OpenOrDie(path);
  std::atomic<int> failures{0};
  auto writer = [&](SqliteStore* store, const std::string& prefix) {
    for (int n = 0; n < 50; ++n) {
      Operation op = SampleOperation(prefix + std::to_string(n));
      auto id = store->InsertOperation(op);
      if (!id.ok() || !store->UpdateStep(*id, Step("mid", StepState::kDone)).ok()) ++failures;
      // Reads before it writes: needs the write lock taken at BEGIN, not mid-transaction.
      if (!store->AddLedger({0, prefix, ResourceKind::kCgroup, prefix + std::to_string(n), 1}).ok()) ++failures;
    }
  };
  std::thread ta(writer, a.get(), "a");
  std::thread tb(writer, b.get(), "b");
  ta.join();
  tb.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(a->ListOperations("", 0)->size(), 100u);
  EXPECT_EQ(b->ListOperationsInState({OperationState::kRunning})->size(), 100u);
  EXPECT_EQ(a->ListLedger("")->size(), 100u);
}

TEST(SqliteStoreTest, WriterWaitsForAnotherConnectionsWriteLock) {
  TempDir dir;
  const std::string path = dir.File("md.db");
  auto store = OpenOrDie(path);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE; INSERT INTO settings VALUES ('held', 'x');", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  std::thread release([other] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
  });
  // AddLedger reads before it writes; it must wait for the lock, not fail on a stale snapshot.
  auto id = store->AddLedger({0, "acme", ResourceKind::kCgroup, "tenant-acme", 1});
  release.join();
  sqlite3_close(other);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(store->GetSetting("held")->value_or(""), "x");
}

// --- Certificates, ACME events, custom domains (schema version 2) -------------

CertRecord SampleCert(const std::string& names, const std::string& purpose = "custom") {
  CertRecord c;
  c.names = names;
  c.purpose = purpose;
  c.subdomain = purpose == "custom" ? "acme" : "";
  c.issuer = "R11";
  c.source = "acme";
  c.not_before_ms = 1700000000000;
  c.not_after_ms = 1707776000000;
  c.cert_path = "/var/lib/md/certs/" + names + "/cert.pem";
  c.key_path = "/var/lib/md/certs/" + names + "/key.pem";
  c.next_order_ms = 1705184000000;
  c.last_error = "previous order: timeout";
  c.updated_ms = 1700000000999;
  return c;
}

void ExpectSameCert(const CertRecord& a, const CertRecord& b) {
  EXPECT_EQ(a.names, b.names);
  EXPECT_EQ(a.purpose, b.purpose);
  EXPECT_EQ(a.subdomain, b.subdomain);
  EXPECT_EQ(a.issuer, b.issuer);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.not_before_ms, b.not_before_ms);
  EXPECT_EQ(a.not_after_ms, b.not_after_ms);
  EXPECT_EQ(a.cert_path, b.cert_path);
  EXPECT_EQ(a.key_path, b.key_path);
  EXPECT_EQ(a.next_order_ms, b.next_order_ms);
  EXPECT_EQ(a.last_error, b.last_error);
  EXPECT_EQ(a.updated_ms, b.updated_ms);
}

TEST(StoreCertNamesTest, JoinLowerCasesSortsAndDropsDuplicatesAndEmpties) {
  EXPECT_EQ(JoinCertNames({"example.test", "*.Example.TEST", "", "example.test"}), "*.example.test,example.test");
  EXPECT_EQ(JoinCertNames({}), "");
  EXPECT_EQ(SplitCertNames("*.example.test,example.test"),
            (std::vector<std::string>{"*.example.test", "example.test"}));
  EXPECT_TRUE(SplitCertNames("").empty());
  EXPECT_EQ(JoinCertNames(SplitCertNames("a.test,b.test")), "a.test,b.test");
}

TEST(SqliteStoreTest, CertificateUpsertInsertsThenReplacesEveryFieldKeepingItsId) {
  auto store = OpenOrDie(":memory:");
  CertRecord c = SampleCert("*.example.test,example.test", "wildcard");
  ASSERT_TRUE(store->UpsertCertificate(c).ok());
  auto got = store->GetCertificate(c.names);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ExpectSameCert(*got, c);
  EXPECT_GT(got->id, 0);
  const int64_t id = got->id;

  CertRecord changed = c;
  changed.id = 999;  // ignored: the names are the key
  changed.issuer = "Local CA";
  changed.source = "local";
  changed.not_before_ms = 1;
  changed.not_after_ms = 2;
  changed.cert_path = "/x/cert.pem";
  changed.key_path = "/x/key.pem";
  changed.next_order_ms = 0;
  changed.last_error = "";
  changed.updated_ms = 3;
  ASSERT_TRUE(store->UpsertCertificate(changed).ok());
  got = store->GetCertificate(c.names);
  ASSERT_TRUE(got.ok());
  ExpectSameCert(*got, changed);
  EXPECT_EQ(got->id, id);
  EXPECT_EQ(store->ListCertificates()->size(), 1u);
}

TEST(SqliteStoreTest, MissingCertificateIsNotFoundAndDeleteToleratesAbsent) {
  auto store = OpenOrDie(":memory:");
  auto got = store->GetCertificate("shop.example.com");
  EXPECT_EQ(got.status().code(), Code::kNotFound);
  EXPECT_NE(got.status().message().find("shop.example.com"), std::string::npos);
  EXPECT_TRUE(store->DeleteCertificate("shop.example.com").ok());
  ASSERT_TRUE(store->UpsertCertificate(SampleCert("shop.example.com")).ok());
  EXPECT_TRUE(store->DeleteCertificate("shop.example.com").ok());
  EXPECT_EQ(store->GetCertificate("shop.example.com").status().code(), Code::kNotFound);
  EXPECT_TRUE(store->DeleteCertificate("shop.example.com").ok());
}

TEST(SqliteStoreTest, ListCertificatesIsOrderedByNames) {
  auto store = OpenOrDie(":memory:");
  for (const char* n : {"shop.example.com", "*.example.test,example.test", "blog.example.org"}) {
    ASSERT_TRUE(store->UpsertCertificate(SampleCert(n)).ok());
  }
  auto list = store->ListCertificates();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].names, "*.example.test,example.test");
  EXPECT_EQ((*list)[1].names, "blog.example.org");
  EXPECT_EQ((*list)[2].names, "shop.example.com");
}

TEST(SqliteStoreTest, RefusesCertificateWhoseNamesAreNotCanonicalOrWhosePurposeIsUnknown) {
  auto store = OpenOrDie(":memory:");
  for (const char* n : {"", "example.test,*.example.test", "Shop.example.com", "a.test,a.test", "a.test,"}) {
    EXPECT_EQ(store->UpsertCertificate(SampleCert(n)).code(), Code::kInvalidArgument) << n;
  }
  EXPECT_EQ(store->UpsertCertificate(SampleCert("a.test", "other")).code(), Code::kInvalidArgument);
  CertRecord bad_source = SampleCert("a.test");
  bad_source.source = "letsencrypt";
  EXPECT_EQ(store->UpsertCertificate(bad_source).code(), Code::kInvalidArgument);
  CertRecord none_yet = SampleCert("a.test");
  none_yet.source = "";  // planned, nothing served yet
  EXPECT_TRUE(store->UpsertCertificate(none_yet).ok());
  EXPECT_EQ(store->ListCertificates()->size(), 1u);
}

TEST(SqliteStoreTest, AcmeEventRoundTripsEveryField) {
  auto store = OpenOrDie(":memory:");
  AcmeEvent e{0, "issued", "*.example.test,example.test", "", true, 1700000000000};
  ASSERT_TRUE(store->AddAcmeEvent(e).ok());
  AcmeEvent f{0, "failed_validation", "shop.example.com", "shop.example.com", false, 1700000000001};
  ASSERT_TRUE(store->AddAcmeEvent(f).ok());
  auto list = store->ListAcmeEvents(0);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_GT((*list)[0].id, 0);
  EXPECT_LT((*list)[0].id, (*list)[1].id);
  EXPECT_EQ((*list)[0].kind, "issued");
  EXPECT_EQ((*list)[0].names, e.names);
  EXPECT_EQ((*list)[0].host, "");
  EXPECT_TRUE((*list)[0].renewal);
  EXPECT_EQ((*list)[0].at_ms, e.at_ms);
  EXPECT_EQ((*list)[1].kind, "failed_validation");
  EXPECT_EQ((*list)[1].host, "shop.example.com");
  EXPECT_FALSE((*list)[1].renewal);
}

TEST(SqliteStoreTest, AcmeEventsAreListedOldestFirstSinceAGivenTimeAndPrunedBeforeOne) {
  auto store = OpenOrDie(":memory:");
  // Added out of order: a rate_limited event is stamped with its (future) retry time.
  for (int64_t at : {300, 100, 200, 100, 400}) {
    ASSERT_TRUE(store->AddAcmeEvent({0, "order", "a.test", "", false, at}).ok());
  }
  auto list = store->ListAcmeEvents(0);
  ASSERT_TRUE(list.ok());
  std::vector<int64_t> times;
  for (const AcmeEvent& e : *list) times.push_back(e.at_ms);
  EXPECT_EQ(times, (std::vector<int64_t>{100, 100, 200, 300, 400}));
  EXPECT_LT((*list)[0].id, (*list)[1].id);  // ties by insertion

  EXPECT_EQ(store->ListAcmeEvents(200)->size(), 3u);  // since is inclusive
  EXPECT_EQ(store->ListAcmeEvents(401)->size(), 0u);
  ASSERT_TRUE(store->PruneAcmeEvents(300).ok());  // before is exclusive
  list = store->ListAcmeEvents(0);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].at_ms, 300);
  EXPECT_EQ((*list)[1].at_ms, 400);
}

TEST(SqliteStoreTest, RefusesAcmeEventOfUnknownKindOrFailedValidationWithoutHost) {
  auto store = OpenOrDie(":memory:");
  EXPECT_EQ(store->AddAcmeEvent({0, "revoked", "a.test", "", false, 1}).code(), Code::kInvalidArgument);
  EXPECT_EQ(store->AddAcmeEvent({0, "failed_validation", "a.test", "", false, 1}).code(), Code::kInvalidArgument);
  EXPECT_EQ(store->AddAcmeEvent({0, "order", "b.test,a.test", "", false, 1}).code(), Code::kInvalidArgument);
  // An account-wide rate limit has no names.
  EXPECT_TRUE(store->AddAcmeEvent({0, "rate_limited", "", "", false, 1}).ok());
  EXPECT_EQ(store->ListAcmeEvents(0)->size(), 1u);
}

TEST(SqliteStoreTest, CustomDomainHostIsUniqueAcrossInstances) {
  auto store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->InsertInstance(SampleInstance("acme")).ok());
  ASSERT_TRUE(store->InsertInstance(SampleInstance("other")).ok());
  ASSERT_TRUE(store->AddCustomDomain({"acme", "shop.acme.com", 5}).ok());
  auto again = store->AddCustomDomain({"acme", "shop.acme.com", 6});
  EXPECT_EQ(again.code(), Code::kAlreadyExists);
  EXPECT_NE(again.message().find("shop.acme.com"), std::string::npos);
  EXPECT_EQ(store->AddCustomDomain({"other", "shop.acme.com", 6}).code(), Code::kAlreadyExists);
  auto list = store->ListCustomDomains("");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].subdomain, "acme");
  EXPECT_EQ((*list)[0].host, "shop.acme.com");
  EXPECT_EQ((*list)[0].created_ms, 5);
}

TEST(SqliteStoreTest, CustomDomainNeedsAnExistingInstanceAndALowerCaseHost) {
  auto store = OpenOrDie(":memory:");
  EXPECT_EQ(store->AddCustomDomain({"ghost", "shop.acme.com", 1}).code(), Code::kNotFound);
  ASSERT_TRUE(store->InsertInstance(SampleInstance("acme")).ok());
  EXPECT_EQ(store->AddCustomDomain({"acme", "", 1}).code(), Code::kInvalidArgument);
  EXPECT_EQ(store->AddCustomDomain({"acme", "Shop.acme.com", 1}).code(), Code::kInvalidArgument);
  EXPECT_TRUE(store->ListCustomDomains("")->empty());
}

TEST(SqliteStoreTest, RemoveCustomDomainFreesTheHostAndMissingIsNotFound) {
  auto store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->InsertInstance(SampleInstance("acme")).ok());
  ASSERT_TRUE(store->InsertInstance(SampleInstance("other")).ok());
  EXPECT_EQ(store->RemoveCustomDomain("shop.acme.com").code(), Code::kNotFound);
  ASSERT_TRUE(store->AddCustomDomain({"acme", "shop.acme.com", 1}).ok());
  ASSERT_TRUE(store->RemoveCustomDomain("shop.acme.com").ok());
  EXPECT_EQ(store->RemoveCustomDomain("shop.acme.com").code(), Code::kNotFound);
  EXPECT_TRUE(store->AddCustomDomain({"other", "shop.acme.com", 2}).ok());
}

TEST(SqliteStoreTest, ListCustomDomainsFiltersByInstanceAndIsOrderedByHost) {
  auto store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->InsertInstance(SampleInstance("acme")).ok());
  ASSERT_TRUE(store->InsertInstance(SampleInstance("other")).ok());
  ASSERT_TRUE(store->AddCustomDomain({"acme", "www.acme.com", 1}).ok());
  ASSERT_TRUE(store->AddCustomDomain({"other", "data.other.org", 2}).ok());
  ASSERT_TRUE(store->AddCustomDomain({"acme", "app.acme.com", 3}).ok());
  auto all = store->ListCustomDomains("");
  ASSERT_TRUE(all.ok());
  std::vector<std::string> hosts;
  for (const CustomDomain& d : *all) hosts.push_back(d.host);
  EXPECT_EQ(hosts, (std::vector<std::string>{"app.acme.com", "data.other.org", "www.acme.com"}));
  auto acme = store->ListCustomDomains("acme");
  ASSERT_TRUE(acme.ok());
  ASSERT_EQ(acme->size(), 2u);
  EXPECT_EQ((*acme)[0].host, "app.acme.com");
  EXPECT_EQ((*acme)[1].host, "www.acme.com");
  EXPECT_TRUE(store->ListCustomDomains("nobody")->empty());
}

TEST(SqliteStoreTest, DeleteInstanceRemovesItsCustomDomainsOnly) {
  auto store = OpenOrDie(":memory:");
  ASSERT_TRUE(store->InsertInstance(SampleInstance("acme")).ok());
  ASSERT_TRUE(store->InsertInstance(SampleInstance("other")).ok());
  ASSERT_TRUE(store->AddCustomDomain({"acme", "shop.acme.com", 1}).ok());
  ASSERT_TRUE(store->AddCustomDomain({"other", "data.other.org", 2}).ok());
  ASSERT_TRUE(store->DeleteInstance("acme").ok());
  EXPECT_TRUE(store->ListCustomDomains("acme")->empty());
  EXPECT_EQ(store->ListCustomDomains("other")->size(), 1u);
  // The host is free again, for a new instance of the same name too.
  ASSERT_TRUE(store->InsertInstance(SampleInstance("acme")).ok());
  EXPECT_TRUE(store->AddCustomDomain({"acme", "shop.acme.com", 3}).ok());
}

TEST(SqliteStoreTest, TakeNumberNeverGivesANumberTwiceAcrossConnections) {
  TempDir dir;
  const std::string path = dir.File("md.db");
  auto a = OpenOrDie(path);
  auto b = OpenOrDie(path);
  EXPECT_EQ(*a->TakeNumber("next_uid", 2000000), 2000000);
  EXPECT_EQ(*b->TakeNumber("next_uid", 2000000), 2000001);
  EXPECT_EQ(*a->TakeNumber("next_uid", 100), 2000002) << "a lower floor never takes it back";
  EXPECT_EQ(*a->TakeNumber("next_uid", 3000000), 3000000) << "a higher floor moves it up";
  std::set<int64_t> seen;
  std::mutex mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      SqliteStore& store = t % 2 ? *a : *b;
      for (int i = 0; i < 25; ++i) {
        auto n = store.TakeNumber("next_uid", 0);
        ASSERT_TRUE(n.ok());
        std::lock_guard lock(mu);
        EXPECT_TRUE(seen.insert(*n).second) << *n << " given twice";
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(*seen.rbegin(), 3000100);
}

TEST(SqliteStoreTest, UpgradesAVersion1DatabaseKeepingItsData) {
  TempDir dir;
  const std::string path = dir.File("md.db");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    std::vector<Migration> v1 = {StoreMigrations().front()};
    ASSERT_TRUE(ApplyMigrations(db, v1).ok());
    sqlite3_close(db);
  }
  RawExec(path,
          "INSERT INTO instances VALUES ('acme','Ada','ada@example.com','meltano','2.19.1','running','pg-1',"
          "'md_acme','md_acme_role','md-acme',41234,1,2)");
  RawExec(path,
          "INSERT INTO instances VALUES ('gone','Bo','bo@example.com','meltano','2.19.1','deleting','pg-1',"
          "'md_gone','md_gone','md-gone',41235,1,2)");
  RawExec(path, "INSERT INTO ledger (subdomain, kind, ref, created_ms) VALUES ('acme','port','41234',1)");
  ASSERT_EQ(RawQueryText(path, "PRAGMA user_version"), "1");
  auto store = OpenOrDie(path);
  EXPECT_EQ(RawQueryText(path, "PRAGMA user_version"), std::to_string(LatestStoreSchemaVersion()));
  ASSERT_TRUE(store->GetInstance("acme").ok());
  EXPECT_EQ(store->GetInstance("acme")->uid, 0) << "not allocated yet";
  EXPECT_EQ(store->GetInstance("acme")->limits.memory_mb, 0) << "the profile's";
  // The port's row is gone; each instance not being deleted keeps its route.
  auto ledger = store->ListLedger("");
  ASSERT_TRUE(ledger.ok()) << ledger.status().message();
  ASSERT_EQ(ledger->size(), 1u);
  EXPECT_EQ(ledger->at(0).subdomain, "acme");
  EXPECT_EQ(ledger->at(0).kind, ResourceKind::kRoute);
  EXPECT_EQ(ledger->at(0).ref, "acme");
  EXPECT_TRUE(store->AddCustomDomain({"acme", "shop.acme.com", 1}).ok());
  EXPECT_TRUE(store->UpsertCertificate(SampleCert("shop.acme.com")).ok());
  EXPECT_TRUE(store->AddAcmeEvent({0, "order", "shop.acme.com", "", false, 1}).ok());
}

// The bytes of a file, or "" if it is absent.
std::string FileBytes(const std::string& path) {
  auto text = ReadFile(path);
  return text.ok() ? *text : "";
}

TEST(SqliteStoreTest, SealsSecretsAnOlderVersionKeptInClearAndLeavesNoCopy) {
  TempDir dir;
  const std::string path = dir.File("md.db");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    std::vector<Migration> v4(StoreMigrations().begin(), StoreMigrations().begin() + 4);
    ASSERT_TRUE(ApplyMigrations(db, v4).ok());
    sqlite3_close(db);
  }
  RawExec(path, "INSERT INTO secrets VALUES ('acme','md:db_password','clear-pw-4f1d9a'),('acme','API','clear-key-77e0')");
  ASSERT_NE(FileBytes(path).find("clear-pw-4f1d9a"), std::string::npos) << "the test needs the clear text on disk";
  auto store = OpenOrDie(path);
  EXPECT_TRUE(store->GetSecrets("acme")->empty()) << "clear values are never served as sealed ones";
  std::vector<std::string> seen;
  auto sealed = store->SealPlainSecrets([&](const std::string& sub, const std::string& key, const std::string& value)
                                            -> Result<std::string> {
    seen.push_back(sub + "/" + key);
    return "sealed(" + std::to_string(value.size()) + ")";
  });
  ASSERT_TRUE(sealed.ok()) << sealed.status().message();
  EXPECT_EQ(*sealed, 2);
  EXPECT_EQ(seen, (std::vector<std::string>{"acme/API", "acme/md:db_password"}));
  EXPECT_EQ(*store->GetSecrets("acme"), (EnvMap{{"API", "sealed(14)"}, {"md:db_password", "sealed(15)"}}));
  // Once done, nothing is left to seal; and no page of the file keeps a clear value.
  EXPECT_EQ(*store->SealPlainSecrets([](auto&, auto&, auto&) -> Result<std::string> { return Internal("called"); }), 0);
  for (const std::string& file : {path, path + "-wal"}) {
    std::string bytes = FileBytes(file);
    EXPECT_EQ(bytes.find("clear-pw-4f1d9a"), std::string::npos) << file;
    EXPECT_EQ(bytes.find("clear-key-77e0"), std::string::npos) << file;
  }
}

TEST(SqliteStoreTest, SealingFailureKeepsTheClearRowsForTheNextTry) {
  TempDir dir;
  const std::string path = dir.File("md.db");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    std::vector<Migration> v4(StoreMigrations().begin(), StoreMigrations().begin() + 4);
    ASSERT_TRUE(ApplyMigrations(db, v4).ok());
    sqlite3_close(db);
  }
  RawExec(path, "INSERT INTO secrets VALUES ('acme','API','k')");
  auto store = OpenOrDie(path);
  auto failed = store->SealPlainSecrets([](auto&, auto&, auto&) -> Result<std::string> { return Internal("no key"); });
  EXPECT_EQ(failed.status().code(), Code::kInternal);
  EXPECT_TRUE(store->GetSecrets("acme")->empty());
  auto sealed = store->SealPlainSecrets([](auto&, auto&, auto&) -> Result<std::string> { return std::string("s"); });
  EXPECT_EQ(*sealed, 1);
  EXPECT_EQ(*store->GetSecrets("acme"), (EnvMap{{"API", "s"}}));
}

TEST(SqliteStoreTest, AuditEventsListNewestFirstFilteredBySubdomainAndTime) {
  auto store = OpenOrDie(":memory:");
  for (int i = 1; i <= 5; ++i) {
    AuditEvent e{.at_ms = i * 1000,
                 .actor = "admin",
                 .action = "POST /v1/instances/" + std::string(i % 2 ? "acme" : "beta") + "/restart",
                 .subdomain = i % 2 ? "acme" : "beta",
                 .client = "127.0.0.1",
                 .status = 202,
                 .outcome = "ok"};
    ASSERT_TRUE(store->AddAuditEvent(e).ok());
  }
  auto all = store->ListAuditEvents({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ(all->front().at_ms, 5000);
  EXPECT_GT(all->front().id, 0);
  auto acme = store->ListAuditEvents({.subdomain = "acme", .since_ms = 2000});
  ASSERT_EQ(acme->size(), 2u);
  EXPECT_EQ(acme->at(0).at_ms, 5000);
  EXPECT_EQ(acme->at(1).at_ms, 3000);
  EXPECT_EQ(acme->at(1).client, "127.0.0.1");
  EXPECT_EQ(acme->at(1).status, 202);
  EXPECT_EQ(store->ListAuditEvents({.limit = 2})->size(), 2u);
}

}  // namespace
}  // namespace md
