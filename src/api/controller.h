#pragma once
// Controller: the use cases of MeltanoData, one method per verb of the
// command line. The HTTP API calls these and nothing else. Long use cases
// (create, upgrade, flags/secrets changes, start/stop, wipe, delete) enqueue a
// durable Operation and return it at once; callers follow it through
// Events() (or GetOperation). Thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/metrics_source.h"
#include "core/event_hub.h"
#include "core/status.h"
#include "core/types.h"

namespace md {

struct CreateRequest {
  std::string subdomain;
  std::string email;
  std::string name;
  std::string app = "demo";
  std::string version;  // empty: the profile's default version
};

struct InstanceStatusReport {
  Instance instance;
  bool up = false;
  int pid = 0;
  int64_t uptime_s = 0;
  int health_code = 0;      // HTTP status of the health check; 0 if it did not answer
  std::string health_error; // why it did not answer
  // Through the front door: GET https://SUB.DOMAIN/<health path>, verified
  // against the certificate's issuer.
  std::string url;               // https://SUB.DOMAIN[:PORT]/
  int https_code = 0;            // 0 if it did not answer
  std::string https_error;
  std::string cert_issuer;       // of the certificate serving the instance
  int64_t cert_not_after_ms = 0;
  bool cert_trusted = false;     // from the ACME CA (false: the local CA's stand-in)
  // Usage against the kernel-enforced limits (the instance's cgroup); all 0
  // when the group is absent.
  int64_t memory_bytes = 0;
  int64_t memory_limit_bytes = 0;
  int64_t pids = 0;
  int64_t pids_limit = 0;
  int cpu_weight = 0;
  // The welcome email: "" (none), "pending", "sent" or "failed", and why the
  // last try failed.
  std::string welcome_state;
  std::string welcome_error;
};

// A certificate the front door serves, as `certs list` shows it.
struct CertificateInfo {
  std::vector<std::string> names;
  std::string purpose;    // "wildcard" (every instance) | "custom" (a custom domain)
  std::string subdomain;  // owner of a custom domain
  std::string issuer;
  bool trusted = false;   // issued by the ACME CA; false: a local-CA stand-in
  int64_t not_before_ms = 0;
  int64_t not_after_ms = 0;
  // When the trusted certificate will be ordered (a stand-in waiting for the
  // rate-limit budget) or renewed; 0 if nothing is planned.
  int64_t next_order_ms = 0;
  std::string last_error;  // why the last order failed, if it did
};

struct LogChunk {
  std::string text;
  std::string cursor;  // pass back to read only what was written since
};

struct DoctorFinding {
  std::string kind;       // "drift", "orphan", "missing"
  std::string subdomain;  // may be empty for orphans
  std::string resource;   // e.g. ".env", "secrets", "unix_user md-acme"
  std::string detail;
  bool fixed = false;
};

// A stored signup, as `signups list` shows it: `state` is "received",
// "rejected", or, once admitted, where its instance's create stands:
// "provisioning", "provisioned", "failed".
struct SignupInfo {
  Signup signup;
  std::string instance_status;  // the instance's status, "" if it has none (any more)
};

// An operator account as the API shows it: never its password or hash.
struct OperatorInfo {
  std::string name;
  int64_t created_ms = 0;
};

enum class Lifecycle { kStart, kStop, kRestart };

// One line of ~/.ssh/known_hosts: "HOSTS TYPE KEY".
struct KnownHostLine {
  std::string hosts;  // a pattern: "[*.example.com]:2022", or one host
  std::string type;
  std::string key;
};

// A checked backup of one instance, as `backups list` shows it.
struct BackupInfo {
  std::string id;
  std::string subdomain;
  int64_t created_ms = 0;
  std::string reason;  // "before delete", "before wipe-db", "before restore", "on demand"
  std::string app;
  std::string app_version;
  int64_t size_bytes = 0;
  bool has_files = false;  // an archive of the project folder beside the database dump
};

// One login of an instance, as `credentials show` gives it to an operator:
// the one answer of the API that carries a secret value.
struct Credential {
  std::string kind;      // "admin", "db", ... (service/credentials.h)
  std::string username;
  std::string password;
  std::string target;    // what it logs in to: the app's URL, the database
};

class Controller {
 public:
  virtual ~Controller() = default;

  virtual Result<Operation> CreateInstance(const CreateRequest& request) = 0;
  virtual Result<std::vector<Instance>> ListInstances() = 0;
  // The page of the instance list `query` asks for (filtered, sorted) and how many match in all.
  virtual Result<InstancePage> ListInstancesPage(const InstanceQuery& query) = 0;
  virtual Result<Instance> GetInstance(const std::string& subdomain) = 0;
  virtual Result<InstanceStatusReport> GetStatus(const std::string& subdomain) = 0;
  // The last `lines` lines of the app log and the service output; with a
  // cursor, only what was written since it.
  virtual Result<LogChunk> ReadLogs(const std::string& subdomain, int lines, const std::string& cursor) = 0;

  // Empty `subdomains` with all=true upgrades every instance.
  virtual Result<std::vector<Operation>> Upgrade(const std::vector<std::string>& subdomains, bool all,
                                                 const std::string& version) = 0;
  virtual Result<EnvMap> ListFlags(const std::string& subdomain) = 0;
  // A name set as a flag must match the profile's `flags`; neither a flag nor
  // a secret may take a name the platform sets (InvalidArgument) or one of the
  // other kind already set on the instance (AlreadyExists). See env_policy.h.
  virtual Result<Operation> ChangeFlags(const std::string& subdomain, const EnvMap& set,
                                        const std::vector<std::string>& unset) = 0;
  virtual Result<std::vector<std::string>> ListSecretNames(const std::string& subdomain) = 0;
  virtual Result<Operation> ChangeSecrets(const std::string& subdomain, const EnvMap& set,
                                          const std::vector<std::string>& unset) = 0;
  // The instance's credentials in clear, for an operator (the API audits
  // every call). A kind whose secret the instance does not have is left out.
  virtual Result<std::vector<Credential>> ShowCredentials(const std::string& subdomain) = 0;
  // New values of credential `kind` ("" = every kind), set everywhere they
  // are used (vault, secret files, database role, the app), data kept.
  virtual Result<Operation> RotateCredentials(const std::string& subdomain, const std::string& kind) = 0;
  virtual Result<Operation> ChangeLifecycle(const std::string& subdomain, Lifecycle action) = 0;
  virtual Result<Operation> WipeDatabase(const std::string& subdomain) = 0;
  // Changes the instance's overrides of its profile's resource limits: a
  // field -1 is kept, 0 goes back to the profile's. Applied live.
  virtual Result<Operation> SetLimits(const std::string& subdomain, const ResourceLimits& change) = 0;
  // With `backup`, a checked backup is taken first and the delete happens
  // only if it succeeded.
  virtual Result<Operation> DeleteInstance(const std::string& subdomain, bool backup) = 0;

  virtual Result<Operation> BackupInstance(const std::string& subdomain) = 0;
  // Newest first; every subdomain's (deleted ones' too) when `subdomain` is empty.
  virtual Result<std::vector<BackupInfo>> ListBackups(const std::string& subdomain) = 0;
  // Restores backup `backup_id` (empty: the newest) of `subdomain`: into the
  // instance if it exists (after backing up its current state), else as the
  // instance again; with the backup's secrets (fresh ones if it has none).
  virtual Result<Operation> Restore(const std::string& subdomain, const std::string& backup_id) = 0;
  // Removes backups older than the retention period; returns how many.
  virtual Result<int> PruneBackups() = 0;

  virtual Result<std::vector<Cluster>> ListClusters() = 0;
  virtual Result<Cluster> AddCluster(const std::string& name, const std::string& url, int capacity) = 0;
  virtual Result<Cluster> DrainCluster(const std::string& name) = 0;
  virtual Status RemoveCluster(const std::string& name) = 0;

  virtual Result<std::vector<Operation>> ListOperations(const std::string& subdomain, int limit) = 0;
  virtual Result<Operation> GetOperation(int64_t id) = 0;

  virtual Result<std::vector<DoctorFinding>> Doctor(bool fix) = 0;

  // The audit log, newest first (see core/audit.h).
  virtual Result<std::vector<AuditEvent>> ListAudit(const AuditQuery& query) = 0;

  // The front door: certificates, the local CA clients may trust, and
  // customers' own host names (each gets its own certificate, HTTP-01).
  virtual Result<std::vector<CertificateInfo>> ListCertificates() = 0;
  virtual Result<std::string> LocalCaRootPem() = 0;
  virtual Result<std::vector<CustomDomain>> ListDomains(const std::string& subdomain) = 0;  // "" = all
  // Routes `host` to the instance at once, served with a local-CA stand-in
  // until its trusted certificate is issued (in the background).
  virtual Result<CustomDomain> AddDomain(const std::string& subdomain, const std::string& host) = 0;
  virtual Status RemoveDomain(const std::string& subdomain, const std::string& host) = 0;

  // Every signup the webhook stored, oldest first, with what became of it.
  virtual Result<std::vector<SignupInfo>> ListSignups() = 0;
  // Sends the welcome email again with a fresh credential link (the old link
  // stops working).
  virtual Result<Operation> ResendWelcome(const std::string& subdomain) = 0;
  // File access: the SFTP server's host keys as known_hosts lines, for the
  // host of instance `subdomain`, or ("") for every instance's host.
  // FailedPrecondition when file access is off.
  virtual Result<std::vector<KnownHostLine>> KnownHosts(const std::string& subdomain) = 0;

  // Operator accounts, who sign in to the dashboard with a name and a
  // password (the admin token works too). Add: AlreadyExists if taken.
  virtual Result<OperatorInfo> AddOperator(const std::string& name, const std::string& password) = 0;
  virtual Result<std::vector<OperatorInfo>> ListOperators() = 0;  // ordered by name
  virtual Status RemoveOperator(const std::string& name) = 0;     // NotFound if absent
  // Whether `password` is operator `name`'s; false (not NotFound) for an
  // unknown name, which takes as long as a wrong password.
  virtual Result<bool> CheckOperatorPassword(const std::string& name, const std::string& password) = 0;

  // The feed of operation and instance events (GET /v1/events, the
  // dashboard); null when this controller publishes none.
  virtual EventHub* Events() { return nullptr; }
  // The controller's metrics (GET /metrics); null when it keeps none.
  virtual MetricsSource* Metrics() { return nullptr; }
};

}  // namespace md
