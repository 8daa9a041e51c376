#include "store/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <set>
#include <utility>

#include "core/strings.h"
#include "store/migrations.h"
#include "store/sqlite_error.h"

namespace md {

namespace {

constexpr int kBusyTimeoutMs = 5000;

using sqlite_internal::SqlError;

}  // namespace

namespace sqlite_internal {

// A cached prepared statement borrowed for one use: binds parameters left to
// right, steps, reads columns; resets and clears its bindings when destroyed.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept
      : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), next_(other.next_), bind_rc_(other.bind_rc_) {}
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() {
    if (stmt_ != nullptr) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }

  Statement& Text(const std::string& value) {
    return Check(sqlite3_bind_text(stmt_, next_++, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT));
  }
  Statement& Int(int64_t value) { return Check(sqlite3_bind_int64(stmt_, next_++, value)); }

  // True if a row is ready, false when done.
  Result<bool> Step() {
    if (bind_rc_ != SQLITE_OK) return SqlError(db_, bind_rc_, "bind");
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqlError(db_, rc, "step");
  }
  // Runs a statement that returns no rows.
  Status Run() {
    MD_ASSIGN_OR_RETURN(bool row, Step());
    if (row) return Internal("store: statement unexpectedly returned a row");
    return Status::Ok();
  }

  std::string ColText(int col) const {
    const unsigned char* text = sqlite3_column_text(stmt_, col);
    if (text == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }
  int64_t ColInt(int col) const { return sqlite3_column_int64(stmt_, col); }

 private:
  Statement& Check(int rc) {
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
    return *this;
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int next_ = 1;
  int bind_rc_ = SQLITE_OK;
};

}  // namespace sqlite_internal

namespace {

using sqlite_internal::Statement;

// Creates the database file if missing, with mode 0600, and tightens an
// existing one: it holds secrets and cluster admin URLs. SQLite gives the
// -wal and -shm files the same mode as the database.
Status SecureDatabaseFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Internal("store: cannot create " + path + ": " + strerror(errno));
  struct stat st {};
  Status s;
  if (fstat(fd, &st) != 0) {
    s = Internal("store: cannot stat " + path + ": " + strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    s = FailedPrecondition("store: " + path + " is not a regular file");
  } else if ((st.st_mode & 07777) != 0600 && fchmod(fd, 0600) != 0) {
    s = Internal("store: cannot set mode 0600 on " + path + ": " + strerror(errno));
  }
  close(fd);
  return s;
}

bool IsMemoryPath(const std::string& path) { return path == ":memory:" || path.empty(); }

// Desired flags and secrets: one key per row.
constexpr const char* kUpsertFlagSql =
    "INSERT INTO flags (subdomain, key, value) VALUES (?,?,?) "
    "ON CONFLICT(subdomain, key) DO UPDATE SET value = excluded.value";
constexpr const char* kDeleteFlagSql = "DELETE FROM flags WHERE subdomain = ? AND key = ?";
constexpr const char* kUpsertSecretSql =
    "INSERT INTO secrets (subdomain, key, value) VALUES (?,?,?) "
    "ON CONFLICT(subdomain, key) DO UPDATE SET value = excluded.value";
constexpr const char* kDeleteSecretSql = "DELETE FROM secrets WHERE subdomain = ? AND key = ?";

// Column lists and readers; the two must agree.
constexpr const char* kInstanceColumns =
    "subdomain, name, email, app, app_version, status, cluster, db_name, db_role, unix_user, "
    "created_ms, updated_ms, uid, memory_mb, pids, cpu_weight";

Result<Instance> ReadInstance(const Statement& st) {
  Instance i;
  i.subdomain = st.ColText(0);
  i.name = st.ColText(1);
  i.email = st.ColText(2);
  i.app = st.ColText(3);
  i.app_version = st.ColText(4);
  std::string status = st.ColText(5);
  if (!ParseInstanceStatus(status, &i.status)) {
    return Internal("store: instance " + i.subdomain + " has unknown status '" + status + "'");
  }
  i.cluster = st.ColText(6);
  i.db_name = st.ColText(7);
  i.db_role = st.ColText(8);
  i.unix_user = st.ColText(9);
  i.created_ms = st.ColInt(10);
  i.updated_ms = st.ColInt(11);
  i.uid = st.ColInt(12);
  i.limits.memory_mb = static_cast<int>(st.ColInt(13));
  i.limits.pids = static_cast<int>(st.ColInt(14));
  i.limits.cpu_weight = static_cast<int>(st.ColInt(15));
  return i;
}

constexpr const char* kClusterColumns =
    "c.name, c.admin_url, c.capacity, c.draining, c.embedded, "
    "(SELECT COUNT(*) FROM instances i WHERE i.cluster = c.name)";

Cluster ReadCluster(const Statement& st) {
  Cluster c;
  c.name = st.ColText(0);
  c.admin_url = st.ColText(1);
  c.capacity = static_cast<int>(st.ColInt(2));
  c.draining = st.ColInt(3) != 0;
  c.embedded = st.ColInt(4) != 0;
  c.used = static_cast<int>(st.ColInt(5));
  return c;
}

constexpr const char* kOperationColumns =
    "id, kind, subdomain, params, state, error, created_ms, started_ms, finished_ms";

Result<Operation> ReadOperation(const Statement& st) {
  Operation op;
  op.id = st.ColInt(0);
  op.kind = st.ColText(1);
  op.subdomain = st.ColText(2);
  op.params = st.ColText(3);
  std::string state = st.ColText(4);
  if (!ParseOperationState(state, &op.state)) {
    return Internal("store: operation " + std::to_string(op.id) + " has unknown state '" + state + "'");
  }
  op.error = st.ColText(5);
  op.created_ms = st.ColInt(6);
  op.started_ms = st.ColInt(7);
  op.finished_ms = st.ColInt(8);
  return op;
}

Result<StepRecord> ReadStep(const Statement& st, int64_t op_id) {
  StepRecord s;
  s.name = st.ColText(0);
  std::string state = st.ColText(1);
  if (!ParseStepState(state, &s.state)) {
    return Internal("store: step " + s.name + " of operation " + std::to_string(op_id) + " has unknown state '" +
                    state + "'");
  }
  s.attempts = static_cast<int>(st.ColInt(2));
  s.error = st.ColText(3);
  s.started_ms = st.ColInt(4);
  s.finished_ms = st.ColInt(5);
  return s;
}

constexpr const char* kCertificateColumns =
    "id, names, purpose, subdomain, issuer, source, not_before_ms, not_after_ms, cert_path, key_path, "
    "next_order_ms, last_error, updated_ms";

CertRecord ReadCertificate(const Statement& st) {
  CertRecord c;
  c.id = st.ColInt(0);
  c.names = st.ColText(1);
  c.purpose = st.ColText(2);
  c.subdomain = st.ColText(3);
  c.issuer = st.ColText(4);
  c.source = st.ColText(5);
  c.not_before_ms = st.ColInt(6);
  c.not_after_ms = st.ColInt(7);
  c.cert_path = st.ColText(8);
  c.key_path = st.ColText(9);
  c.next_order_ms = st.ColInt(10);
  c.last_error = st.ColText(11);
  c.updated_ms = st.ColInt(12);
  return c;
}

// The identity of a certificate must already be in JoinCertNames form, so that
// one name set never has two rows.
Status CheckCertNames(const std::string& names) {
  if (names.empty()) return InvalidArgument("store: certificate has no names");
  if (JoinCertNames(SplitCertNames(names)) != names) {
    return InvalidArgument("store: certificate names '" + names + "' are not lower-case, sorted and comma-joined");
  }
  return Status::Ok();
}

bool IsAcmeEventKind(const std::string& kind) {
  return kind == "order" || kind == "issued" || kind == "failed_validation" || kind == "rate_limited";
}

std::string Sql(std::initializer_list<const char*> parts) {
  std::string sql;
  for (const char* p : parts) sql += p;
  return sql;
}

}  // namespace

// ---------------------------------------------------------------------------
// Connection, statements, transactions

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  const bool memory = IsMemoryPath(path);
  if (!memory) MD_RETURN_IF_ERROR(SecureDatabaseFile(path));

  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(memory ? ":memory:" : path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqlError(db, rc, "cannot open " + (memory ? std::string(":memory:") : path));
    sqlite3_close_v2(db);
    return s;
  }
  // From here the store owns `db` and closes it on every return.
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);

  std::lock_guard lock(store->mu_);
  MD_RETURN_IF_ERROR(store->Exec("PRAGMA foreign_keys = ON"));
  MD_RETURN_IF_ERROR(store->Exec("PRAGMA synchronous = FULL"));
  // Deleted rows (a removed instance's sealed secrets) are zeroed on disk.
  MD_RETURN_IF_ERROR(store->Exec("PRAGMA secure_delete = ON"));
  if (!memory) {
    MD_ASSIGN_OR_RETURN(Statement wal, store->Prepare("PRAGMA journal_mode = WAL"));
    MD_ASSIGN_OR_RETURN(bool row, wal.Step());
    std::string mode = row ? wal.ColText(0) : "";
    if (mode != "wal") return Internal("store: cannot switch " + path + " to WAL (journal mode is '" + mode + "')");
  }
  MD_RETURN_IF_ERROR(ApplyMigrations(db, StoreMigrations()).WithContext("opening " +
                                                                        (memory ? std::string(":memory:") : path)));
  return store;
}

SqliteStore::~SqliteStore() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<SqliteStore::Statement> SqliteStore::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                                nullptr);
    if (rc != SQLITE_OK) return SqlError(db_, rc, "prepare");
    it = cache_.emplace(sql, stmt).first;
  }
  return Statement(db_, it->second);
}

Status SqliteStore::Exec(const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqlError(db_, rc, sql);
  return Status::Ok();
}

template <typename Fn>
auto SqliteStore::Transact(bool write, Fn&& fn) -> decltype(fn()) {
  std::lock_guard lock(mu_);
  // IMMEDIATE takes the write lock up front (waiting up to the busy timeout), so a
  // writer never fails half-way on another connection's lock.
  MD_RETURN_IF_ERROR(Exec(write ? "BEGIN IMMEDIATE" : "BEGIN"));
  auto result = fn();
  Status end = result.ok() ? Exec("COMMIT") : Status::Ok();
  if (!result.ok() || !end.ok()) {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  if (!end.ok()) return end;
  return result;
}

// ---------------------------------------------------------------------------
// Instances

Status SqliteStore::InsertInstanceLocked(const Instance& in) {
  if (in.subdomain.empty()) return InvalidArgument("store: instance has no subdomain");
  MD_ASSIGN_OR_RETURN(Statement st, Prepare(Sql({"INSERT INTO instances (", kInstanceColumns,
                                                 ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                                                 "ON CONFLICT(subdomain) DO NOTHING"})));
  st.Text(in.subdomain).Text(in.name).Text(in.email).Text(in.app).Text(in.app_version);
  st.Text(InstanceStatusName(in.status)).Text(in.cluster).Text(in.db_name).Text(in.db_role).Text(in.unix_user);
  st.Int(in.created_ms).Int(in.updated_ms).Int(in.uid);
  st.Int(in.limits.memory_mb).Int(in.limits.pids).Int(in.limits.cpu_weight);
  MD_RETURN_IF_ERROR(st.Run());
  if (sqlite3_changes(db_) == 0) return AlreadyExists("instance " + in.subdomain + " already exists");
  return Status::Ok();
}

Status SqliteStore::InsertInstance(const Instance& in) {
  return Transact(true, [&]() -> Status { return InsertInstanceLocked(in); });
}

Result<int64_t> SqliteStore::AdmitInstance(const Instance& in, const EnvMap& secrets, const EnvMap& flags,
                                           const Operation& op) {
  return Transact(true, [&]() -> Result<int64_t> {
    MD_RETURN_IF_ERROR(InsertInstanceLocked(in));
    MD_RETURN_IF_ERROR(SetMapLocked(kUpsertSecretSql, kDeleteSecretSql, in.subdomain, secrets, {}));
    MD_RETURN_IF_ERROR(SetMapLocked(kUpsertFlagSql, kDeleteFlagSql, in.subdomain, flags, {}));
    return InsertOperationLocked(op);
  });
}

Result<Instance> SqliteStore::GetInstance(const std::string& subdomain) {
  return Transact(false, [&]() -> Result<Instance> {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare(Sql({"SELECT ", kInstanceColumns, " FROM instances WHERE subdomain = ?"})));
    st.Text(subdomain);
    MD_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("no instance " + subdomain);
    return ReadInstance(st);
  });
}

Result<std::vector<Instance>> SqliteStore::ListInstances() {
  return Transact(false, [&]() -> Result<std::vector<Instance>> {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare(Sql({"SELECT ", kInstanceColumns, " FROM instances ORDER BY subdomain"})));
    std::vector<Instance> out;
    while (true) {
      MD_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      MD_ASSIGN_OR_RETURN(Instance i, ReadInstance(st));
      out.push_back(std::move(i));
    }
    return out;
  });
}

Result<InstancePage> SqliteStore::ListInstancesPage(const InstanceQuery& query) {
  // The text is looked for with instr(), not LIKE: no character of it is a wildcard.
  static constexpr const char* kWhere =
      " FROM instances WHERE (?1 = '' OR status = ?1) AND (?2 = '' OR instr(lower(subdomain), ?2) > 0 OR "
      "instr(lower(name), ?2) > 0 OR instr(lower(email), ?2) > 0)";
  const char* column = "subdomain";
  switch (query.sort) {
    case InstanceQuery::Sort::kSubdomain: column = "subdomain"; break;
    case InstanceQuery::Sort::kName: column = "name"; break;
    case InstanceQuery::Sort::kStatus: column = "status"; break;
    case InstanceQuery::Sort::kApp: column = "app"; break;
    case InstanceQuery::Sort::kVersion: column = "app_version"; break;
    case InstanceQuery::Sort::kCluster: column = "cluster"; break;
    case InstanceQuery::Sort::kCreated: column = "created_ms"; break;
  }
  const char* direction = query.descending ? " DESC" : "";
  std::string text = AsciiLower(query.text);
  return Transact(false, [&]() -> Result<InstancePage> {
    InstancePage page;
    {
      MD_ASSIGN_OR_RETURN(Statement st, Prepare(Sql({"SELECT COUNT(*)", kWhere})));
      st.Text(query.status).Text(text);
      MD_ASSIGN_OR_RETURN(bool row, st.Step());
      if (row) page.total = st.ColInt(0);
    }
    MD_ASSIGN_OR_RETURN(Statement st, Prepare(Sql({"SELECT ", kInstanceColumns, kWhere, " ORDER BY ", column, direction,
                                                   ", subdomain", direction, " LIMIT ?3 OFFSET ?4"})));
    st.Text(query.status).Text(text).Int(query.limit > 0 ? query.limit : -1).Int(query.offset);
    while (true) {
      MD_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      MD_ASSIGN_OR_RETURN(Instance i, ReadInstance(st));
      page.instances.push_back(std::move(i));
    }
    return page;
  });
}

Status SqliteStore::UpdateInstance(const Instance& in) {
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(Statement st,
                        Prepare("UPDATE instances SET name = ?, email = ?, app = ?, app_version = ?, status = ?, "
                                "cluster = ?, db_name = ?, db_role = ?, unix_user = ?, created_ms = ?, "
                                "updated_ms = ?, uid = ?, memory_mb = ?, pids = ?, cpu_weight = ? WHERE subdomain = ?"));
    st.Text(in.name).Text(in.email).Text(in.app).Text(in.app_version).Text(InstanceStatusName(in.status));
    st.Text(in.cluster).Text(in.db_name).Text(in.db_role).Text(in.unix_user);
    st.Int(in.created_ms).Int(in.updated_ms).Int(in.uid);
    st.Int(in.limits.memory_mb).Int(in.limits.pids).Int(in.limits.cpu_weight).Text(in.subdomain);
    MD_RETURN_IF_ERROR(st.Run());
    if (sqlite3_changes(db_) == 0) return NotFound("no instance " + in.subdomain);
    return Status::Ok();
  });
}

Status SqliteStore::DeleteInstance(const std::string& subdomain) {
  return Transact(true, [&]() -> Status {
    {
      MD_ASSIGN_OR_RETURN(Statement st, Prepare("DELETE FROM instances WHERE subdomain = ?"));
      MD_RETURN_IF_ERROR(st.Text(subdomain).Run());
      if (sqlite3_changes(db_) == 0) return NotFound("no instance " + subdomain);
    }
    // Operations stay: they are the instance's history.
    for (const char* sql :
         {"DELETE FROM flags WHERE subdomain = ?", "DELETE FROM secrets WHERE subdomain = ?",
          "DELETE FROM plain_secrets WHERE subdomain = ?", "DELETE FROM ledger WHERE subdomain = ?",
          "DELETE FROM custom_domains WHERE subdomain = ?"}) {
      MD_ASSIGN_OR_RETURN(Statement st, Prepare(sql));
      MD_RETURN_IF_ERROR(st.Text(subdomain).Run());
    }
    return Status::Ok();
  });
}

// ---------------------------------------------------------------------------
// Clusters

Status SqliteStore::InsertCluster(const Cluster& c) {
  if (c.name.empty()) return InvalidArgument("store: cluster has no name");
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("INSERT INTO clusters (name, admin_url, capacity, draining, embedded) "
                                              "VALUES (?,?,?,?,?) ON CONFLICT(name) DO NOTHING"));
    st.Text(c.name).Text(c.admin_url).Int(c.capacity).Int(c.draining ? 1 : 0).Int(c.embedded ? 1 : 0);
    MD_RETURN_IF_ERROR(st.Run());
    if (sqlite3_changes(db_) == 0) return AlreadyExists("cluster " + c.name + " already exists");
    return Status::Ok();
  });
}

Result<Cluster> SqliteStore::GetCluster(const std::string& name) {
  return Transact(false, [&]() -> Result<Cluster> {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare(Sql({"SELECT ", kClusterColumns, " FROM clusters c WHERE c.name = ?"})));
    st.Text(name);
    MD_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("no cluster " + name);
    return ReadCluster(st);
  });
}

Result<std::vector<Cluster>> SqliteStore::ListClusters() {
  return Transact(false, [&]() -> Result<std::vector<Cluster>> {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare(Sql({"SELECT ", kClusterColumns, " FROM clusters c ORDER BY c.name"})));
    std::vector<Cluster> out;
    while (true) {
      MD_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadCluster(st));
    }
    return out;
  });
}

Status SqliteStore::UpdateCluster(const Cluster& c) {
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("UPDATE clusters SET admin_url = ?, capacity = ?, draining = ?, "
                                              "embedded = ? WHERE name = ?"));
    st.Text(c.admin_url).Int(c.capacity).Int(c.draining ? 1 : 0).Int(c.embedded ? 1 : 0).Text(c.name);
    MD_RETURN_IF_ERROR(st.Run());
    if (sqlite3_changes(db_) == 0) return NotFound("no cluster " + c.name);
    return Status::Ok();
  });
}

Status SqliteStore::DeleteCluster(const std::string& name) {
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("DELETE FROM clusters WHERE name = ?"));
    MD_RETURN_IF_ERROR(st.Text(name).Run());
    if (sqlite3_changes(db_) == 0) return NotFound("no cluster " + name);
    return Status::Ok();
  });
}

// ---------------------------------------------------------------------------
// Operations

Result<int64_t> SqliteStore::InsertOperationLocked(const Operation& op) {
  std::set<std::string> names;
  for (const StepRecord& s : op.steps) {
    if (!names.insert(s.name).second) {
      return InvalidArgument("store: operation " + op.kind + " has step " + s.name + " twice");
    }
  }
  int64_t id = 0;
  {
    MD_ASSIGN_OR_RETURN(Statement st,
                        Prepare("INSERT INTO operations (kind, subdomain, params, state, error, created_ms, "
                                "started_ms, finished_ms) VALUES (?,?,?,?,?,?,?,?)"));
    st.Text(op.kind).Text(op.subdomain).Text(op.params).Text(OperationStateName(op.state)).Text(op.error);
    st.Int(op.created_ms).Int(op.started_ms).Int(op.finished_ms);
    MD_RETURN_IF_ERROR(st.Run());
    id = sqlite3_last_insert_rowid(db_);
  }
  for (size_t pos = 0; pos < op.steps.size(); ++pos) {
    const StepRecord& s = op.steps[pos];
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("INSERT INTO operation_steps (op_id, position, name, state, "
                                              "attempts, error, started_ms, finished_ms) VALUES (?,?,?,?,?,?,?,?)"));
    st.Int(id).Int(static_cast<int64_t>(pos)).Text(s.name).Text(StepStateName(s.state)).Int(s.attempts);
    st.Text(s.error).Int(s.started_ms).Int(s.finished_ms);
    MD_RETURN_IF_ERROR(st.Run());
  }
  return id;
}

Result<int64_t> SqliteStore::InsertOperation(const Operation& op) {
  return Transact(true, [&]() -> Result<int64_t> { return InsertOperationLocked(op); });
}

Result<std::vector<StepRecord>> SqliteStore::LoadSteps(int64_t op_id) {
  MD_ASSIGN_OR_RETURN(Statement st, Prepare("SELECT name, state, attempts, error, started_ms, finished_ms "
                                            "FROM operation_steps WHERE op_id = ? ORDER BY position"));
  st.Int(op_id);
  std::vector<StepRecord> steps;
  while (true) {
    MD_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    MD_ASSIGN_OR_RETURN(StepRecord s, ReadStep(st, op_id));
    steps.push_back(std::move(s));
  }
  return steps;
}

// Reads every row of `stmt` (selecting kOperationColumns), then each one's steps.
Result<std::vector<Operation>> SqliteStore::LoadOperations(Statement& stmt) {
  std::vector<Operation> ops;
  while (true) {
    MD_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    MD_ASSIGN_OR_RETURN(Operation op, ReadOperation(stmt));
    ops.push_back(std::move(op));
  }
  for (Operation& op : ops) {
    MD_ASSIGN_OR_RETURN(op.steps, LoadSteps(op.id));
  }
  return ops;
}

Result<Operation> SqliteStore::GetOperation(int64_t id) {
  return Transact(false, [&]() -> Result<Operation> {
    Operation op;
    {
      MD_ASSIGN_OR_RETURN(Statement st, Prepare(Sql({"SELECT ", kOperationColumns, " FROM operations WHERE id = ?"})));
      st.Int(id);
      MD_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return NotFound("no operation " + std::to_string(id));
      MD_ASSIGN_OR_RETURN(op, ReadOperation(st));
    }
    MD_ASSIGN_OR_RETURN(op.steps, LoadSteps(id));
    return op;
  });
}

Result<std::vector<Operation>> SqliteStore::ListOperations(const std::string& subdomain, int limit) {
  return Transact(false, [&]() -> Result<std::vector<Operation>> {
    // LIMIT -1 is no limit in SQLite.
    const int64_t bound = limit <= 0 ? -1 : limit;
    if (subdomain.empty()) {
      MD_ASSIGN_OR_RETURN(Statement st,
                          Prepare(Sql({"SELECT ", kOperationColumns, " FROM operations ORDER BY id DESC LIMIT ?"})));
      st.Int(bound);
      return LoadOperations(st);
    }
    MD_ASSIGN_OR_RETURN(Statement st, Prepare(Sql({"SELECT ", kOperationColumns,
                                                   " FROM operations WHERE subdomain = ? ORDER BY id DESC LIMIT ?"})));
    st.Text(subdomain).Int(bound);
    return LoadOperations(st);
  });
}

Result<std::vector<Operation>> SqliteStore::ListOperationsInState(const std::vector<OperationState>& states) {
  if (states.empty()) return std::vector<Operation>{};
  return Transact(false, [&]() -> Result<std::vector<Operation>> {
    // One placeholder per state; the values are bound.
    std::string sql = Sql({"SELECT ", kOperationColumns, " FROM operations WHERE state IN ("});
    for (size_t i = 0; i < states.size(); ++i) sql += i == 0 ? "?" : ",?";
    sql += ") ORDER BY id";
    MD_ASSIGN_OR_RETURN(Statement st, Prepare(sql));
    for (OperationState s : states) st.Text(OperationStateName(s));
    return LoadOperations(st);
  });
}

Status SqliteStore::UpdateOperation(const Operation& op) {
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("UPDATE operations SET state = ?, error = ?, started_ms = ?, "
                                              "finished_ms = ? WHERE id = ?"));
    st.Text(OperationStateName(op.state)).Text(op.error).Int(op.started_ms).Int(op.finished_ms).Int(op.id);
    MD_RETURN_IF_ERROR(st.Run());
    if (sqlite3_changes(db_) == 0) return NotFound("no operation " + std::to_string(op.id));
    return Status::Ok();
  });
}

Status SqliteStore::UpdateStep(int64_t op_id, const StepRecord& step) {
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("UPDATE operation_steps SET state = ?, attempts = ?, error = ?, "
                                              "started_ms = ?, finished_ms = ? WHERE op_id = ? AND name = ?"));
    st.Text(StepStateName(step.state)).Int(step.attempts).Text(step.error).Int(step.started_ms);
    st.Int(step.finished_ms).Int(op_id).Text(step.name);
    MD_RETURN_IF_ERROR(st.Run());
    if (sqlite3_changes(db_) == 0) {
      return NotFound("no step " + step.name + " in operation " + std::to_string(op_id));
    }
    return Status::Ok();
  });
}

Result<std::vector<OperationCount>> SqliteStore::CountOperations() {
  return Transact(false, [&]() -> Result<std::vector<OperationCount>> {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("SELECT kind, state, COUNT(*) FROM operations GROUP BY kind, state "
                                              "ORDER BY kind, state"));
    std::vector<OperationCount> counts;
    while (true) {
      MD_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      OperationCount c{.kind = st.ColText(0), .count = st.ColInt(2)};
      if (!ParseOperationState(st.ColText(1), &c.state)) return Internal("store: bad operation state " + st.ColText(1));
      counts.push_back(std::move(c));
    }
    return counts;
  });
}

Result<std::vector<StepHistogram>> SqliteStore::StepDurations(const std::vector<int64_t>& bounds_ms) {
  return Transact(false, [&]() -> Result<std::vector<StepHistogram>> {
    // One SUM per bound; the bounds are bound as values.
    std::string sql = "SELECT name, COUNT(*), SUM(d)";
    for (size_t i = 0; i < bounds_ms.size(); ++i) sql += ", SUM(d <= ?)";
    sql += " FROM (SELECT name, finished_ms - started_ms AS d FROM operation_steps"
           " WHERE state IN ('done', 'failed') AND started_ms > 0 AND finished_ms >= started_ms)"
           " GROUP BY name ORDER BY name";
    MD_ASSIGN_OR_RETURN(Statement st, Prepare(sql));
    for (int64_t b : bounds_ms) st.Int(b);
    std::vector<StepHistogram> out;
    while (true) {
      MD_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      StepHistogram h{.step = st.ColText(0), .count = st.ColInt(1), .sum_ms = st.ColInt(2)};
      for (size_t i = 0; i < bounds_ms.size(); ++i) h.le_counts.push_back(st.ColInt(static_cast<int>(3 + i)));
      out.push_back(std::move(h));
    }
    return out;
  });
}

// ---------------------------------------------------------------------------
// Resource ledger

Result<int64_t> SqliteStore::AddLedger(const LedgerEntry& e) {
  return Transact(true, [&]() -> Result<int64_t> {
    {
      MD_ASSIGN_OR_RETURN(Statement st, Prepare("SELECT id, subdomain FROM ledger WHERE kind = ? AND ref = ?"));
      st.Text(ResourceKindName(e.kind)).Text(e.ref);
      MD_ASSIGN_OR_RETURN(bool row, st.Step());
      if (row) {
        // Idempotent for its owner; another instance's resource is never handed over.
        if (st.ColText(1) != e.subdomain) {
          return AlreadyExists(std::string("ledger: ") + ResourceKindName(e.kind) + " " + e.ref +
                               " belongs to instance " + st.ColText(1));
        }
        return st.ColInt(0);
      }
    }
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("INSERT INTO ledger (subdomain, kind, ref, created_ms) VALUES (?,?,?,?)"));
    MD_RETURN_IF_ERROR(st.Text(e.subdomain).Text(ResourceKindName(e.kind)).Text(e.ref).Int(e.created_ms).Run());
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  });
}

Result<std::vector<LedgerEntry>> SqliteStore::ListLedger(const std::string& subdomain) {
  return Transact(false, [&]() -> Result<std::vector<LedgerEntry>> {
    const char* sql = subdomain.empty()
                          ? "SELECT id, subdomain, kind, ref, created_ms FROM ledger ORDER BY id"
                          : "SELECT id, subdomain, kind, ref, created_ms FROM ledger WHERE subdomain = ? ORDER BY id";
    MD_ASSIGN_OR_RETURN(Statement st, Prepare(sql));
    if (!subdomain.empty()) st.Text(subdomain);
    std::vector<LedgerEntry> out;
    while (true) {
      MD_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      LedgerEntry e;
      e.id = st.ColInt(0);
      e.subdomain = st.ColText(1);
      if (!ParseResourceKind(st.ColText(2), &e.kind)) return Internal("ledger: unknown kind '" + st.ColText(2) + "'");
      e.ref = st.ColText(3);
      e.created_ms = st.ColInt(4);
      out.push_back(std::move(e));
    }
    return out;
  });
}

Status SqliteStore::RemoveLedger(ResourceKind kind, const std::string& ref) {
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("DELETE FROM ledger WHERE kind = ? AND ref = ?"));
    return st.Text(ResourceKindName(kind)).Text(ref).Run();
  });
}

// ---------------------------------------------------------------------------
// Flags, secrets, settings

Result<EnvMap> SqliteStore::GetMap(const char* select_sql, const std::string& subdomain) {
  return Transact(false, [&]() -> Result<EnvMap> {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare(select_sql));
    st.Text(subdomain);
    EnvMap out;
    while (true) {
      MD_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out[st.ColText(0)] = st.ColText(1);
    }
    return out;
  });
}

Status SqliteStore::SetMapLocked(const char* upsert_sql, const char* delete_sql, const std::string& subdomain,
                                 const EnvMap& set, const std::vector<std::string>& unset) {
  for (const auto& [key, value] : set) {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare(upsert_sql));
    MD_RETURN_IF_ERROR(st.Text(subdomain).Text(key).Text(value).Run());
  }
  for (const std::string& key : unset) {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare(delete_sql));
    MD_RETURN_IF_ERROR(st.Text(subdomain).Text(key).Run());
  }
  return Status::Ok();
}

Result<EnvMap> SqliteStore::GetFlags(const std::string& subdomain) {
  return GetMap("SELECT key, value FROM flags WHERE subdomain = ?", subdomain);
}

Status SqliteStore::SetFlags(const std::string& subdomain, const EnvMap& set, const std::vector<std::string>& unset) {
  return Transact(true, [&]() -> Status {
    return SetMapLocked(kUpsertFlagSql, kDeleteFlagSql, subdomain, set, unset);
  });
}

Result<EnvMap> SqliteStore::GetSecrets(const std::string& subdomain) {
  return GetMap("SELECT key, value FROM secrets WHERE subdomain = ?", subdomain);
}

Status SqliteStore::SetSecrets(const std::string& subdomain, const EnvMap& set,
                               const std::vector<std::string>& unset) {
  return Transact(true, [&]() -> Status {
    return SetMapLocked(kUpsertSecretSql, kDeleteSecretSql, subdomain, set, unset);
  });
}

Result<int> SqliteStore::SealPlainSecrets(const SealFn& seal) {
  MD_ASSIGN_OR_RETURN(int sealed, Transact(true, [&]() -> Result<int> {
    struct Row {
      std::string subdomain, key, value;
    };
    std::vector<Row> rows;
    {
      MD_ASSIGN_OR_RETURN(Statement st, Prepare("SELECT subdomain, key, value FROM plain_secrets"));
      while (true) {
        MD_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        rows.push_back({st.ColText(0), st.ColText(1), st.ColText(2)});
      }
    }
    for (const Row& r : rows) {
      MD_ASSIGN_OR_RETURN(std::string value, seal(r.subdomain, r.key, r.value));
      MD_RETURN_IF_ERROR(SetMapLocked(kUpsertSecretSql, kDeleteSecretSql, r.subdomain, {{r.key, value}}, {}));
    }
    MD_RETURN_IF_ERROR(Exec("DELETE FROM plain_secrets"));
    return static_cast<int>(rows.size());
  }));
  if (sealed == 0) return 0;
  // Rewrites every page, then empties the WAL: no copy of a clear value is left.
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(Exec("VACUUM"));
  MD_RETURN_IF_ERROR(Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  return sealed;
}

Result<int64_t> SqliteStore::CountSealedSecrets() {
  return Transact(false, [&]() -> Result<int64_t> {
    // Instance secrets, and clusters' admin URLs once sealed (clear ones start "postgres").
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("SELECT (SELECT COUNT(*) FROM secrets) + (SELECT COUNT(*) FROM clusters "
                                              "WHERE admin_url NOT LIKE 'postgres%')"));
    MD_ASSIGN_OR_RETURN(bool row, st.Step());
    return row ? st.ColInt(0) : 0;
  });
}

Result<std::optional<std::string>> SqliteStore::GetSetting(const std::string& key) {
  return Transact(false, [&]() -> Result<std::optional<std::string>> {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("SELECT value FROM settings WHERE key = ?"));
    st.Text(key);
    MD_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<std::string>();
    return std::optional<std::string>(st.ColText(0));
  });
}

Status SqliteStore::PutSetting(const std::string& key, const std::string& value) {
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("INSERT INTO settings (key, value) VALUES (?,?) "
                                              "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    return st.Text(key).Text(value).Run();
  });
}

Result<int64_t> SqliteStore::TakeNumber(const std::string& key, int64_t floor) {
  return Transact(true, [&]() -> Result<int64_t> {
    MD_ASSIGN_OR_RETURN(Statement get, Prepare("SELECT value FROM settings WHERE key = ?"));
    get.Text(key);
    MD_ASSIGN_OR_RETURN(bool row, get.Step());
    int64_t next = row ? std::max(floor, static_cast<int64_t>(std::strtoll(get.ColText(0).c_str(), nullptr, 10))) : floor;
    MD_ASSIGN_OR_RETURN(Statement put, Prepare("INSERT INTO settings (key, value) VALUES (?,?) "
                                               "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    MD_RETURN_IF_ERROR(put.Text(key).Text(std::to_string(next + 1)).Run());
    return next;
  });
}

// ---------------------------------------------------------------------------
// Certificates

Status SqliteStore::UpsertCertificate(const CertRecord& c) {
  MD_RETURN_IF_ERROR(CheckCertNames(c.names));
  if (c.purpose != "wildcard" && c.purpose != "custom" && c.purpose != "instance" &&
      c.purpose != "controller") {
    return InvalidArgument("store: certificate " + c.names + " has unknown purpose '" + c.purpose + "'");
  }
  if (!c.source.empty() && c.source != "acme" && c.source != "local") {
    return InvalidArgument("store: certificate " + c.names + " has unknown source '" + c.source + "'");
  }
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(
        Statement st,
        Prepare("INSERT INTO certificates (names, purpose, subdomain, issuer, source, not_before_ms, not_after_ms, "
                "cert_path, key_path, next_order_ms, last_error, updated_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT(names) DO UPDATE SET purpose = excluded.purpose, subdomain = excluded.subdomain, "
                "issuer = excluded.issuer, source = excluded.source, not_before_ms = excluded.not_before_ms, "
                "not_after_ms = excluded.not_after_ms, cert_path = excluded.cert_path, "
                "key_path = excluded.key_path, next_order_ms = excluded.next_order_ms, "
                "last_error = excluded.last_error, updated_ms = excluded.updated_ms"));
    st.Text(c.names).Text(c.purpose).Text(c.subdomain).Text(c.issuer).Text(c.source);
    st.Int(c.not_before_ms).Int(c.not_after_ms).Text(c.cert_path).Text(c.key_path);
    st.Int(c.next_order_ms).Text(c.last_error).Int(c.updated_ms);
    return st.Run();
  });
}

Result<CertRecord> SqliteStore::GetCertificate(const std::string& names) {
  return Transact(false, [&]() -> Result<CertRecord> {
    MD_ASSIGN_OR_RETURN(Statement st,
                        Prepare(Sql({"SELECT ", kCertificateColumns, " FROM certificates WHERE names = ?"})));
    st.Text(names);
    MD_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("no certificate for " + names);
    return ReadCertificate(st);
  });
}

Result<std::vector<CertRecord>> SqliteStore::ListCertificates() {
  return Transact(false, [&]() -> Result<std::vector<CertRecord>> {
    MD_ASSIGN_OR_RETURN(Statement st,
                        Prepare(Sql({"SELECT ", kCertificateColumns, " FROM certificates ORDER BY names"})));
    std::vector<CertRecord> out;
    while (true) {
      MD_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadCertificate(st));
    }
    return out;
  });
}

Status SqliteStore::DeleteCertificate(const std::string& names) {
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("DELETE FROM certificates WHERE names = ?"));
    return st.Text(names).Run();
  });
}

// ---------------------------------------------------------------------------
// ACME events

Status SqliteStore::AddAcmeEvent(const AcmeEvent& e) {
  if (!IsAcmeEventKind(e.kind)) return InvalidArgument("store: unknown ACME event kind '" + e.kind + "'");
  if (e.kind == "failed_validation" && e.host.empty()) {
    return InvalidArgument("store: failed_validation event has no host");
  }
  if (!e.names.empty()) MD_RETURN_IF_ERROR(CheckCertNames(e.names));
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(Statement st,
                        Prepare("INSERT INTO acme_events (kind, names, host, renewal, at_ms) VALUES (?,?,?,?,?)"));
    return st.Text(e.kind).Text(e.names).Text(e.host).Int(e.renewal ? 1 : 0).Int(e.at_ms).Run();
  });
}

Result<std::vector<AcmeEvent>> SqliteStore::ListAcmeEvents(int64_t since_ms) {
  return Transact(false, [&]() -> Result<std::vector<AcmeEvent>> {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("SELECT id, kind, names, host, renewal, at_ms FROM acme_events "
                                              "WHERE at_ms >= ? ORDER BY at_ms, id"));
    st.Int(since_ms);
    std::vector<AcmeEvent> out;
    while (true) {
      MD_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      AcmeEvent e;
      e.id = st.ColInt(0);
      e.kind = st.ColText(1);
      e.names = st.ColText(2);
      e.host = st.ColText(3);
      e.renewal = st.ColInt(4) != 0;
      e.at_ms = st.ColInt(5);
      out.push_back(std::move(e));
    }
    return out;
  });
}

Status SqliteStore::PruneAcmeEvents(int64_t before_ms) {
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("DELETE FROM acme_events WHERE at_ms < ?"));
    return st.Int(before_ms).Run();
  });
}

// ---------------------------------------------------------------------------
// Custom domains

Status SqliteStore::AddCustomDomain(const CustomDomain& d) {
  if (d.host.empty()) return InvalidArgument("store: custom domain has no host");
  for (char c : d.host) {
    if (c >= 'A' && c <= 'Z') return InvalidArgument("store: custom domain " + d.host + " is not lower-case");
  }
  return Transact(true, [&]() -> Status {
    {
      MD_ASSIGN_OR_RETURN(Statement st, Prepare("SELECT 1 FROM instances WHERE subdomain = ?"));
      st.Text(d.subdomain);
      MD_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return NotFound("no instance " + d.subdomain);
    }
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("INSERT INTO custom_domains (host, subdomain, created_ms) "
                                              "VALUES (?,?,?) ON CONFLICT(host) DO NOTHING"));
    MD_RETURN_IF_ERROR(st.Text(d.host).Text(d.subdomain).Int(d.created_ms).Run());
    if (sqlite3_changes(db_) == 0) return AlreadyExists("custom domain " + d.host + " is already in use");
    return Status::Ok();
  });
}

Status SqliteStore::RemoveCustomDomain(const std::string& host) {
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("DELETE FROM custom_domains WHERE host = ?"));
    MD_RETURN_IF_ERROR(st.Text(host).Run());
    if (sqlite3_changes(db_) == 0) return NotFound("no custom domain " + host);
    return Status::Ok();
  });
}

Result<std::vector<CustomDomain>> SqliteStore::ListCustomDomains(const std::string& subdomain) {
  return Transact(false, [&]() -> Result<std::vector<CustomDomain>> {
    const char* sql = subdomain.empty()
                          ? "SELECT subdomain, host, created_ms FROM custom_domains ORDER BY host"
                          : "SELECT subdomain, host, created_ms FROM custom_domains WHERE subdomain = ? ORDER BY host";
    MD_ASSIGN_OR_RETURN(Statement st, Prepare(sql));
    if (!subdomain.empty()) st.Text(subdomain);
    std::vector<CustomDomain> out;
    while (true) {
      MD_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      CustomDomain d;
      d.subdomain = st.ColText(0);
      d.host = st.ColText(1);
      d.created_ms = st.ColInt(2);
      out.push_back(std::move(d));
    }
    return out;
  });
}

// ---------------------------------------------------------------------------
// Audit log

Status SqliteStore::AddAuditEvent(const AuditEvent& e) {
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("INSERT INTO audit_events (at_ms, actor, action, subdomain, client, "
                                              "status, outcome) VALUES (?,?,?,?,?,?,?)"));
    st.Int(e.at_ms).Text(e.actor).Text(e.action).Text(e.subdomain).Text(e.client).Int(e.status).Text(e.outcome);
    return st.Run();
  });
}

Result<std::vector<AuditEvent>> SqliteStore::ListAuditEvents(const AuditQuery& q) {
  return Transact(false, [&]() -> Result<std::vector<AuditEvent>> {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("SELECT id, at_ms, actor, action, subdomain, client, status, outcome "
                                              "FROM audit_events WHERE at_ms >= ? AND (? = '' OR subdomain = ?) "
                                              "ORDER BY at_ms DESC, id DESC LIMIT ?"));
    st.Int(q.since_ms).Text(q.subdomain).Text(q.subdomain).Int(q.limit > 0 ? q.limit : -1);
    std::vector<AuditEvent> out;
    while (true) {
      MD_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back({.id = st.ColInt(0),
                     .at_ms = st.ColInt(1),
                     .actor = st.ColText(2),
                     .action = st.ColText(3),
                     .subdomain = st.ColText(4),
                     .client = st.ColText(5),
                     .status = static_cast<int>(st.ColInt(6)),
                     .outcome = st.ColText(7)});
    }
    return out;
  });
}

Result<int> SqliteStore::PruneAuditEvents(int64_t before_ms) {
  return Transact(true, [&]() -> Result<int> {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("DELETE FROM audit_events WHERE at_ms < ?"));
    MD_RETURN_IF_ERROR(st.Int(before_ms).Run());
    return sqlite3_changes(db_);
  });
}

// ---------------------------------------------------------------------------
// Signups, welcome emails, credential links

namespace {

constexpr const char* kSignupColumns =
    "id, event_id, name, email, subdomain, state, instance, operation_id, error, client_address, created_ms, "
    "updated_ms, reason";

Signup ReadSignup(const Statement& st) {
  Signup s;
  s.id = st.ColInt(0);
  s.event_id = st.ColText(1);
  s.name = st.ColText(2);
  s.email = st.ColText(3);
  s.subdomain = st.ColText(4);
  s.state = st.ColText(5);
  s.instance = st.ColText(6);
  s.operation_id = st.ColInt(7);
  s.error = st.ColText(8);
  s.client_address = st.ColText(9);
  s.created_ms = st.ColInt(10);
  s.updated_ms = st.ColInt(11);
  s.reason = st.ColText(12);
  return s;
}

}  // namespace

Result<int64_t> SqliteStore::InsertSignup(const Signup& s) {
  if (s.event_id.empty()) return InvalidArgument("store: signup has no event id");
  return Transact(true, [&]() -> Result<int64_t> {
    MD_ASSIGN_OR_RETURN(Statement st,
                        Prepare("INSERT INTO signups (event_id, name, email, subdomain, state, instance, operation_id, "
                                "error, client_address, created_ms, updated_ms, reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
                                "ON CONFLICT(event_id) DO NOTHING"));
    MD_RETURN_IF_ERROR(st.Text(s.event_id).Text(s.name).Text(s.email).Text(s.subdomain).Text(s.state)
                           .Text(s.instance).Int(s.operation_id).Text(s.error).Text(s.client_address)
                           .Int(s.created_ms).Int(s.updated_ms).Text(s.reason).Run());
    if (sqlite3_changes(db_) == 0) return AlreadyExists("signup event " + s.event_id + " is already stored");
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  });
}

Result<Signup> SqliteStore::GetSignupByEvent(const std::string& event_id) {
  return Transact(false, [&]() -> Result<Signup> {
    MD_ASSIGN_OR_RETURN(Statement st,
                        Prepare(std::string("SELECT ") + kSignupColumns + " FROM signups WHERE event_id = ?"));
    st.Text(event_id);
    MD_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("no signup event " + event_id);
    return ReadSignup(st);
  });
}

Status SqliteStore::UpdateSignup(const Signup& s) {
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("UPDATE signups SET state = ?, instance = ?, operation_id = ?, "
                                              "error = ?, reason = ?, updated_ms = ? WHERE id = ?"));
    MD_RETURN_IF_ERROR(st.Text(s.state).Text(s.instance).Int(s.operation_id).Text(s.error).Text(s.reason)
                           .Int(s.updated_ms).Int(s.id).Run());
    if (sqlite3_changes(db_) == 0) return NotFound("no signup " + std::to_string(s.id));
    return Status::Ok();
  });
}

Result<std::vector<Signup>> SqliteStore::ListSignups() {
  return Transact(false, [&]() -> Result<std::vector<Signup>> {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare(std::string("SELECT ") + kSignupColumns + " FROM signups ORDER BY id"));
    std::vector<Signup> out;
    while (true) {
      MD_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadSignup(st));
    }
    return out;
  });
}

Result<int> SqliteStore::PruneSignups(int64_t before_ms) {
  return Transact(true, [&]() -> Result<int> {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("DELETE FROM signups WHERE updated_ms < ? AND state != 'received'"));
    MD_RETURN_IF_ERROR(st.Int(before_ms).Run());
    return sqlite3_changes(db_);
  });
}

Status SqliteStore::InsertOperator(const OperatorAccount& a) {
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("INSERT INTO operators (name, password_hash, created_ms) VALUES (?,?,?) "
                                              "ON CONFLICT(name) DO NOTHING"));
    MD_RETURN_IF_ERROR(st.Text(a.name).Text(a.password_hash).Int(a.created_ms).Run());
    if (sqlite3_changes(db_) == 0) return AlreadyExists("operator " + a.name + " already exists");
    return Status::Ok();
  });
}

Result<OperatorAccount> SqliteStore::GetOperator(const std::string& name) {
  return Transact(false, [&]() -> Result<OperatorAccount> {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("SELECT name, password_hash, created_ms FROM operators WHERE name = ?"));
    st.Text(name);
    MD_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("no operator " + name);
    return OperatorAccount{st.ColText(0), st.ColText(1), st.ColInt(2)};
  });
}

Result<std::vector<OperatorAccount>> SqliteStore::ListOperators() {
  return Transact(false, [&]() -> Result<std::vector<OperatorAccount>> {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("SELECT name, password_hash, created_ms FROM operators ORDER BY name"));
    std::vector<OperatorAccount> out;
    while (true) {
      MD_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back({st.ColText(0), st.ColText(1), st.ColInt(2)});
    }
    return out;
  });
}

Status SqliteStore::DeleteOperator(const std::string& name) {
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("DELETE FROM operators WHERE name = ?"));
    MD_RETURN_IF_ERROR(st.Text(name).Run());
    if (sqlite3_changes(db_) == 0) return NotFound("no operator " + name);
    return Status::Ok();
  });
}

Status SqliteStore::PutWelcomeMail(const WelcomeMail& m) {
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(Statement st,
                        Prepare("INSERT INTO welcome_mails (subdomain, state, attempts, error, sent_ms, updated_ms) "
                                "VALUES (?,?,?,?,?,?) ON CONFLICT(subdomain) DO UPDATE SET state = excluded.state, "
                                "attempts = excluded.attempts, error = excluded.error, sent_ms = excluded.sent_ms, "
                                "updated_ms = excluded.updated_ms"));
    Status s = st.Text(m.subdomain).Text(m.state).Int(m.attempts).Text(m.error).Int(m.sent_ms).Int(m.updated_ms).Run();
    if (!s.ok() && s.message().find("FOREIGN KEY") != std::string::npos) return NotFound("no instance " + m.subdomain);
    return s;
  });
}

Result<WelcomeMail> SqliteStore::GetWelcomeMail(const std::string& subdomain) {
  return Transact(false, [&]() -> Result<WelcomeMail> {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("SELECT subdomain, state, attempts, error, sent_ms, updated_ms "
                                              "FROM welcome_mails WHERE subdomain = ?"));
    st.Text(subdomain);
    MD_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("no welcome email for " + subdomain);
    WelcomeMail m;
    m.subdomain = st.ColText(0);
    m.state = st.ColText(1);
    m.attempts = static_cast<int>(st.ColInt(2));
    m.error = st.ColText(3);
    m.sent_ms = st.ColInt(4);
    m.updated_ms = st.ColInt(5);
    return m;
  });
}

Status SqliteStore::ReplaceCredentialLink(const CredentialLink& l) {
  return Transact(true, [&]() -> Status {
    {
      MD_ASSIGN_OR_RETURN(Statement st, Prepare("SELECT 1 FROM instances WHERE subdomain = ?"));
      st.Text(l.subdomain);
      MD_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return NotFound("no instance " + l.subdomain);
    }
    {
      MD_ASSIGN_OR_RETURN(Statement st, Prepare("DELETE FROM credential_links WHERE subdomain = ?"));
      MD_RETURN_IF_ERROR(st.Text(l.subdomain).Run());
    }
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("INSERT INTO credential_links (token_hash, subdomain, expires_ms, "
                                              "shown_ms, created_ms) VALUES (?,?,?,?,?)"));
    return st.Text(l.token_hash).Text(l.subdomain).Int(l.expires_ms).Int(l.shown_ms).Int(l.created_ms).Run();
  });
}

Status SqliteStore::DropCredentialLinks(const std::string& subdomain) {
  return Transact(true, [&]() -> Status {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("DELETE FROM credential_links WHERE subdomain = ?"));
    return st.Text(subdomain).Run();
  });
}

Result<CredentialLink> SqliteStore::GetCredentialLink(const std::string& token_hash) {
  return Transact(false, [&]() -> Result<CredentialLink> {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("SELECT token_hash, subdomain, expires_ms, shown_ms, created_ms "
                                              "FROM credential_links WHERE token_hash = ?"));
    st.Text(token_hash);
    MD_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("no such credential link");
    CredentialLink l;
    l.token_hash = st.ColText(0);
    l.subdomain = st.ColText(1);
    l.expires_ms = st.ColInt(2);
    l.shown_ms = st.ColInt(3);
    l.created_ms = st.ColInt(4);
    return l;
  });
}

Result<bool> SqliteStore::MarkCredentialLinkShown(const std::string& token_hash, int64_t now_ms) {
  return Transact(true, [&]() -> Result<bool> {
    MD_ASSIGN_OR_RETURN(Statement st, Prepare("UPDATE credential_links SET shown_ms = ? "
                                              "WHERE token_hash = ? AND shown_ms = 0 AND expires_ms > ?"));
    MD_RETURN_IF_ERROR(st.Int(now_ms).Text(token_hash).Int(now_ms).Run());
    return sqlite3_changes(db_) > 0;
  });
}

}  // namespace md
