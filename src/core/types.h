#pragma once
// The domain records the controller keeps in its store. Plain values; the
// store persists them, the service layer decides what they mean.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace md {

// kIdle: running, but scaled to zero by the waker until its next request
// (never stored: a running instance the waker put to sleep is shown so).
enum class InstanceStatus { kProvisioning, kRunning, kIdle, kStopped, kDegraded, kFailed, kDeleting };
const char* InstanceStatusName(InstanceStatus s);
bool ParseInstanceStatus(const std::string& name, InstanceStatus* out);

// Kernel-enforced limits of an app's processes (cgroups). A profile sets
// every field; in an instance, 0 means "what the profile says".
struct ResourceLimits {
  int memory_mb = 0;
  int pids = 0;        // processes and threads
  int cpu_weight = 0;  // 1-10000, 100 an even share
};

// An SSH host key as clients check it.
struct HostKeyInfo {
  std::string type;    // "ssh-ed25519", …
  std::string key;     // the public key, base64, as in a known_hosts line
  std::string sha256;  // "SHA256:…", as ssh-keygen -l prints it
};

// How a tenant reaches its files (derived, not stored): SFTP and explicit
// FTPS to `host`, logging in as `username` with its file-access password.
struct FileAccessInfo {
  std::string host;
  int sftp_port = 0;  // 0: file access is off
  int ftp_port = 0;
  std::string username;
  std::vector<HostKeyInfo> host_keys;  // of the SFTP server
};

// One hosted tenant. Every derived name (user, database, role, port) is
// chosen once, at create, and recorded so that delete can find it again.
struct Instance {
  std::string subdomain;
  std::string name;   // the customer's name
  std::string email;
  std::string app;    // profile name
  std::string app_version;
  InstanceStatus status = InstanceStatus::kProvisioning;
  std::string cluster;     // empty until placed
  std::string db_name;
  std::string db_role;
  std::string unix_user;
  std::string url;         // derived, not stored: the public URL, https://SUB.DOMAIN[:PORT]/
  FileAccessInfo file_access;  // derived, not stored
  int64_t uid = 0;         // of unix_user; 0 until allocated, never reused
  ResourceLimits limits;   // per-instance overrides of the profile's
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

// Which instances a list shows, in which order, which page: what
// GET /v1/instances takes (`?limit=&offset=&sort=&status=&q=`).
struct InstanceQuery {
  enum class Sort { kSubdomain, kName, kStatus, kApp, kVersion, kCluster, kCreated };
  Sort sort = Sort::kSubdomain;
  bool descending = false;
  std::string status;  // an InstanceStatusName; "": any
  std::string text;    // "": any; else found (case-insensitively) in the subdomain, name or email
  int64_t offset = 0;
  int64_t limit = 0;   // 0: every one from `offset`
};

// One page of a list of instances, and how many match in all.
struct InstancePage {
  std::vector<Instance> instances;
  int64_t total = 0;
};

// A PostgreSQL cluster of the pool. `admin_url` holds a password: never print it.
struct Cluster {
  std::string name;
  std::string admin_url;
  int capacity = 0;
  bool draining = false;
  bool embedded = false;   // the controller's own cluster under the data dir
  int used = 0;            // derived: instances placed on it
};

enum class OperationState { kQueued, kRunning, kSucceeded, kFailed };
const char* OperationStateName(OperationState s);
bool ParseOperationState(const std::string& name, OperationState* out);

enum class StepState { kPending, kRunning, kDone, kFailed };
const char* StepStateName(StepState s);
bool ParseStepState(const std::string& name, StepState* out);

struct StepRecord {
  std::string name;
  StepState state = StepState::kPending;
  int attempts = 0;
  std::string error;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
};

// A durable operation: a kind (create, upgrade, ...), the instance it acts
// on, its parameters (JSON text, never secret values) and its step journal.
struct Operation {
  int64_t id = 0;
  std::string kind;
  std::string subdomain;
  std::string params;  // JSON object text
  OperationState state = OperationState::kQueued;
  std::string error;
  int64_t created_ms = 0;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
  std::vector<StepRecord> steps;
};

// The kinds of thing an instance owns outside the store, one ResourceType
// each (service/resources/); the ledger names them so.
enum class ResourceKind {
  kPgRole,
  kPgDatabase,
  kUnixUser,
  kDirectory,
  kFileAccount,
  kCgroup,
  kService,
  kDnsRecord,
  kRoute,
  kWakeEntry
};
// "pg_role", "pg_database", "unix_user", "directory", "file_account", "cgroup", "service", "dns_record", "route",
// "wake_entry".
const char* ResourceKindName(ResourceKind k);
bool ParseResourceKind(const std::string& name, ResourceKind* out);

// One external resource the controller created or is about to create,
// written before creation with enough to find and remove it.
struct LedgerEntry {
  int64_t id = 0;
  std::string subdomain;
  ResourceKind kind = ResourceKind::kDirectory;
  std::string ref;      // what identifies it: a name, a path, "cluster/db"
  int64_t created_ms = 0;
};

using EnvMap = std::map<std::string, std::string>;

// The name set of a certificate as one string, its identity: each name
// lower-cased, empty ones and duplicates dropped, sorted, joined with ','.
// SplitCertNames is the inverse ("" gives no names).
std::string JoinCertNames(const std::vector<std::string>& names);
std::vector<std::string> SplitCertNames(const std::string& names);

// One certificate the controller serves or means to serve, keyed by its name
// set: the wildcard `*.ZONE,ZONE` for every tenant, or one custom domain.
struct CertRecord {
  int64_t id = 0;         // assigned by the store at first upsert, then stable
  std::string names;      // JoinCertNames form: the identity
  // "wildcard": *.DOMAIN + DOMAIN, for every instance; "instance": one
  // instance's SUB.DOMAIN, when DOMAIN has one label (localhost: a wildcard
  // of one label is not valid); "controller": DOMAIN itself then, for the
  // controller's public endpoints; "custom": a custom domain.
  std::string purpose;
  std::string subdomain;  // owner of an instance's or custom domain's certificate, else ""
  std::string issuer;     // CN of the issuer
  std::string source;     // "acme" | "local" (a local-CA stand-in); "" before the first one
  int64_t not_before_ms = 0;
  int64_t not_after_ms = 0;
  std::string cert_path;
  std::string key_path;
  int64_t next_order_ms = 0;  // 0: none planned; else when the trusted one will be ordered (fallback or renewal)
  std::string last_error;
  int64_t updated_ms = 0;
};

// One thing the ACME CA saw from us, kept to count its rate limits
// (service/cert_budget.h). A "rate_limited" event's `at_ms` is the time the CA
// said to retry (Retry-After), not when the answer came.
struct AcmeEvent {
  int64_t id = 0;
  std::string kind;      // "order" | "issued" | "failed_validation" | "rate_limited"
  std::string names;     // JoinCertNames form; "" on rate_limited: the whole account
  std::string host;      // failed_validation: the identifier that failed
  bool renewal = false;  // issued: the exact name set was issued before
  int64_t at_ms = 0;
};

// A customer's own host name served by an instance (HTTP-01 certificate).
// Hosts are unique across all instances.
struct CustomDomain {
  std::string subdomain;
  std::string host;  // lower-case
  int64_t created_ms = 0;
};

// One entry of the audit log: who did what to which instance, when, from
// where, and how it ended. Never a secret value: no request body is kept.
struct AuditEvent {
  int64_t id = 0;         // assigned by the store
  int64_t at_ms = 0;
  std::string actor;      // "admin" (the admin token), "signup", "" (no valid credentials)
  std::string action;     // e.g. "POST /v1/instances/acme/credentials/rotate", "credentials show"
  std::string subdomain;  // the instance acted on, "" if none
  std::string client;     // the client's address
  int status = 0;         // HTTP status of the answer (or what stands for it)
  std::string outcome;    // "ok" or an error code name ("not_found", "unauthenticated", ...)
};

// Which audit events to list: newest first.
struct AuditQuery {
  std::string subdomain;  // "" = all
  int64_t since_ms = 0;   // at_ms >= since_ms
  int limit = 100;        // <= 0: no limit
};

// A named operator who may sign in to the dashboard. `password_hash` is a
// libsodium crypto_pwhash_str string (Argon2id), never the password.
struct OperatorAccount {
  std::string name;
  std::string password_hash;
  int64_t created_ms = 0;
};

// A signup delivered by the form tool's webhook, stored before it is
// answered. The same event id delivered again is the same signup.
struct Signup {
  int64_t id = 0;
  std::string event_id;        // the form tool's id of the delivery (Typeform's event_id)
  std::string name;
  std::string email;
  std::string subdomain;       // as asked (it may be invalid: then `error` says why)
  // "received" (stored, not yet admitted), "provisioning" (the instance's
  // create operation was submitted: see operation_id), "rejected" (cannot be
  // provisioned; the customer is emailed why).
  std::string state;
  std::string instance;        // the instance made for it, "" if none
  int64_t operation_id = 0;    // its create operation, 0 if none
  std::string error;           // why it was rejected, for the operator (never sent to the customer)
  std::string reason;          // when rejected: "invalid", "taken" or "full" (SignupRejectionName)
  std::string client_address;  // the sender's address (the form tool's, for a webhook), from the front door
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

// The welcome email of an instance: where its sending stands.
struct WelcomeMail {
  std::string subdomain;
  std::string state;  // "pending" | "sent" | "failed"
  int attempts = 0;
  std::string error;  // the last failure, if any
  int64_t sent_ms = 0;
  int64_t updated_ms = 0;
};

// A single-use link to an instance's initial credentials. Only the SHA-256
// of its token is kept; an instance has at most one link.
struct CredentialLink {
  std::string token_hash;
  std::string subdomain;
  int64_t expires_ms = 0;
  int64_t shown_ms = 0;  // 0 until the page has shown the password
  int64_t created_ms = 0;
};

}  // namespace md
