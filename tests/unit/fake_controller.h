#pragma once
// FakeController: an in-memory Controller for the API and CLI tests.
// Operations advance by one step each time GetOperation is called, and, once
// AdvanceEvery() was called, every few milliseconds on their own, with fixed
// 120 ms step timings, so waiting is fast and deterministic; each change is
// published on Events() as the Runner would. Knobs (failing, clusters_full,
// queued_polls, held_kinds, the front door's) are set before use; call_log()
// tells a test which methods were called. Thread-safe.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/controller.h"
#include "core/event_hub.h"
#include "core/strings.h"
#include "core/validate.h"

namespace md {

// A MetricsSource with a fixed page, or a fixed error.
class FakeMetrics final : public MetricsSource {
 public:
  Result<std::string> Exposition() override { return page; }
  Result<std::string> page = std::string("# TYPE md_up gauge\nmd_up 1\n");
};

class FakeController : public Controller {
 public:
  static constexpr const char* kClusterPassword = "s3cret-cluster-pw";
  static constexpr const char* kSecretValue = "top-secret-value-42";
  // The front door: every instance is https://SUB.kZone/, under a wildcard
  // certificate from kAcmeIssuer; custom domains get a stand-in from kLocalCa.
  static constexpr const char* kZone = "md.example";
  static constexpr const char* kAcmeIssuer = "Fake ACME R3";
  static constexpr const char* kLocalCa = "MeltanoData local CA";
  static constexpr const char* kRootPem =
      "-----BEGIN CERTIFICATE-----\n"
      "MIIBfakeFAKEfakeROOTcertificateFORtestsONLYabcdefghijklmnopqrstuv\n"
      "wxyz0123456789+/==\n"
      "-----END CERTIFICATE-----\n";
  static constexpr int64_t kDayMs = 86400000;

  FakeController() {
    Cluster main;
    main.name = "main";
    main.admin_url = std::string("postgresql://admin:") + kClusterPassword + "@127.0.0.1:5432/postgres";
    main.capacity = 10;
    main.embedded = true;
    clusters_[main.name] = main;
  }
  ~FakeController() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ticking_ = true;
    }
    tick_.notify_all();
    if (ticker_.joinable()) ticker_.join();
  }

  // From now on, every unfinished operation advances by one step every `period`.
  void AdvanceEvery(std::chrono::milliseconds period) {
    ticker_ = std::thread([this, period] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!tick_.wait_for(lock, period, [this] { return stop_ticking_; })) {
        for (auto& [id, t] : ops_) Advance(t);
      }
    });
  }

  // Lets operations of `kind` run again (see held_kinds), while the ticker runs.
  void Release(const std::string& kind) {
    std::lock_guard<std::mutex> lock(mu_);
    held_kinds.erase(kind);
  }

  EventHub* Events() override { return publishes_events ? &events_ : nullptr; }
  MetricsSource* Metrics() override { return metrics; }

  // Knobs.
  std::set<std::string> failing;  // operations on these subdomains fail at their second step
  bool clusters_full = false;     // CreateInstance refuses: all clusters full
  int queued_polls = 0;           // polls (or ticks) an operation stays queued before it runs
  std::set<std::string> held_kinds;  // operations of these kinds stay queued
  std::atomic<bool> publishes_events{true};  // false: Events() is null (GET /v1/events answers 503)
  FakeMetrics fixed_metrics;
  MetricsSource* metrics = &fixed_metrics;   // null: GET /metrics answers 404
  bool wildcard_trusted = true;   // false: the wildcard is a local-CA stand-in
  std::string https_error;        // non-empty: the front door does not answer, for this reason
  std::string custom_cert_error;  // last_error of every custom domain's certificate

  int calls() const { return calls_.load(); }

  // Every Controller method called, in order ("CreateInstance", "Doctor(fix)", ...).
  std::vector<std::string> call_log() const {
    std::lock_guard<std::mutex> lock(mu_);
    return call_log_;
  }
  // The calls of call_log() that change state (reads are left out).
  std::vector<std::string> mutating_calls() const {
    static const std::set<std::string> kReads = {"ListInstances", "ListInstancesPage", "GetInstance", "GetStatus",      "ReadLogs",
                                                 "ListFlags",     "ListSecretNames", "ListClusters", "ListOperations",
                                                 "GetOperation",  "Doctor", "ListBackups", "ListCertificates",
                                                 "LocalCaRootPem", "ListDomains", "ShowCredentials", "ListAudit", "KnownHosts",
                                                 "ListSignups", "ListOperators", "CheckOperatorPassword"};
    std::vector<std::string> out;
    for (const std::string& call : call_log()) {
      if (!kReads.count(call)) out.push_back(call);
    }
    return out;
  }

  // Adds a backup for ListBackups and Restore.
  void SeedBackup(const BackupInfo& backup) {
    std::lock_guard<std::mutex> lock(mu_);
    backups_.push_back(backup);
  }

  // Adds a custom domain directly (no call recorded).
  void SeedDomain(const std::string& sub, const std::string& host) {
    std::lock_guard<std::mutex> lock(mu_);
    domains_[host] = CustomDomain{sub, host, kBaseMs};
  }

  // Adds a running instance directly (no operation).
  void Seed(const std::string& sub) {
    std::lock_guard<std::mutex> lock(mu_);
    Instance in = MakeInstance(sub, "Seeded " + sub, sub + "@example.com", "demo", "1.0");
    in.status = InstanceStatus::kRunning;
    instances_[sub] = in;
    secrets_[sub] = {{"DB_PASSWORD", kSecretValue}, {"SECRET_KEY", kSecretValue}};
    flags_[sub] = {{"MELTANO_UI_READONLY", "false"}};
  }

  Result<Operation> CreateInstance(const CreateRequest& r) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("CreateInstance");
    if (instances_.count(r.subdomain)) return AlreadyExists("instance '" + r.subdomain + "' already exists");
    if (clusters_full) {
      return FailedPrecondition("all database clusters are full: add one with `meltanodata clusters add`");
    }
    instances_[r.subdomain] = MakeInstance(r.subdomain, r.name, r.email, r.app, r.version.empty() ? "1.0" : r.version);
    secrets_[r.subdomain] = {{"DB_PASSWORD", kSecretValue}};
    return Enqueue("create", r.subdomain, "{\"app\":\"" + r.app + "\"}",
                   {"create_database", "create_user", "write_files", "start_service", "health_check"});
  }

  Result<std::vector<Instance>> ListInstances() override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("ListInstances");
    std::vector<Instance> out;
    for (const auto& [sub, in] : instances_) out.push_back(in);
    return out;
  }

  // As the store does it: filter, sort (then by subdomain), slice.
  Result<InstancePage> ListInstancesPage(const InstanceQuery& query) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("ListInstancesPage");
    auto holds = [&](const std::string& field) { return AsciiLower(field).find(AsciiLower(query.text)) != std::string::npos; };
    std::vector<Instance> match;
    for (const auto& [sub, in] : instances_) {
      if (!query.status.empty() && InstanceStatusName(in.status) != query.status) continue;
      if (!query.text.empty() && !holds(in.subdomain) && !holds(in.name) && !holds(in.email)) continue;
      match.push_back(in);
    }
    auto key = [&](const Instance& in) -> std::string {
      switch (query.sort) {
        case InstanceQuery::Sort::kName: return in.name;
        case InstanceQuery::Sort::kStatus: return InstanceStatusName(in.status);
        case InstanceQuery::Sort::kApp: return in.app;
        case InstanceQuery::Sort::kVersion: return in.app_version;
        case InstanceQuery::Sort::kCluster: return in.cluster;
        case InstanceQuery::Sort::kCreated: return std::to_string(1000000000000000 + in.created_ms);
        case InstanceQuery::Sort::kSubdomain: break;
      }
      return in.subdomain;
    };
    std::sort(match.begin(), match.end(), [&](const Instance& a, const Instance& b) {
      auto ka = std::make_pair(key(a), a.subdomain);
      auto kb = std::make_pair(key(b), b.subdomain);
      return query.descending ? kb < ka : ka < kb;
    });
    InstancePage page;
    page.total = static_cast<int64_t>(match.size());
    size_t from = std::min(match.size(), static_cast<size_t>(query.offset));
    size_t to = query.limit > 0 ? std::min(match.size(), from + static_cast<size_t>(query.limit)) : match.size();
    page.instances.assign(match.begin() + from, match.begin() + to);
    return page;
  }

  Result<Instance> GetInstance(const std::string& sub) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("GetInstance");
    auto it = instances_.find(sub);
    if (it == instances_.end()) return NotFound("no instance '" + sub + "'");
    return it->second;
  }

  Result<InstanceStatusReport> GetStatus(const std::string& sub) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("GetStatus");
    auto it = instances_.find(sub);
    if (it == instances_.end()) return NotFound("no instance '" + sub + "'");
    InstanceStatusReport r;
    r.instance = it->second;
    r.up = it->second.status == InstanceStatus::kRunning;
    r.pid = r.up ? 4242 : 0;
    r.uptime_s = r.up ? 3725 : 0;
    r.health_code = r.up ? 200 : 0;
    r.health_error = r.up ? "" : "connection refused";
    r.url = it->second.url;
    r.https_code = !https_error.empty() ? 0 : r.up ? 200 : 502;
    r.https_error = https_error;
    r.cert_issuer = wildcard_trusted ? kAcmeIssuer : kLocalCa;
    r.cert_not_after_ms = kBaseMs + 90 * kDayMs;
    r.cert_trusted = wildcard_trusted;
    return r;
  }

  Result<LogChunk> ReadLogs(const std::string& sub, int lines, const std::string& cursor) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("ReadLogs");
    if (!instances_.count(sub)) return NotFound("no instance '" + sub + "'");
    last_log_lines = lines;
    if (cursor.empty()) return LogChunk{"line one\nline two\n", "c2"};
    if (cursor == "c2") return LogChunk{"line three\n", "c3"};
    return LogChunk{"", cursor};
  }

  Result<std::vector<Operation>> Upgrade(const std::vector<std::string>& subs, bool all,
                                         const std::string& version) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("Upgrade");
    std::vector<std::string> targets = subs;
    if (all) {
      for (const auto& [sub, in] : instances_) targets.push_back(sub);
    }
    for (const auto& sub : targets) {
      if (!instances_.count(sub)) return NotFound("no instance '" + sub + "'");
    }
    std::vector<Operation> ops;
    for (const auto& sub : targets) {
      MD_ASSIGN_OR_RETURN(Operation op, Enqueue("upgrade", sub, "{\"version\":\"" + version + "\"}",
                                                {"install_version", "switch_version", "health_check"}));
      ops.push_back(op);
    }
    return ops;
  }

  Result<EnvMap> ListFlags(const std::string& sub) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("ListFlags");
    if (!instances_.count(sub)) return NotFound("no instance '" + sub + "'");
    return flags_[sub];
  }

  Result<Operation> ChangeFlags(const std::string& sub, const EnvMap& set,
                                const std::vector<std::string>& unset) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("ChangeFlags");
    if (!instances_.count(sub)) return NotFound("no instance '" + sub + "'");
    for (const auto& [k, v] : set) flags_[sub][k] = v;
    for (const auto& k : unset) flags_[sub].erase(k);
    return Enqueue("flags", sub, "{}", {"write_env", "reload"});
  }

  Result<std::vector<std::string>> ListSecretNames(const std::string& sub) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("ListSecretNames");
    if (!instances_.count(sub)) return NotFound("no instance '" + sub + "'");
    std::vector<std::string> names;
    for (const auto& [k, v] : secrets_[sub]) names.push_back(k);
    return names;
  }

  Result<Operation> ChangeSecrets(const std::string& sub, const EnvMap& set,
                                  const std::vector<std::string>& unset) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("ChangeSecrets");
    if (!instances_.count(sub)) return NotFound("no instance '" + sub + "'");
    for (const auto& [k, v] : set) secrets_[sub][k] = v;
    for (const auto& k : unset) secrets_[sub].erase(k);
    return Enqueue("secrets", sub, "{}", {"write_secrets", "restart"});
  }

  // Credentials are the instance's secrets named admin/db, if set.
  Result<std::vector<Credential>> ShowCredentials(const std::string& sub) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("ShowCredentials");
    if (!instances_.count(sub)) return NotFound("no instance '" + sub + "'");
    std::vector<Credential> out;
    for (const char* kind : {"admin", "db"}) {
      auto it = secrets_[sub].find(kind);
      if (it != secrets_[sub].end()) out.push_back({kind, kind, it->second, "https://" + sub + ".example.test/"});
    }
    return out;
  }

  Result<Operation> RotateCredentials(const std::string& sub, const std::string& kind) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("RotateCredentials");
    if (!kind.empty() && kind != "admin" && kind != "db") return InvalidArgument("unknown credential kind");
    if (!instances_.count(sub)) return NotFound("no instance '" + sub + "'");
    return Enqueue("rotate-credentials", sub, "{}", {"new_credentials", "write_secrets", "apply_credentials"});
  }

  Result<std::vector<AuditEvent>> ListAudit(const AuditQuery& query) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("ListAudit");
    last_audit_query = query;
    return audit_events;
  }
  std::vector<AuditEvent> audit_events;  // what ListAudit answers
  AuditQuery last_audit_query;

  Result<Operation> ChangeLifecycle(const std::string& sub, Lifecycle action) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("ChangeLifecycle");
    if (!instances_.count(sub)) return NotFound("no instance '" + sub + "'");
    const char* kind = action == Lifecycle::kStart ? "start" : action == Lifecycle::kStop ? "stop" : "restart";
    return Enqueue(kind, sub, "{}", {std::string(kind) + "_service"});
  }

  Result<Operation> WipeDatabase(const std::string& sub) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("WipeDatabase");
    if (!instances_.count(sub)) return NotFound("no instance '" + sub + "'");
    return Enqueue("wipe_db", sub, "{}", {"drop_schemas"});
  }

  Result<Operation> SetLimits(const std::string& sub, const ResourceLimits&) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("SetLimits");
    if (!instances_.count(sub)) return NotFound("no instance '" + sub + "'");
    return Enqueue("limits", sub, "{}", {"apply_limits"});
  }

  Result<Operation> DeleteInstance(const std::string& sub, bool backup) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record(backup ? "DeleteInstance" : "DeleteInstance(no backup)");
    if (!instances_.count(sub)) return NotFound("no instance '" + sub + "'");
    instances_[sub].status = InstanceStatus::kDeleting;
    return Enqueue("delete", sub, "{}", {"stop_service", "back_up", "drop_database", "remove_user", "remove_files"});
  }

  Result<Operation> BackupInstance(const std::string& sub) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("BackupInstance");
    if (!instances_.count(sub)) return NotFound("no instance '" + sub + "'");
    return Enqueue("backup", sub, "{}", {"back_up"});
  }

  Result<std::vector<BackupInfo>> ListBackups(const std::string& sub) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("ListBackups");
    std::vector<BackupInfo> out;
    for (const auto& b : backups_) {
      if (sub.empty() || b.subdomain == sub) out.push_back(b);
    }
    return out;
  }

  Result<Operation> Restore(const std::string& sub, const std::string& backup_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("Restore");
    for (const auto& b : backups_) {
      if (b.subdomain == sub && (backup_id.empty() || b.id == backup_id)) {
        return Enqueue("restore", sub, "{}", {"restore_database", "restore_files"});
      }
    }
    return NotFound("no backup of '" + sub + "'");
  }

  Result<int> PruneBackups() override { return 0; }

  Result<std::vector<Cluster>> ListClusters() override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("ListClusters");
    std::vector<Cluster> out;
    for (const auto& [name, c] : clusters_) out.push_back(WithUsage(c));
    return out;
  }

  Result<Cluster> AddCluster(const std::string& name, const std::string& url, int capacity) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("AddCluster");
    if (clusters_.count(name)) return AlreadyExists("cluster '" + name + "' already exists");
    Cluster c;
    c.name = name;
    c.admin_url = url;
    c.capacity = capacity;
    clusters_[name] = c;
    return WithUsage(c);
  }

  Result<Cluster> DrainCluster(const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("DrainCluster");
    auto it = clusters_.find(name);
    if (it == clusters_.end()) return NotFound("no cluster '" + name + "'");
    it->second.draining = true;
    return WithUsage(it->second);
  }

  Status RemoveCluster(const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("RemoveCluster");
    auto it = clusters_.find(name);
    if (it == clusters_.end()) return NotFound("no cluster '" + name + "'");
    if (WithUsage(it->second).used > 0) {
      return FailedPrecondition("cluster '" + name + "' still holds databases: drain it and move them first");
    }
    clusters_.erase(it);
    return Status::Ok();
  }

  Result<std::vector<Operation>> ListOperations(const std::string& sub, int limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("ListOperations");
    std::vector<Operation> out;
    for (auto it = ops_.rbegin(); it != ops_.rend() && static_cast<int>(out.size()) < limit; ++it) {
      if (sub.empty() || it->second.op.subdomain == sub) out.push_back(it->second.op);
    }
    return out;
  }

  Result<Operation> GetOperation(int64_t id) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("GetOperation");
    auto it = ops_.find(id);
    if (it == ops_.end()) return NotFound("no operation " + std::to_string(id));
    Advance(it->second);
    return it->second.op;
  }

  Result<std::vector<DoctorFinding>> Doctor(bool fix) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record(fix ? "Doctor(fix)" : "Doctor");
    DoctorFinding f;
    f.kind = "drift";
    f.subdomain = "acme";
    f.resource = ".env";
    f.detail = "MELTANO_UI_READONLY differs from the desired value";
    f.fixed = fix;
    return std::vector<DoctorFinding>{f};
  }

  Result<std::vector<CertificateInfo>> ListCertificates() override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("ListCertificates");
    CertificateInfo wildcard;
    wildcard.names = {std::string("*.") + kZone, kZone};
    wildcard.purpose = "wildcard";
    wildcard.issuer = wildcard_trusted ? kAcmeIssuer : kLocalCa;
    wildcard.trusted = wildcard_trusted;
    wildcard.not_before_ms = kBaseMs;
    wildcard.not_after_ms = kBaseMs + 90 * kDayMs;
    wildcard.next_order_ms = kBaseMs + 60 * kDayMs;  // renewal
    std::vector<CertificateInfo> out = {wildcard};
    for (const auto& [host, d] : domains_) {
      CertificateInfo c;
      c.names = {host};
      c.purpose = "custom";
      c.subdomain = d.subdomain;
      c.issuer = kLocalCa;
      c.not_before_ms = d.created_ms;
      c.not_after_ms = d.created_ms + 7 * kDayMs;
      c.next_order_ms = d.created_ms + 3600000;  // waiting for the rate-limit budget
      c.last_error = custom_cert_error;
      out.push_back(c);
    }
    return out;
  }

  static constexpr const char* kHostKey = "AAAAC3NzaC1lZDI1NTE5AAAAIINosJrMaJsD63a3jNproVtc/+KIHEYDXVvm3lBEf2dE";

  Result<std::string> LocalCaRootPem() override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("LocalCaRootPem");
    return std::string(kRootPem);
  }

  // One ed25519 key, for the host of `sub` or for every instance's.
  Result<std::vector<KnownHostLine>> KnownHosts(const std::string& sub) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("KnownHosts");
    if (!sub.empty() && !instances_.count(sub)) return NotFound("no instance '" + sub + "'");
    std::string host = sub.empty() ? "*.example.test" : sub + ".example.test";
    return std::vector<KnownHostLine>{{"[" + host + "]:2022", "ssh-ed25519", kHostKey}};
  }

  Result<std::vector<CustomDomain>> ListDomains(const std::string& sub) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("ListDomains");
    if (!sub.empty() && !instances_.count(sub)) return NotFound("no instance '" + sub + "'");
    std::vector<CustomDomain> out;
    for (const auto& [host, d] : domains_) {
      if (sub.empty() || d.subdomain == sub) out.push_back(d);
    }
    return out;
  }

  Result<CustomDomain> AddDomain(const std::string& sub, const std::string& host) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("AddDomain");
    if (!instances_.count(sub)) return NotFound("no instance '" + sub + "'");
    auto it = domains_.find(host);
    if (it != domains_.end()) {
      return AlreadyExists("host '" + host + "' already serves instance '" + it->second.subdomain + "'");
    }
    CustomDomain d{sub, host, kBaseMs};
    domains_[host] = d;
    return d;
  }

  Status RemoveDomain(const std::string& sub, const std::string& host) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("RemoveDomain");
    if (!instances_.count(sub)) return NotFound("no instance '" + sub + "'");
    auto it = domains_.find(host);
    if (it == domains_.end() || it->second.subdomain != sub) {
      return NotFound("instance '" + sub + "' has no domain '" + host + "'");
    }
    domains_.erase(it);
    return Status::Ok();
  }

  Result<std::vector<SignupInfo>> ListSignups() override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("ListSignups");
    return signups;
  }

  Result<Operation> ResendWelcome(const std::string& sub) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("ResendWelcome");
    if (!instances_.count(sub)) return NotFound("no instance '" + sub + "'");
    return Enqueue("welcome", sub, "{}", {"send_welcome"});
  }

  // Operators: the fake keeps passwords as given (the real one hashes them).
  Result<OperatorInfo> AddOperator(const std::string& name, const std::string& password) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("AddOperator");
    if (Status s = ValidateOperatorName(name); !s.ok()) return s;
    if (Status s = ValidateOperatorPassword(password); !s.ok()) return s;
    if (operators_.count(name)) return AlreadyExists("operator " + name + " already exists");
    const int64_t created_ms = ++operator_clock_ms_;
    operators_[name] = {name, password, created_ms};
    return OperatorInfo{name, created_ms};
  }
  Result<std::vector<OperatorInfo>> ListOperators() override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("ListOperators");
    std::vector<OperatorInfo> out;
    for (const auto& [name, a] : operators_) out.push_back({name, a.created_ms});
    return out;
  }
  Status RemoveOperator(const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("RemoveOperator");
    if (operators_.erase(name) == 0) return NotFound("no operator " + name);
    return Status::Ok();
  }
  Result<bool> CheckOperatorPassword(const std::string& name, const std::string& password) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record("CheckOperatorPassword");
    auto it = operators_.find(name);
    return it != operators_.end() && it->second.password_hash == password;
  }

  // What ListSignups answers; a test fills it in.
  std::vector<SignupInfo> signups;

  // Lets a test read what the API passed down.
  int last_log_lines = 0;

  EnvMap SecretsOf(const std::string& sub) {
    std::lock_guard<std::mutex> lock(mu_);
    return secrets_[sub];
  }

 private:
  struct TrackedOp {
    Operation op;
    int queued_left = 0;
    size_t next_step = 0;
  };

  static constexpr int64_t kBaseMs = 1767225600000;  // 2026-01-01T00:00:00Z
  static constexpr int64_t kStepMs = 120;

  Instance MakeInstance(const std::string& sub, const std::string& name, const std::string& email,
                        const std::string& app, const std::string& version) {
    Instance in;
    in.subdomain = sub;
    in.name = name;
    in.email = email;
    in.app = app;
    in.app_version = version;
    in.status = InstanceStatus::kProvisioning;
    in.cluster = "main";
    in.db_name = "md_" + sub;
    in.db_role = "md_" + sub;
    in.unix_user = "md-" + sub;
    in.url = "https://" + sub + "." + kZone + "/";
    in.created_ms = kBaseMs;
    in.updated_ms = kBaseMs;
    return in;
  }

  Cluster WithUsage(Cluster c) const {
    c.used = static_cast<int>(std::count_if(instances_.begin(), instances_.end(),
                                            [&](const auto& kv) { return kv.second.cluster == c.name; }));
    return c;
  }

  Result<Operation> Enqueue(const std::string& kind, const std::string& sub, const std::string& params,
                            const std::vector<std::string>& steps) {
    TrackedOp t;
    t.op.id = next_id_++;
    t.op.kind = kind;
    t.op.subdomain = sub;
    t.op.params = params;
    t.op.state = OperationState::kQueued;
    t.op.created_ms = kBaseMs;
    for (const auto& name : steps) {
      StepRecord s;
      s.name = name;
      t.op.steps.push_back(s);
    }
    t.queued_left = queued_polls;
    ops_[t.op.id] = t;
    events_.Publish(OperationEvent(EventType::kOperationQueued, t.op));
    return t.op;
  }

  void Advance(TrackedOp& t) {
    Operation& op = t.op;
    if (op.state == OperationState::kSucceeded || op.state == OperationState::kFailed) return;
    if (op.state == OperationState::kQueued) {
      if (held_kinds.count(op.kind)) return;
      if (t.queued_left > 0) {
        --t.queued_left;
        return;
      }
      op.state = OperationState::kRunning;
      op.started_ms = kBaseMs;
      events_.Publish(OperationEvent(EventType::kOperationStarted, op));
      return;
    }
    const int index = static_cast<int>(t.next_step);
    StepRecord& step = op.steps[t.next_step];
    step.started_ms = op.started_ms + static_cast<int64_t>(t.next_step) * kStepMs;
    step.finished_ms = step.started_ms + kStepMs;
    step.attempts = 1;
    if (failing.count(op.subdomain) && t.next_step == 1) {
      step.state = StepState::kFailed;
      step.error = "boom: simulated failure";
      op.state = OperationState::kFailed;
      op.error = "step " + step.name + " failed: boom: simulated failure";
      op.finished_ms = step.finished_ms;
      events_.Publish(OperationEvent(EventType::kStepFailed, op, index));
      Finish(op, false);
      return;
    }
    step.state = StepState::kDone;
    const bool last = ++t.next_step == op.steps.size();
    if (last) {
      op.state = OperationState::kSucceeded;
      op.finished_ms = step.finished_ms;
    }
    events_.Publish(OperationEvent(EventType::kStepDone, op, index));
    if (last) Finish(op, true);
  }

  // Called with mu_ held.
  void Record(const std::string& call) {
    ++calls_;
    call_log_.push_back(call);
  }

  void Finish(const Operation& op, bool ok) {
    events_.Publish(OperationEvent(EventType::kOperationFinished, op));
    auto it = instances_.find(op.subdomain);
    if (it == instances_.end()) return;
    Instance& in = it->second;
    const InstanceStatus before = in.status;
    if (op.kind == "create") in.status = ok ? InstanceStatus::kRunning : InstanceStatus::kFailed;
    if (op.kind == "delete" && !ok) in.status = InstanceStatus::kFailed;
    if (op.kind == "stop" && ok) in.status = InstanceStatus::kStopped;
    if ((op.kind == "start" || op.kind == "restart") && ok) in.status = InstanceStatus::kRunning;
    if (op.kind == "delete" && ok) {
      instances_.erase(it);
      events_.Publish(InstanceEvent(op.subdomain, "deleted"));
    } else if (in.status != before) {
      events_.Publish(InstanceEvent(op.subdomain, InstanceStatusName(in.status)));
    }
  }

  mutable std::mutex mu_;
  std::atomic<int> calls_{0};
  std::vector<std::string> call_log_;
  std::map<std::string, Instance> instances_;
  std::vector<BackupInfo> backups_;
  std::map<std::string, EnvMap> flags_;
  std::map<std::string, EnvMap> secrets_;
  std::map<std::string, Cluster> clusters_;
  std::map<std::string, CustomDomain> domains_;  // by host
  std::map<std::string, OperatorAccount> operators_;  // password_hash holds the password
  int64_t operator_clock_ms_ = 1767225600000;         // each account made a millisecond later
  std::map<int64_t, TrackedOp> ops_;
  int64_t next_id_ = 1;
  EventHub events_;
  std::condition_variable tick_;
  bool stop_ticking_ = false;
  std::thread ticker_;
};

}  // namespace md
