#pragma once
// SqliteStore: the Store on one SQLite file (WAL, foreign keys, busy timeout),
// schema kept current by store/migrations.h at Open. Thread-safe: one connection
// guarded by a mutex; each method is one transaction. Owns its connection.

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "store/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace md {
namespace sqlite_internal {
class Statement;  // a cached prepared statement in use; defined in sqlite_store.cc
}  // namespace sqlite_internal

class SqliteStore final : public Store {
 public:
  // Opens (creating it with mode 0600, or tightening an existing file to 0600)
  // the database at `path` and applies missing migrations. ":memory:" gives a
  // private in-memory database. A database newer than this program is
  // FailedPrecondition.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Status InsertInstance(const Instance& instance) override;
  Result<int64_t> AdmitInstance(const Instance& instance, const EnvMap& secrets, const EnvMap& flags,
                                const Operation& op) override;
  Result<Instance> GetInstance(const std::string& subdomain) override;
  Result<std::vector<Instance>> ListInstances() override;
  Result<InstancePage> ListInstancesPage(const InstanceQuery& query) override;
  Status UpdateInstance(const Instance& instance) override;
  Status DeleteInstance(const std::string& subdomain) override;

  Status InsertCluster(const Cluster& cluster) override;
  Result<Cluster> GetCluster(const std::string& name) override;
  Result<std::vector<Cluster>> ListClusters() override;
  Status UpdateCluster(const Cluster& cluster) override;
  Status DeleteCluster(const std::string& name) override;

  Result<int64_t> InsertOperation(const Operation& op) override;
  Result<Operation> GetOperation(int64_t id) override;
  Result<std::vector<Operation>> ListOperations(const std::string& subdomain, int limit) override;
  Result<std::vector<Operation>> ListOperationsInState(const std::vector<OperationState>& states) override;
  Status UpdateOperation(const Operation& op) override;
  Status UpdateStep(int64_t op_id, const StepRecord& step) override;
  Result<std::vector<OperationCount>> CountOperations() override;
  Result<std::vector<StepHistogram>> StepDurations(const std::vector<int64_t>& bounds_ms) override;

  Result<int64_t> AddLedger(const LedgerEntry& entry) override;
  Result<std::vector<LedgerEntry>> ListLedger(const std::string& subdomain) override;
  Status RemoveLedger(ResourceKind kind, const std::string& ref) override;

  Result<EnvMap> GetFlags(const std::string& subdomain) override;
  Status SetFlags(const std::string& subdomain, const EnvMap& set, const std::vector<std::string>& unset) override;
  Result<EnvMap> GetSecrets(const std::string& subdomain) override;
  Status SetSecrets(const std::string& subdomain, const EnvMap& set, const std::vector<std::string>& unset) override;
  Result<int> SealPlainSecrets(const SealFn& seal) override;
  Result<int64_t> CountSealedSecrets() override;
  Status AddAuditEvent(const AuditEvent& event) override;
  Result<int> PruneAuditEvents(int64_t before_ms) override;
  Result<std::vector<AuditEvent>> ListAuditEvents(const AuditQuery& query) override;

  Result<std::optional<std::string>> GetSetting(const std::string& key) override;
  Status PutSetting(const std::string& key, const std::string& value) override;
  Result<int64_t> TakeNumber(const std::string& key, int64_t floor) override;

  Status UpsertCertificate(const CertRecord& cert) override;
  Result<CertRecord> GetCertificate(const std::string& names) override;
  Result<std::vector<CertRecord>> ListCertificates() override;
  Status DeleteCertificate(const std::string& names) override;

  Status AddAcmeEvent(const AcmeEvent& event) override;
  Result<std::vector<AcmeEvent>> ListAcmeEvents(int64_t since_ms) override;
  Status PruneAcmeEvents(int64_t before_ms) override;

  Status AddCustomDomain(const CustomDomain& domain) override;
  Status RemoveCustomDomain(const std::string& host) override;
  Result<std::vector<CustomDomain>> ListCustomDomains(const std::string& subdomain) override;

  Result<int64_t> InsertSignup(const Signup& signup) override;
  Result<Signup> GetSignupByEvent(const std::string& event_id) override;
  Status UpdateSignup(const Signup& signup) override;
  Result<std::vector<Signup>> ListSignups() override;
  Result<int> PruneSignups(int64_t before_ms) override;
  Status InsertOperator(const OperatorAccount& account) override;
  Result<OperatorAccount> GetOperator(const std::string& name) override;
  Result<std::vector<OperatorAccount>> ListOperators() override;
  Status DeleteOperator(const std::string& name) override;
  Status PutWelcomeMail(const WelcomeMail& mail) override;
  Result<WelcomeMail> GetWelcomeMail(const std::string& subdomain) override;
  Status ReplaceCredentialLink(const CredentialLink& link) override;
  Status DropCredentialLinks(const std::string& subdomain) override;
  Result<CredentialLink> GetCredentialLink(const std::string& token_hash) override;
  Result<bool> MarkCredentialLinkShown(const std::string& token_hash, int64_t now_ms) override;

 private:
  using Statement = sqlite_internal::Statement;

  explicit SqliteStore(sqlite3* db) : db_(db) {}

  // Runs `fn` inside BEGIN IMMEDIATE (write) or BEGIN (read) with mu_ held;
  // commits if it returns ok, rolls back otherwise.
  template <typename Fn>
  auto Transact(bool write, Fn&& fn) -> decltype(fn());
  // Returns the cached prepared statement for `sql`: SQL text and placeholders
  // only, never values. mu_ held.
  Result<Statement> Prepare(const std::string& sql);
  Status Exec(const char* sql);  // mu_ held
  Result<std::vector<StepRecord>> LoadSteps(int64_t op_id);  // mu_ held
  Result<std::vector<Operation>> LoadOperations(Statement& stmt);  // mu_ held
  Result<EnvMap> GetMap(const char* select_sql, const std::string& subdomain);
  // The bodies of the methods of the same name; mu_ held, inside a transaction.
  Status InsertInstanceLocked(const Instance& instance);
  Result<int64_t> InsertOperationLocked(const Operation& op);
  Status SetMapLocked(const char* upsert_sql, const char* delete_sql, const std::string& subdomain, const EnvMap& set,
                      const std::vector<std::string>& unset);

  std::mutex mu_;
  sqlite3* db_;                                             // guarded by mu_
  std::unordered_map<std::string, sqlite3_stmt*> cache_;  // guarded by mu_
};

}  // namespace md
