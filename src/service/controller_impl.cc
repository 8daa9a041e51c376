#include "service/controller_impl.h"


#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/files.h"
#include "core/random.h"
#include "core/validate.h"
#include "service/doctor.h"
#include "service/env_policy.h"
#include "service/log_reader.h"
#include "service/plans.h"

namespace md {
namespace {

std::string ParamsJson(std::initializer_list<std::pair<const char*, std::string>> fields) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : fields) j[k] = v;
  return j.dump();
}

}  // namespace

ControllerImpl::ControllerImpl(ServiceDeps deps, TenantSteps& steps, BackupSteps& backups, Resources& resources,
                               FrontDoorParts front, Runner& runner, CustomerMail& mail, ControllerOptions options)
    : d_(deps),
      steps_(steps),
      backups_(backups),
      resources_(resources),
      front_(std::move(front)),
      runner_(runner),
      mail_(mail),
      options_(options),
      credentials_(steps, resources),
      metrics_(d_.store, d_.cgroups, backups),
      operators_(d_.store) {}

Result<Instance> ControllerImpl::ExistingInstance(const std::string& sub) {
  MD_RETURN_IF_ERROR(ValidateSubdomain(sub));
  auto inst = d_.store.GetInstance(sub);
  if (!inst.ok() && inst.status().code() == Code::kNotFound) {
    return NotFound("no instance '" + sub + "'; see `meltanodata list`");
  }
  if (inst.ok() && inst->status == InstanceStatus::kDeleting) {
    return FailedPrecondition("instance '" + sub + "' is being deleted");
  }
  return inst;
}

Result<std::string> ControllerImpl::PickCluster() {
  MD_ASSIGN_OR_RETURN(std::vector<Cluster> clusters, d_.store.ListClusters());
  const Cluster* best = nullptr;
  for (const Cluster& c : clusters) {
    if (c.draining || c.used >= c.capacity) continue;
    if (!best || c.capacity - c.used > best->capacity - best->used) best = &c;
  }
  if (!best) {
    return FailedPrecondition("every database cluster is full or draining; add one with "
                              "`meltanodata clusters add NAME --url URL --capacity N`");
  }
  return best->name;
}

Result<std::string> ControllerImpl::ValidateCreate(const CreateRequest& r) {
  MD_RETURN_IF_ERROR(ValidateSubdomain(r.subdomain));
  MD_RETURN_IF_ERROR(ValidateEmail(r.email));
  MD_RETURN_IF_ERROR(ValidateName(r.name));
  MD_RETURN_IF_ERROR(ValidateAppName(r.app));
  MD_ASSIGN_OR_RETURN(AppProfile profile, d_.profiles.Find(r.app));
  std::string version = r.version.empty() ? profile.default_version : r.version;
  MD_RETURN_IF_ERROR(ValidateVersion(version));
  return version;
}

Result<Instance> ControllerImpl::Place(const CreateRequest& r, const std::string& version) {
  MD_ASSIGN_OR_RETURN(std::vector<Instance> instances, d_.store.ListInstances());
  for (const auto& i : instances) {
    if (i.subdomain == r.subdomain) return AlreadyExists("subdomain '" + r.subdomain + "' is taken");
  }
  Instance inst;
  inst.subdomain = r.subdomain;
  inst.name = r.name;
  inst.email = r.email;
  inst.app = r.app;
  inst.app_version = version;
  inst.status = InstanceStatus::kProvisioning;
  MD_ASSIGN_OR_RETURN(inst.cluster, PickCluster());
  inst.db_name = Layout::DatabaseName(r.subdomain);
  inst.db_role = Layout::RoleName(r.subdomain);
  inst.unix_user = Layout::UnixUserName(r.subdomain);
  inst.created_ms = inst.updated_ms = NowMs();
  for (const auto& i : instances) {
    if (i.unix_user == inst.unix_user || i.db_name == inst.db_name) {
      return AlreadyExists("subdomain '" + r.subdomain + "' maps to the same user or database as '" + i.subdomain +
                           "'; choose another");
    }
  }
  return inst;
}

Result<Operation> ControllerImpl::CreateInstance(const CreateRequest& r) {
  MD_ASSIGN_OR_RETURN(std::string version, ValidateCreate(r));
  std::lock_guard lock(admission_mu_);
  MD_ASSIGN_OR_RETURN(Instance inst, Place(r, version));
  return Admit(inst, {}, op_kind::kCreate, ParamsJson({{"version", version}}));
}

Result<Operation> ControllerImpl::Admit(const Instance& inst, const EnvMap& flags, const std::string& kind,
                                        const std::string& params) {
  MD_ASSIGN_OR_RETURN(Operation op, runner_.NewOperation(kind, inst.subdomain, params));
  // Generated once and kept: changing the salt would void stored passwords.
  EnvMap secrets = {{kDbPasswordKey, RandomHex(kDbPasswordBytes)},
                    {kAdminPasswordKey, RandomHex(kAdminPasswordBytes)},
                    {kFilesPasswordKey, RandomHex(kFilesPasswordBytes)},
                    {kSecretKeyKey, RandomHex(32)},
                    {kPasswordSaltKey, RandomHex(16)}};
  MD_ASSIGN_OR_RETURN(EnvMap sealed, d_.secrets().Seal(inst.subdomain, secrets));
  MD_ASSIGN_OR_RETURN(op.id, d_.store.AdmitInstance(inst, sealed, flags, op));
  if (d_.events != nullptr) d_.events->Publish(InstanceEvent(inst.subdomain, InstanceStatusName(inst.status)));
  runner_.Submitted(op);
  return op;
}

Instance ControllerImpl::AsShown(Instance inst) {
  inst.url = front_.door.UrlOf(inst.subdomain);
  if (inst.status == InstanceStatus::kRunning && PathExists(d_.layout.asleep_dir() + "/" + inst.subdomain)) {
    inst.status = InstanceStatus::kIdle;
  }
  const FileAccessSummary& files = options_.file_access;
  if (files.sftp_port != 0) {
    inst.file_access = {.host = front_.door.HostOf(inst.subdomain),
                        .sftp_port = files.sftp_port,
                        .ftp_port = files.ftp_port,
                        .username = inst.unix_user,
                        .host_keys = files.host_keys};
  }
  return inst;
}

Result<std::vector<Instance>> ControllerImpl::ListInstances() {
  MD_ASSIGN_OR_RETURN(std::vector<Instance> instances, d_.store.ListInstances());
  for (Instance& inst : instances) inst = AsShown(std::move(inst));
  return instances;
}

Result<InstancePage> ControllerImpl::ListInstancesPage(const InstanceQuery& query) {
  MD_ASSIGN_OR_RETURN(InstancePage page, d_.store.ListInstancesPage(query));
  for (Instance& inst : page.instances) inst = AsShown(std::move(inst));
  return page;
}

Result<Instance> ControllerImpl::GetInstance(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(Instance inst, ExistingInstance(sub));
  return AsShown(std::move(inst));
}

Result<InstanceStatusReport> ControllerImpl::GetStatus(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(Instance inst, GetInstance(sub));
  InstanceStatusReport report;
  report.instance = inst;
  auto svc = d_.supervisor.GetStatus(Layout::ServiceName(sub));
  if (svc.ok()) {
    report.up = svc->up;
    report.pid = svc->pid;
    report.uptime_s = svc->uptime_s;
  }
  auto profile = d_.profiles.Find(inst.app);
  std::string path = profile.ok() ? profile->health_path : "/";
  auto user = d_.host.LookupUser(inst.unix_user);
  if (report.up && user.ok()) {
    report.health_code = d_.probe.Get(d_.layout.socket_path(sub), user->uid, path, &report.health_error);
  } else if (!user.ok()) {
    report.health_error = user.status().message();
  } else {
    report.health_error = inst.status == InstanceStatus::kIdle ? "asleep: its next request starts it" : "service is down";
  }
  // The same check through the front door, as a browser would make it;
  // not of an idle one, which it would wake.
  const FrontDoor& door = front_.door;
  report.url = door.UrlOf(sub);
  if (inst.status != InstanceStatus::kIdle) {
    report.https_code =
        front_.probe.Get(door.HostOf(sub), door.settings().https_port, path, front_.trusted_roots, &report.https_error);
  }
  std::string domain = door.settings().domain;
  if (auto usage = d_.cgroups.Usage(Layout::CgroupName(sub)); usage.ok()) {
    report.memory_bytes = usage->memory_bytes;
    report.memory_limit_bytes = usage->memory_max_bytes;
    report.pids = usage->pids;
    report.pids_limit = usage->pids_max;
    report.cpu_weight = usage->cpu_weight;
  }
  auto cert = d_.store.GetCertificate(JoinCertNames(CertManager::NamesFor(domain, sub)));
  if (cert.ok()) {
    report.cert_issuer = cert->issuer;
    report.cert_not_after_ms = cert->not_after_ms;
    report.cert_trusted = cert->source == "acme";
  }
  if (auto welcome = d_.store.GetWelcomeMail(sub); welcome.ok()) {
    report.welcome_state = welcome->state;
    report.welcome_error = welcome->error;
  }
  return report;
}

Result<LogChunk> ControllerImpl::ReadLogs(const std::string& sub, int lines, const std::string& cursor) {
  MD_RETURN_IF_ERROR(ExistingInstance(sub).status());
  if (lines < 1 || lines > 100000) return InvalidArgument("--lines must be a number from 1 to 100000");
  return steps_.ReadLogs(sub, lines, cursor);
}

Result<std::vector<Operation>> ControllerImpl::Upgrade(const std::vector<std::string>& subs, bool all,
                                                       const std::string& version) {
  MD_RETURN_IF_ERROR(ValidateVersion(version));
  if (all == !subs.empty()) return InvalidArgument("name instances to upgrade, or --all, not both");
  std::vector<Instance> targets;
  if (all) {
    MD_ASSIGN_OR_RETURN(targets, d_.store.ListInstances());
  } else {
    for (const auto& sub : subs) {
      MD_ASSIGN_OR_RETURN(Instance inst, ExistingInstance(sub));
      targets.push_back(inst);
    }
  }
  std::vector<Operation> ops;
  for (const Instance& inst : targets) {
    if (inst.status == InstanceStatus::kDeleting) continue;
    MD_ASSIGN_OR_RETURN(Operation op, runner_.Submit(op_kind::kUpgrade, inst.subdomain,
                                                     ParamsJson({{"to", version}})));
    ops.push_back(std::move(op));
  }
  return ops;
}

Status ControllerImpl::ValidateChanges(const EnvMap& set, const std::vector<std::string>& unset) {
  if (set.empty() && unset.empty()) return InvalidArgument("nothing to change");
  for (const auto& [key, value] : set) {
    MD_RETURN_IF_ERROR(ValidateEnvKey(key));
    MD_RETURN_IF_ERROR(ValidateEnvValue(value).WithContext(key));
  }
  for (const auto& key : unset) MD_RETURN_IF_ERROR(ValidateEnvKey(key));
  return Status::Ok();
}

Result<EnvMap> ControllerImpl::ListFlags(const std::string& sub) {
  MD_RETURN_IF_ERROR(ExistingInstance(sub).status());
  return d_.store.GetFlags(sub);
}

Result<Operation> ControllerImpl::ChangeFlags(const std::string& sub, const EnvMap& set,
                                              const std::vector<std::string>& unset) {
  return ChangeEnv(sub, EnvKind::kFlag, set, unset);
}

Result<Operation> ControllerImpl::ChangeEnv(const std::string& sub, EnvKind kind, const EnvMap& set,
                                            const std::vector<std::string>& unset) {
  MD_RETURN_IF_ERROR(ValidateChanges(set, unset));
  MD_ASSIGN_OR_RETURN(Instance inst, ExistingInstance(sub));
  MD_ASSIGN_OR_RETURN(AppProfile profile, d_.profiles.Find(inst.app));
  const bool flags = kind == EnvKind::kFlag;
  {
    // Checked against the other kind and written under one lock: a name is
    // a flag or a secret, never both.
    std::lock_guard lock(env_mu_);
    // Only the other kind's names are compared: secrets stay sealed.
    MD_ASSIGN_OR_RETURN(EnvMap own, flags ? d_.store.GetFlags(sub) : d_.store.GetSecrets(sub));
    MD_ASSIGN_OR_RETURN(EnvMap other, flags ? d_.store.GetSecrets(sub) : d_.store.GetFlags(sub));
    MD_RETURN_IF_ERROR(CheckEnvNames(profile, kind, set, unset, own, other));
    MD_RETURN_IF_ERROR(flags ? d_.store.SetFlags(sub, set, unset) : d_.secrets().Set(sub, set, unset));
  }
  return runner_.Submit(flags ? op_kind::kFlags : op_kind::kSecrets, sub, "{}");
}

Result<std::vector<std::string>> ControllerImpl::ListSecretNames(const std::string& sub) {
  MD_RETURN_IF_ERROR(ExistingInstance(sub).status());
  MD_ASSIGN_OR_RETURN(EnvMap desired, steps_.DesiredSecretFiles(sub));
  std::vector<std::string> names;
  for (const auto& [key, value] : desired) names.push_back(key);
  return names;
}

Result<Operation> ControllerImpl::ChangeSecrets(const std::string& sub, const EnvMap& set,
                                                const std::vector<std::string>& unset) {
  return ChangeEnv(sub, EnvKind::kSecret, set, unset);
}

Result<std::vector<Credential>> ControllerImpl::ShowCredentials(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(Instance inst, GetInstance(sub));
  std::vector<Credential> out;
  for (const CredentialKind& kind : credentials_.all()) {
    auto password = d_.secrets().Get(sub, kind.secret_key);
    if (!password.ok() && password.status().code() == Code::kNotFound) continue;
    MD_RETURN_IF_ERROR(password.status());
    out.push_back({.kind = kind.name, .username = kind.username(inst), .password = *password,
                   .target = kind.target(inst)});
  }
  return out;
}

Result<Operation> ControllerImpl::RotateCredentials(const std::string& sub, const std::string& kind) {
  MD_RETURN_IF_ERROR(credentials_.Select(kind).status());
  MD_RETURN_IF_ERROR(ExistingInstance(sub).status());
  return runner_.Submit(op_kind::kRotateCredentials, sub, ParamsJson({{"kind", kind}}));
}

Result<Operation> ControllerImpl::ChangeLifecycle(const std::string& sub, Lifecycle action) {
  MD_RETURN_IF_ERROR(ExistingInstance(sub).status());
  const char* kind = action == Lifecycle::kStart ? op_kind::kStart
                     : action == Lifecycle::kStop ? op_kind::kStop
                                                  : op_kind::kRestart;
  return runner_.Submit(kind, sub, "{}");
}

Result<Operation> ControllerImpl::WipeDatabase(const std::string& sub) {
  MD_RETURN_IF_ERROR(ExistingInstance(sub).status());
  return runner_.Submit(op_kind::kWipeDb, sub, "{}");
}

Result<Operation> ControllerImpl::SetLimits(const std::string& sub, const ResourceLimits& change) {
  if (change.memory_mb < 0 && change.pids < 0 && change.cpu_weight < 0) {
    return InvalidArgument("nothing to change: give memory_mb, pids or cpu_weight");
  }
  MD_ASSIGN_OR_RETURN(Instance inst, ExistingInstance(sub));
  ResourceLimits& l = inst.limits;
  if (change.memory_mb >= 0) l.memory_mb = change.memory_mb;
  if (change.pids >= 0) l.pids = change.pids;
  if (change.cpu_weight >= 0) l.cpu_weight = change.cpu_weight;
  MD_RETURN_IF_ERROR(ValidateResourceLimits(l));
  inst.updated_ms = NowMs();
  MD_RETURN_IF_ERROR(d_.store.UpdateInstance(inst));
  return runner_.Submit(op_kind::kLimits, sub, "{}");
}

Result<Operation> ControllerImpl::DeleteInstance(const std::string& sub, bool backup) {
  auto inst = ExistingInstance(sub);
  if (!inst.ok() && inst.status().code() != Code::kFailedPrecondition) return inst.status();
  return runner_.Submit(op_kind::kDelete, sub, ParamsJson({{"backup", backup ? "take" : "skip"}}));
}

Result<Operation> ControllerImpl::BackupInstance(const std::string& sub) {
  MD_RETURN_IF_ERROR(ExistingInstance(sub).status());
  return runner_.Submit(op_kind::kBackup, sub, "{}");
}

Result<std::vector<BackupInfo>> ControllerImpl::ListBackups(const std::string& sub) {
  if (!sub.empty()) MD_RETURN_IF_ERROR(ValidateSubdomain(sub));
  MD_ASSIGN_OR_RETURN(std::vector<BackupManifest> manifests, backups_.List(sub));
  std::vector<BackupInfo> infos;
  for (const auto& m : manifests) {
    infos.push_back({.id = m.id,
                     .subdomain = m.subdomain,
                     .created_ms = m.created_ms,
                     .reason = m.reason,
                     .app = m.app,
                     .app_version = m.app_version,
                     .size_bytes = m.total_bytes,
                     .has_files = m.has_archive()});
  }
  return infos;
}

Result<Operation> ControllerImpl::Restore(const std::string& sub, const std::string& backup_id) {
  MD_RETURN_IF_ERROR(ValidateSubdomain(sub));
  if (!backup_id.empty()) MD_RETURN_IF_ERROR(ValidateBackupId(backup_id));
  BackupManifest from;
  if (backup_id.empty()) {
    MD_ASSIGN_OR_RETURN(std::vector<BackupManifest> all, backups_.List(sub));
    if (all.empty()) return NotFound("no backup of '" + sub + "'; see `meltanodata backups list`");
    from = all.front();
  } else {
    MD_ASSIGN_OR_RETURN(from, backups_.Find(sub, backup_id));
  }
  std::string params = ParamsJson({{"backup", from.id}, {"version", from.app_version}});
  std::lock_guard lock(admission_mu_);
  auto existing = d_.store.GetInstance(sub);
  if (existing.ok()) {
    if (existing->status == InstanceStatus::kDeleting) {
      return FailedPrecondition("instance '" + sub + "' is being deleted; restore it once the delete is done");
    }
    return runner_.Submit(op_kind::kRestore, sub, params);
  }
  if (existing.status().code() != Code::kNotFound) return existing.status();
  CreateRequest request{.subdomain = sub, .email = from.email, .name = from.name, .app = from.app,
                        .version = from.app_version};
  auto version = ValidateCreate(request);
  if (!version.ok()) return version.status().WithContext("backup " + from.id);
  MD_ASSIGN_OR_RETURN(Instance inst, Place(request, *version));
  return Admit(inst, from.flags, op_kind::kRecreate, params);
}

Result<int> ControllerImpl::PruneBackups() { return backups_.PruneOlderThan(NowMs() - options_.backup_retention_ms); }

Result<std::vector<Cluster>> ControllerImpl::ListClusters() { return d_.clusters().List(); }

Result<Cluster> ControllerImpl::AddCluster(const std::string& name, const std::string& url, int capacity) {
  MD_RETURN_IF_ERROR(ValidateClusterName(name));
  if (capacity < 1 || capacity > 100000) return InvalidArgument("--capacity must be between 1 and 100000");
  if (!ClusterDirectory::IsClearUrl(url)) {
    return InvalidArgument("--url must be a postgresql:// URL of a superuser (or CREATEROLE, CREATEDB) role");
  }
  Status ping = d_.database.Ping(url);
  if (!ping.ok()) return Status(ping.code(), "cannot reach cluster '" + name + "': " + ping.message());
  Cluster c{.name = name, .admin_url = url, .capacity = capacity};
  std::lock_guard lock(admission_mu_);
  MD_RETURN_IF_ERROR(d_.clusters().Insert(c));
  return d_.clusters().Get(name);
}

Result<Cluster> ControllerImpl::DrainCluster(const std::string& name) {
  std::lock_guard lock(admission_mu_);
  MD_ASSIGN_OR_RETURN(Cluster c, d_.store.GetCluster(name));
  c.draining = true;
  MD_RETURN_IF_ERROR(d_.store.UpdateCluster(c));  // its admin URL stays as stored: sealed
  return d_.clusters().Get(name);
}

Status ControllerImpl::RemoveCluster(const std::string& name) {
  std::lock_guard lock(admission_mu_);
  MD_ASSIGN_OR_RETURN(Cluster c, d_.store.GetCluster(name));
  if (c.used > 0) {
    return FailedPrecondition("cluster '" + name + "' still holds " + std::to_string(c.used) +
                              " instance(s); drain it and delete or move them first");
  }
  return d_.store.DeleteCluster(name);
}

Result<std::vector<Operation>> ControllerImpl::ListOperations(const std::string& sub, int limit) {
  if (!sub.empty()) MD_RETURN_IF_ERROR(ValidateSubdomain(sub));
  return d_.store.ListOperations(sub, limit);
}

Result<Operation> ControllerImpl::GetOperation(int64_t id) {
  auto op = d_.store.GetOperation(id);
  if (!op.ok() && op.status().code() == Code::kNotFound) {
    return NotFound("no operation " + std::to_string(id) + "; see `meltanodata ops list`");
  }
  return op;
}

Result<std::vector<DoctorFinding>> ControllerImpl::Doctor(bool fix) {
  return md::Doctor(d_, steps_, resources_, runner_).Check(fix);
}

Result<std::vector<AuditEvent>> ControllerImpl::ListAudit(const AuditQuery& query) {
  if (!query.subdomain.empty()) MD_RETURN_IF_ERROR(ValidateSubdomain(query.subdomain));
  return d_.store.ListAuditEvents(query);
}

Result<std::vector<CertificateInfo>> ControllerImpl::ListCertificates() {
  MD_ASSIGN_OR_RETURN(std::vector<CertRecord> records, d_.store.ListCertificates());
  std::vector<CertificateInfo> infos;
  for (const CertRecord& r : records) {
    infos.push_back({.names = SplitCertNames(r.names),
                     .purpose = r.purpose,
                     .subdomain = r.subdomain,
                     .issuer = r.issuer,
                     .trusted = r.source == "acme",
                     .not_before_ms = r.not_before_ms,
                     .not_after_ms = r.not_after_ms,
                     .next_order_ms = r.next_order_ms,
                     .last_error = r.last_error});
  }
  return infos;
}

Result<std::string> ControllerImpl::LocalCaRootPem() { return front_.local_ca.RootPem(); }

Result<std::vector<KnownHostLine>> ControllerImpl::KnownHosts(const std::string& sub) {
  const FileAccessSummary& files = options_.file_access;
  if (files.sftp_port == 0) return FailedPrecondition("file access is off ([files] enabled = false in the config)");
  std::string host = "*." + front_.door.settings().domain;  // every instance, those to come too
  if (!sub.empty()) {
    MD_RETURN_IF_ERROR(ExistingInstance(sub).status());
    host = front_.door.HostOf(sub);
  }
  std::string hosts = files.sftp_port == 22 ? host : "[" + host + "]:" + std::to_string(files.sftp_port);
  std::vector<KnownHostLine> lines;
  for (const HostKeyInfo& key : files.host_keys) lines.push_back({hosts, key.type, key.key});
  return lines;
}

Result<std::vector<CustomDomain>> ControllerImpl::ListDomains(const std::string& sub) {
  if (!sub.empty()) MD_RETURN_IF_ERROR(ExistingInstance(sub).status());
  return d_.store.ListCustomDomains(sub);
}

Result<CustomDomain> ControllerImpl::AddDomain(const std::string& sub, const std::string& host) {
  MD_RETURN_IF_ERROR(ValidateHostName(host));
  MD_RETURN_IF_ERROR(ExistingInstance(sub).status());
  const std::string& domain = front_.door.settings().domain;
  if (host == domain || (host.size() > domain.size() && host.ends_with("." + domain))) {
    return InvalidArgument(host + " is under " + domain + ", which instances already get; add a host of the "
                           "customer's own domain");
  }
  CustomDomain added{.subdomain = sub, .host = host, .created_ms = NowMs()};
  MD_RETURN_IF_ERROR(d_.store.AddCustomDomain(added));
  // Served at once with a stand-in; the trusted certificate follows.
  Status served = front_.certs.Serve(NowMs());
  front_.certs.Wake();
  if (!served.ok()) return served;
  return added;
}

Status ControllerImpl::RemoveDomain(const std::string& sub, const std::string& host) {
  MD_RETURN_IF_ERROR(ValidateHostName(host));
  MD_RETURN_IF_ERROR(ExistingInstance(sub).status());
  MD_ASSIGN_OR_RETURN(std::vector<CustomDomain> domains, d_.store.ListCustomDomains(sub));
  bool owned = std::any_of(domains.begin(), domains.end(), [&](const CustomDomain& d) { return d.host == host; });
  if (!owned) return NotFound(host + " is not a domain of '" + sub + "'; see `meltanodata domains list " + sub + "`");
  MD_RETURN_IF_ERROR(d_.store.RemoveCustomDomain(host));
  return front_.certs.Serve(NowMs());
}

Result<std::vector<SignupInfo>> ControllerImpl::ListSignups() {
  MD_ASSIGN_OR_RETURN(std::vector<Signup> signups, d_.store.ListSignups());
  std::vector<SignupInfo> out;
  for (Signup& s : signups) {
    SignupInfo info{.signup = std::move(s)};
    // Once admitted, a signup is where its create operation stands.
    if (info.signup.operation_id != 0) {
      auto op = d_.store.GetOperation(info.signup.operation_id);
      if (op.ok()) {
        bool done = op->state == OperationState::kSucceeded;
        bool failed = op->state == OperationState::kFailed;
        info.signup.state = done ? "provisioned" : failed ? "failed" : "provisioning";
        if (failed) info.signup.error = op->error.substr(0, op->error.find('\n'));
      }
    }
    if (!info.signup.instance.empty()) {
      auto inst = d_.store.GetInstance(info.signup.instance);
      if (inst.ok()) info.instance_status = InstanceStatusName(inst->status);
    }
    out.push_back(std::move(info));
  }
  return out;
}

Result<Operation> ControllerImpl::ResendWelcome(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(Instance inst, ExistingInstance(sub));
  if (inst.status == InstanceStatus::kProvisioning) {
    return FailedPrecondition("instance '" + sub + "' is still being provisioned; its welcome email follows");
  }
  return mail_.ResendWelcome(sub);
}

Result<OperatorInfo> ControllerImpl::AddOperator(const std::string& name, const std::string& password) {
  return operators_.Add(name, password);
}
Result<std::vector<OperatorInfo>> ControllerImpl::ListOperators() { return operators_.List(); }
Status ControllerImpl::RemoveOperator(const std::string& name) { return operators_.Remove(name); }
Result<bool> ControllerImpl::CheckOperatorPassword(const std::string& name, const std::string& password) {
  return operators_.Check(name, password);
}

}  // namespace md
