#pragma once
// The controller's durable state: instances, clusters, operations with their
// step journals, the resource ledger, desired flags and sealed secrets,
// settings, certificates, ACME events, custom domains and the audit log.
// Implementations are thread-safe; every method is one transaction.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace md {

struct OperationCount {
  std::string kind;
  OperationState state = OperationState::kQueued;
  int64_t count = 0;
};

// Durations of one step name: le_counts[i] steps took at most bounds_ms[i].
struct StepHistogram {
  std::string step;
  std::vector<int64_t> le_counts;
  int64_t count = 0;
  int64_t sum_ms = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Instances. Insert fails with AlreadyExists if the subdomain is taken.
  virtual Status InsertInstance(const Instance& instance) = 0;
  // Inserts the instance, its secrets and flags, and the operation that will
  // provision it, all or nothing; returns the operation's id.
  virtual Result<int64_t> AdmitInstance(const Instance& instance, const EnvMap& secrets, const EnvMap& flags,
                                        const Operation& op) = 0;
  virtual Result<Instance> GetInstance(const std::string& subdomain) = 0;
  virtual Result<std::vector<Instance>> ListInstances() = 0;  // ordered by subdomain
  // The page `query` asks for, then by subdomain, and the number of matches.
  virtual Result<InstancePage> ListInstancesPage(const InstanceQuery& query) = 0;
  virtual Status UpdateInstance(const Instance& instance) = 0;  // NotFound if absent
  // Also removes its flags, secrets, ledger rows and custom domains.
  virtual Status DeleteInstance(const std::string& subdomain) = 0;

  // Clusters; `used` is filled in from the instances placed on each.
  virtual Status InsertCluster(const Cluster& cluster) = 0;
  virtual Result<Cluster> GetCluster(const std::string& name) = 0;
  virtual Result<std::vector<Cluster>> ListClusters() = 0;  // ordered by name
  virtual Status UpdateCluster(const Cluster& cluster) = 0;
  virtual Status DeleteCluster(const std::string& name) = 0;

  // Operations. Insert assigns `id` and persists `steps` as given.
  virtual Result<int64_t> InsertOperation(const Operation& op) = 0;
  virtual Result<Operation> GetOperation(int64_t id) = 0;
  // Newest first; empty subdomain means all; limit <= 0 means no limit.
  virtual Result<std::vector<Operation>> ListOperations(const std::string& subdomain, int limit) = 0;
  // Operations in the given states, oldest first.
  virtual Result<std::vector<Operation>> ListOperationsInState(const std::vector<OperationState>& states) = 0;
  // Updates state, error and timestamps (not steps).
  virtual Status UpdateOperation(const Operation& op) = 0;
  virtual Status UpdateStep(int64_t op_id, const StepRecord& step) = 0;  // matched by name
  // How many operations there are of each (kind, state), for metrics.
  virtual Result<std::vector<OperationCount>> CountOperations() = 0;
  // The durations of finished steps (done or failed) as one cumulative
  // histogram per step name over `bounds_ms` (ascending), for metrics.
  virtual Result<std::vector<StepHistogram>> StepDurations(const std::vector<int64_t>& bounds_ms) = 0;

  // Resource ledger. Add is idempotent on (kind, ref) and returns the row id.
  virtual Result<int64_t> AddLedger(const LedgerEntry& entry) = 0;
  virtual Result<std::vector<LedgerEntry>> ListLedger(const std::string& subdomain) = 0;  // "" = all
  virtual Status RemoveLedger(ResourceKind kind, const std::string& ref) = 0;

  // Desired configuration of an instance: flags (.env) and secrets. Secret
  // values are sealed by the vault (service/secrets.h); the store never sees
  // them in clear.
  virtual Result<EnvMap> GetFlags(const std::string& subdomain) = 0;
  virtual Status SetFlags(const std::string& subdomain, const EnvMap& set, const std::vector<std::string>& unset) = 0;
  virtual Result<EnvMap> GetSecrets(const std::string& subdomain) = 0;
  virtual Status SetSecrets(const std::string& subdomain, const EnvMap& set, const std::vector<std::string>& unset) = 0;
  // Secrets an older version stored in clear: each is replaced by
  // seal(subdomain, key, value) in one transaction, and the file is then
  // rewritten so that no page keeps the clear text. Returns how many.
  using SealFn = std::function<Result<std::string>(const std::string& subdomain, const std::string& key,
                                                   const std::string& value)>;
  virtual Result<int> SealPlainSecrets(const SealFn& seal) = 0;
  // How many sealed values the store holds (instance secrets, clusters' admin
  // URLs): while there is one, the vault key that sealed it must not be replaced.
  virtual Result<int64_t> CountSealedSecrets() = 0;

  // The audit log. Add assigns `id`.
  virtual Status AddAuditEvent(const AuditEvent& event) = 0;
  virtual Result<std::vector<AuditEvent>> ListAuditEvents(const AuditQuery& query) = 0;
  // Removes events with at_ms < before_ms; returns how many.
  virtual Result<int> PruneAuditEvents(int64_t before_ms) = 0;

  // Controller settings (small key/value pairs, e.g. the port range cursor).
  virtual Result<std::optional<std::string>> GetSetting(const std::string& key) = 0;
  virtual Status PutSetting(const std::string& key, const std::string& value) = 0;
  // A counter under settings `key` that never goes back: returns its value
  // (at least `floor`) and stores the next one, atomically, so two callers,
  // even in two processes, never get the same number.
  virtual Result<int64_t> TakeNumber(const std::string& key, int64_t floor) = 0;

  // Certificate ledger, keyed by `names` (JoinCertNames form, else
  // InvalidArgument). Upsert inserts or replaces every field but `id`, which is
  // assigned at the first insert and kept.
  virtual Status UpsertCertificate(const CertRecord& cert) = 0;
  virtual Result<CertRecord> GetCertificate(const std::string& names) = 0;  // NotFound if absent
  virtual Result<std::vector<CertRecord>> ListCertificates() = 0;           // ordered by names
  virtual Status DeleteCertificate(const std::string& names) = 0;           // absent is ok

  // What the ACME CA saw from us, for its rate limits (service/cert_budget.h).
  // Add assigns `id`; an unknown kind, or a failed_validation without host, is
  // InvalidArgument.
  virtual Status AddAcmeEvent(const AcmeEvent& event) = 0;
  // Events with at_ms >= since_ms, oldest first (by at_ms, then id).
  virtual Result<std::vector<AcmeEvent>> ListAcmeEvents(int64_t since_ms) = 0;
  // Removes events with at_ms < before_ms.
  virtual Status PruneAcmeEvents(int64_t before_ms) = 0;

  // Customers' own host names. A host is unique across all instances: Add
  // fails with AlreadyExists if it is taken, NotFound if the instance is absent,
  // InvalidArgument for an empty or not lower-case host.
  virtual Status AddCustomDomain(const CustomDomain& domain) = 0;
  virtual Status RemoveCustomDomain(const std::string& host) = 0;  // NotFound if absent
  // "" = all; ordered by host.
  virtual Result<std::vector<CustomDomain>> ListCustomDomains(const std::string& subdomain) = 0;

  // Signups. Insert assigns the id; AlreadyExists if the event id is known.
  virtual Result<int64_t> InsertSignup(const Signup& signup) = 0;
  virtual Result<Signup> GetSignupByEvent(const std::string& event_id) = 0;  // NotFound if absent
  virtual Status UpdateSignup(const Signup& signup) = 0;                      // by id
  virtual Result<std::vector<Signup>> ListSignups() = 0;                      // oldest first
  // Removes finished signups (provisioning or rejected, not "received") last
  // updated before before_ms; returns how many.
  virtual Result<int> PruneSignups(int64_t before_ms) = 0;

  // Operator accounts (the dashboard's sign-in). Insert: AlreadyExists if the
  // name is taken; Get and Delete: NotFound if absent. List: ordered by name.
  virtual Status InsertOperator(const OperatorAccount& account) = 0;
  virtual Result<OperatorAccount> GetOperator(const std::string& name) = 0;
  virtual Result<std::vector<OperatorAccount>> ListOperators() = 0;
  virtual Status DeleteOperator(const std::string& name) = 0;

  // Welcome emails, one per instance (gone with it).
  virtual Status PutWelcomeMail(const WelcomeMail& mail) = 0;
  virtual Result<WelcomeMail> GetWelcomeMail(const std::string& subdomain) = 0;  // NotFound if absent

  // Credential links. Replace drops the instance's other links in the same
  // transaction (an old link stops working); NotFound if the instance is absent.
  virtual Status ReplaceCredentialLink(const CredentialLink& link) = 0;
  // Drops the instance's links: after its passwords change, none shows them.
  virtual Status DropCredentialLinks(const std::string& subdomain) = 0;
  virtual Result<CredentialLink> GetCredentialLink(const std::string& token_hash) = 0;  // NotFound if absent
  // Marks the link shown at `now_ms` if it was not yet and has not expired;
  // returns whether this call did (only one caller ever gets true).
  virtual Result<bool> MarkCredentialLinkShown(const std::string& token_hash, int64_t now_ms) = 0;
};

}  // namespace md
