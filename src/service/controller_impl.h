#pragma once
// ControllerImpl: the use cases behind the API. Validates input, makes the
// decisions that must be immediate (placement on a cluster, names),
// records desired state in the store, and submits operations to the Runner.
// Thread-safe: placement and admission are serialised by one mutex, changes
// of flags and secrets by another.

#include <mutex>

#include "api/controller.h"
#include "service/backup_steps.h"
#include "service/cert_manager.h"
#include "service/credentials.h"
#include "service/customer_mail.h"
#include "service/deps.h"
#include "service/env_policy.h"
#include "service/front_door.h"
#include "service/https_probe.h"
#include "service/metrics_collector.h"
#include "service/operator_accounts.h"
#include "service/resources/resources.h"
#include "service/tenant_steps.h"
#include "workflow/runner.h"

namespace md {

// The front door's parts the use cases read: the certificates, the local CA,
// and a probe of HTTPS through the proxy (verified against `trusted_roots`).
struct FrontDoorParts {
  FrontDoor& door;
  CertManager& certs;
  LocalCa& local_ca;
  HttpsProbe& probe;
  std::string trusted_roots;  // PEM file: the local CA's root and the ACME CA's roots
};

// What `show` and `known-hosts` tell of file access (FTP and SFTP at each
// instance's host). sftp_port 0: file access is off.
struct FileAccessSummary {
  int sftp_port = 0;
  int ftp_port = 0;
  std::vector<HostKeyInfo> host_keys;
};

struct ControllerOptions {
  int64_t backup_retention_ms = int64_t{7} * 24 * 3600 * 1000;
  FileAccessSummary file_access;
};

class ControllerImpl final : public Controller {
 public:
  ControllerImpl(ServiceDeps deps, TenantSteps& steps, BackupSteps& backups, Resources& resources,
                 FrontDoorParts front, Runner& runner, CustomerMail& mail,
                 ControllerOptions options);

  EventHub* Events() override { return d_.events; }
  MetricsSource* Metrics() override { return &metrics_; }
  Result<Operation> CreateInstance(const CreateRequest& request) override;
  Result<std::vector<Instance>> ListInstances() override;
  Result<InstancePage> ListInstancesPage(const InstanceQuery& query) override;
  Result<Instance> GetInstance(const std::string& subdomain) override;
  Result<InstanceStatusReport> GetStatus(const std::string& subdomain) override;
  Result<LogChunk> ReadLogs(const std::string& subdomain, int lines, const std::string& cursor) override;
  Result<std::vector<Operation>> Upgrade(const std::vector<std::string>& subdomains, bool all,
                                         const std::string& version) override;
  Result<EnvMap> ListFlags(const std::string& subdomain) override;
  Result<Operation> ChangeFlags(const std::string& subdomain, const EnvMap& set,
                                const std::vector<std::string>& unset) override;
  Result<std::vector<std::string>> ListSecretNames(const std::string& subdomain) override;
  Result<Operation> ChangeSecrets(const std::string& subdomain, const EnvMap& set,
                                  const std::vector<std::string>& unset) override;
  Result<std::vector<Credential>> ShowCredentials(const std::string& subdomain) override;
  Result<Operation> RotateCredentials(const std::string& subdomain, const std::string& kind) override;
  Result<Operation> ChangeLifecycle(const std::string& subdomain, Lifecycle action) override;
  Result<Operation> WipeDatabase(const std::string& subdomain) override;
  Result<Operation> SetLimits(const std::string& subdomain, const ResourceLimits& change) override;
  Result<Operation> DeleteInstance(const std::string& subdomain, bool backup) override;
  Result<Operation> BackupInstance(const std::string& subdomain) override;
  Result<std::vector<BackupInfo>> ListBackups(const std::string& subdomain) override;
  Result<Operation> Restore(const std::string& subdomain, const std::string& backup_id) override;
  Result<int> PruneBackups() override;
  Result<std::vector<Cluster>> ListClusters() override;
  Result<Cluster> AddCluster(const std::string& name, const std::string& url, int capacity) override;
  Result<Cluster> DrainCluster(const std::string& name) override;
  Status RemoveCluster(const std::string& name) override;
  Result<std::vector<Operation>> ListOperations(const std::string& subdomain, int limit) override;
  Result<Operation> GetOperation(int64_t id) override;
  Result<std::vector<DoctorFinding>> Doctor(bool fix) override;
  Result<std::vector<AuditEvent>> ListAudit(const AuditQuery& query) override;
  Result<std::vector<CertificateInfo>> ListCertificates() override;
  Result<std::string> LocalCaRootPem() override;
  Result<std::vector<CustomDomain>> ListDomains(const std::string& subdomain) override;
  Result<CustomDomain> AddDomain(const std::string& subdomain, const std::string& host) override;
  Status RemoveDomain(const std::string& subdomain, const std::string& host) override;
  Result<std::vector<SignupInfo>> ListSignups() override;
  Result<Operation> ResendWelcome(const std::string& subdomain) override;
  Result<std::vector<KnownHostLine>> KnownHosts(const std::string& subdomain) override;
  Result<OperatorInfo> AddOperator(const std::string& name, const std::string& password) override;
  Result<std::vector<OperatorInfo>> ListOperators() override;
  Status RemoveOperator(const std::string& name) override;
  Result<bool> CheckOperatorPassword(const std::string& name, const std::string& password) override;

 private:
  // The instance, or NotFound naming it; FailedPrecondition for one being
  // deleted (only a delete may be asked for again).
  Result<Instance> ExistingInstance(const std::string& subdomain);
  // `inst` as its readers see it: its public URL and file access filled in,
  // and `idle` if it runs but the waker has put its app to sleep.
  Instance AsShown(Instance inst);
  // Checks a request's fields and returns the version to install.
  Result<std::string> ValidateCreate(const CreateRequest& request);
  // Places a new instance (cluster, port, derived names); admission_mu_ held.
  Result<Instance> Place(const CreateRequest& request, const std::string& version);
  // Stores a new instance with fresh generated secrets, `flags`, and the
  // operation `kind` that makes it, in one transaction; then runs it.
  Result<Operation> Admit(const Instance& inst, const EnvMap& flags, const std::string& kind,
                          const std::string& params);
  Result<std::string> PickCluster();
  Status ValidateChanges(const EnvMap& set, const std::vector<std::string>& unset);
  // Sets and unsets flags or secrets (kind), then submits the operation that applies them.
  Result<Operation> ChangeEnv(const std::string& sub, EnvKind kind, const EnvMap& set,
                              const std::vector<std::string>& unset);

  ServiceDeps d_;
  TenantSteps& steps_;
  BackupSteps& backups_;
  Resources& resources_;
  FrontDoorParts front_;
  Runner& runner_;
  CustomerMail& mail_;
  ControllerOptions options_;
  const CredentialKinds credentials_;
  MetricsCollector metrics_;
  OperatorAccounts operators_;
  std::mutex admission_mu_;
  // Held while a change of flags or secrets is checked against the other
  // kind and stored, so that two changes cannot each pass and then clash.
  std::mutex env_mu_;
};

}  // namespace md
