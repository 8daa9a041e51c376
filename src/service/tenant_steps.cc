#include "service/tenant_steps.h"

#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>

#include <algorithm>
#include <chrono>
#include <thread>

#include "core/clock.h"
#include "core/random.h"
#include "service/log_reader.h"
#include "service/tenant_files.h"

namespace md {
namespace {

constexpr mode_t kRootDir = 0755;
constexpr mode_t kEnvFile = 0640;
constexpr mode_t kSecretFile = 0600;
constexpr const char* kInstalledMarker = ".installed";
// Caps on what is read of a tenant's files: a pid, the .env, one secret.
constexpr size_t kMaxPidBytes = 32;
constexpr size_t kMaxEnvBytes = 1 << 20;
constexpr size_t kMaxSecretBytes = 1 << 20;
constexpr int kInstallTimeoutMs = 30 * 60 * 1000;

}  // namespace

Status TenantSteps::InstallVersion(const std::string& sub, const std::string& version) {
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  // The app dir is root's, but beneath the tenant's dir: reached through TenantFs.
  const std::string root = d_.layout.tenants_root();
  const std::string app_rel = Layout::AppDirRel(sub, version);
  const std::string marker_rel = app_rel + "/" + kInstalledMarker;
  auto marker = d_.tenant_fs.Stat(root, marker_rel);
  if (marker.ok()) return Status::Ok();
  if (marker.status().code() != Code::kNotFound) return marker.status();
  MD_ASSIGN_OR_RETURN(AppProfile profile, d_.profiles.Find(inst.app));
  MD_ASSIGN_OR_RETURN(TemplateVars vars, ctx_.Vars(inst, version));
  // A half-made install from an interrupted run is removed and redone.
  MD_RETURN_IF_ERROR(d_.tenant_fs.RemoveTree(root, app_rel));
  MD_RETURN_IF_ERROR(d_.tenant_fs.EnsureDirectory(root, app_rel, kRootDir, {}));
  for (const Argv& cmd : profile.install) {
    MD_ASSIGN_OR_RETURN(Argv argv, RenderArgv(cmd, vars));
    Status s = d_.commands.RunAsController(argv, d_.layout.app_dir(sub, version), kInstallTimeoutMs);
    // A timed-out install (e.g. pip on a slow network) is not retried.
    if (s.code() == Code::kUnavailable) s = Internal(s.message());
    MD_RETURN_IF_ERROR(s.WithContext("installing " + inst.app + " " + version));
  }
  return d_.tenant_fs.WriteFile(root, marker_rel, version + "\n", 0644, {});
}

Status TenantSteps::SwitchVersion(const std::string& sub, const std::string& version) {
  return d_.tenant_fs.ReplaceSymlink(d_.layout.tenants_root(), Layout::CurrentLinkRel(sub), version);
}

Status TenantSteps::EnsureCurrentVersion(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  MD_RETURN_IF_ERROR(InstallVersion(sub, inst.app_version));
  return SwitchVersion(sub, inst.app_version);
}

Status TenantSteps::RunAsTenant(const Instance& inst, const Argv& argv, const EnvMap& env) {
  MD_ASSIGN_OR_RETURN(UnixUser user, ctx_.TenantUser(inst));
  TenantCommand command{.uid = user.uid, .gid = user.gid, .argv = argv,
                        .cwd = d_.layout.project_dir(inst.subdomain), .env = env,
                        .cgroup_procs = d_.cgroups.ProcsFiles(Layout::CgroupName(inst.subdomain))};
  // The project dir is the tenant's home, unless the profile says otherwise.
  command.env.try_emplace("HOME", command.cwd);
  return d_.commands.RunAsTenant(command);
}

Status TenantSteps::InitProject(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  MD_ASSIGN_OR_RETURN(AppProfile profile, d_.profiles.Find(inst.app));
  if (profile.init.empty()) return Status::Ok();
  std::string key = "initialised:" + sub;
  MD_ASSIGN_OR_RETURN(auto done, d_.store.GetSetting(key));
  if (done && *done == "1") return Status::Ok();
  MD_RETURN_IF_ERROR(RunProfileCommands(inst, profile, profile.init).WithContext("initialising the project"));
  return d_.store.PutSetting(key, "1");
}

Status TenantSteps::SetAdminPassword(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  MD_ASSIGN_OR_RETURN(AppProfile profile, d_.profiles.Find(inst.app));
  return RunProfileCommands(inst, profile, profile.set_admin_password).WithContext("setting the admin password");
}

Status TenantSteps::RunProfileCommands(const Instance& inst, const AppProfile& profile,
                                       const std::vector<Argv>& commands) {
  if (commands.empty()) return Status::Ok();
  MD_ASSIGN_OR_RETURN(TemplateVars vars, ctx_.Vars(inst, inst.app_version));
  // They see what the service will see: e.g. `meltano init` creates the
  // system database named by MELTANO_DATABASE_URI.
  MD_ASSIGN_OR_RETURN(EnvMap env, RenderEnv(profile.environment, vars));
  MD_ASSIGN_OR_RETURN(EnvMap secret_env, DesiredSecretFiles(inst.subdomain));
  env.insert(secret_env.begin(), secret_env.end());
  for (const Argv& cmd : commands) {
    MD_ASSIGN_OR_RETURN(Argv argv, RenderArgv(cmd, vars));
    MD_RETURN_IF_ERROR(RunAsTenant(inst, argv, env));
  }
  return Status::Ok();
}

Result<std::string> TenantSteps::DesiredEnvFile(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(EnvMap flags, d_.store.GetFlags(sub));
  return RenderEnvFile(flags);
}

Result<EnvMap> TenantSteps::DesiredSecretFiles(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  MD_ASSIGN_OR_RETURN(AppProfile profile, d_.profiles.Find(inst.app));
  MD_ASSIGN_OR_RETURN(TemplateVars vars, ctx_.Vars(inst, inst.app_version));
  MD_ASSIGN_OR_RETURN(EnvMap files, RenderEnv(profile.secret_environment, vars));
  MD_ASSIGN_OR_RETURN(EnvMap secrets, d_.secrets().Get(sub));
  for (const auto& [key, value] : secrets) {
    if (key.rfind("md:", 0) != 0) files[key] = value;
  }
  return files;
}

Status TenantSteps::WriteFlags(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  MD_ASSIGN_OR_RETURN(UnixUser user, ctx_.TenantUser(inst));
  MD_ASSIGN_OR_RETURN(std::string text, DesiredEnvFile(sub));
  return d_.tenant_fs.WriteFile(d_.layout.tenants_root(), Layout::EnvFileRel(sub), text, kEnvFile,
                               {user.uid, user.gid});
}

Result<std::string> TenantSteps::ReadEnvFile(const std::string& sub) {
  return d_.tenant_fs.ReadFile(d_.layout.tenants_root(), Layout::EnvFileRel(sub), kMaxEnvBytes);
}

Result<EnvMap> TenantSteps::ReadSecretFiles(const std::string& sub) {
  const std::string root = d_.layout.secrets_root();
  MD_ASSIGN_OR_RETURN(std::vector<DirEntry> entries, d_.tenant_fs.ListDirectory(root, sub));
  EnvMap files;
  for (const DirEntry& e : entries) {
    MD_ASSIGN_OR_RETURN(files[e.name], d_.tenant_fs.ReadFile(root, sub + "/" + e.name, kMaxSecretBytes));
  }
  return files;
}

Status TenantSteps::WriteSecrets(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  MD_ASSIGN_OR_RETURN(UnixUser user, ctx_.TenantUser(inst));
  MD_ASSIGN_OR_RETURN(EnvMap files, DesiredSecretFiles(sub));
  // The dir is the tenant's: a file there may have been swapped for a link.
  const std::string root = d_.layout.secrets_root();
  MD_RETURN_IF_ERROR(d_.tenant_fs.EnsureDirectory(root, sub, Layout::kSecretsDirMode, {user.uid, user.gid}));
  for (const auto& [key, value] : files) {
    MD_RETURN_IF_ERROR(d_.tenant_fs.WriteFile(root, sub + "/" + key, value, kSecretFile, {user.uid, user.gid}));
  }
  MD_ASSIGN_OR_RETURN(std::vector<DirEntry> entries, d_.tenant_fs.ListDirectory(root, sub));
  for (const DirEntry& e : entries) {
    if (!files.count(e.name)) MD_RETURN_IF_ERROR(d_.tenant_fs.RemoveTree(root, sub + "/" + e.name));
  }
  return Status::Ok();
}

Status TenantSteps::RenewSecret(const std::string& sub, const std::string& key, size_t bytes) {
  // A welcome link still out there must not show the new password.
  MD_RETURN_IF_ERROR(d_.store.DropCredentialLinks(sub));
  return d_.secrets().Set(sub, {{key, RandomHex(bytes)}}, {});
}

Status TenantSteps::ReloadService(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  MD_ASSIGN_OR_RETURN(AppProfile profile, d_.profiles.Find(inst.app));
  if (profile.reload_pid_file.empty()) return d_.supervisor.Reload(Layout::ServiceName(sub));
  // The app names the process that takes SIGHUP (gunicorn's master, not `meltano ui`).
  MD_ASSIGN_OR_RETURN(TemplateVars vars, ctx_.Vars(inst, inst.app_version));
  MD_ASSIGN_OR_RETURN(std::string pid_path, RenderTemplate(profile.reload_pid_file, vars));
  MD_ASSIGN_OR_RETURN(std::string pid_rel, BeneathTenants(sub, pid_path));
  MD_ASSIGN_OR_RETURN(std::string pid_text, d_.tenant_fs.ReadFile(d_.layout.tenants_root(), pid_rel, kMaxPidBytes));
  int pid = std::atoi(pid_text.c_str());
  if (pid <= 1) return Unavailable("no pid in " + pid_path + " yet");
  // The pid file is the tenant's: signal as the tenant, so the kernel refuses
  // any process that is not theirs.
  MD_ASSIGN_OR_RETURN(UnixUser user, ctx_.TenantUser(inst));
  return d_.commands.SignalAsTenant(user.uid, user.gid, pid, SIGHUP);
}
Status TenantSteps::RestartService(const std::string& sub) { return d_.supervisor.Restart(Layout::ServiceName(sub)); }
Status TenantSteps::StartService(const std::string& sub) { return d_.supervisor.Start(Layout::ServiceName(sub)); }
Status TenantSteps::StopService(const std::string& sub) {
  Status stopped = d_.supervisor.Stop(Layout::ServiceName(sub));
  return stopped.code() == Code::kNotFound ? Status::Ok() : stopped;
}

Result<std::string> TenantSteps::AppLogPath(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  MD_ASSIGN_OR_RETURN(AppProfile profile, d_.profiles.Find(inst.app));
  MD_ASSIGN_OR_RETURN(TemplateVars vars, ctx_.Vars(inst, inst.app_version));
  return RenderTemplate(profile.app_log, vars);
}

Result<std::string> TenantSteps::BeneathTenants(const std::string& sub, const std::string& path) {
  const std::string prefix = d_.layout.tenant_dir(sub) + "/";
  if (path.rfind(prefix, 0) != 0) return FailedPrecondition(path + " is not in the instance's directory");
  return sub + "/" + path.substr(prefix.size());
}

std::vector<LogSource> TenantSteps::LogSources(const std::string& sub) {
  std::vector<LogSource> sources;
  const std::string root = d_.layout.tenants_root();
  auto app_log = AppLogPath(sub);
  auto app_rel = app_log.ok() ? BeneathTenants(sub, *app_log) : app_log.status();
  if (app_rel.ok()) sources.push_back({"app log", root, *app_rel});
  sources.push_back({"service output", root, sub + "/logs/current"});
  return sources;
}

Result<LogChunk> TenantSteps::ReadLogs(const std::string& sub, int lines, const std::string& cursor) {
  return ReadLogFiles(d_.tenant_fs, LogSources(sub), lines, cursor);
}

std::string TenantSteps::LogTail(const std::string& sub, int n) {
  auto chunk = ReadLogs(sub, n, "");
  return chunk.ok() ? chunk->text : "";
}

Status TenantSteps::WaitHealthy(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  MD_ASSIGN_OR_RETURN(AppProfile profile, d_.profiles.Find(inst.app));
  MD_ASSIGN_OR_RETURN(UnixUser user, ctx_.TenantUser(inst));
  int timeout_ms = std::min(profile.health_timeout_s * 1000, d_.health_timeout_ms);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto delay = std::chrono::milliseconds(5);
  int code = 0;
  std::string error;
  while (std::chrono::steady_clock::now() < deadline) {
    code = d_.probe.Get(d_.layout.socket_path(sub), user.uid, profile.health_path, &error);
    if (code == 200) return Status::Ok();
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(250));
  }
  std::string why = code ? "answered " + std::to_string(code) : "did not answer (" + error + ")";
  std::string tail = LogTail(sub, 10);
  return Internal(inst.app + " " + inst.app_version + " not healthy after " + std::to_string(timeout_ms / 1000) +
                  " s: " + profile.health_path + " " + why + (tail.empty() ? "" : "; last log lines:\n" + tail));
}

Status TenantSteps::WipeDatabase(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  MD_ASSIGN_OR_RETURN(std::string admin_url, ctx_.AdminUrl(inst));
  MD_ASSIGN_OR_RETURN(EnvMap secrets, d_.secrets().Get(sub));
  return d_.database.DropSchemasExceptPublic(admin_url, inst.db_role, secrets[kDbPasswordKey], inst.db_name).status();
}

Status TenantSteps::SetStatus(const std::string& sub, InstanceStatus status) {
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  const bool changed = inst.status != status;
  inst.status = status;
  inst.updated_ms = NowMs();
  MD_RETURN_IF_ERROR(d_.store.UpdateInstance(inst));
  if (changed && d_.events != nullptr) d_.events->Publish(InstanceEvent(sub, InstanceStatusName(status)));
  return Status::Ok();
}

Status TenantSteps::RecordVersion(const std::string& sub, const std::string& version) {
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  inst.app_version = version;
  inst.updated_ms = NowMs();
  return d_.store.UpdateInstance(inst);
}

Status TenantSteps::NotePreviousVersion(const std::string& sub, const std::string& key) {
  MD_ASSIGN_OR_RETURN(auto noted, d_.store.GetSetting(key));
  if (noted && !noted->empty()) return Status::Ok();
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  return d_.store.PutSetting(key, inst.app_version);
}

Result<std::string> TenantSteps::PreviousVersion(const std::string& key) {
  MD_ASSIGN_OR_RETURN(auto noted, d_.store.GetSetting(key));
  if (!noted || noted->empty()) return NotFound("no previous version noted");
  return *noted;
}

Result<InstanceStatus> TenantSteps::StatusOf(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  return inst.status;
}

Status TenantSteps::UnlessStopped(const std::string& sub, const std::function<Status()>& action) {
  MD_ASSIGN_OR_RETURN(Instance inst, d_.store.GetInstance(sub));
  return inst.status == InstanceStatus::kStopped ? Status::Ok() : action();
}

Status TenantSteps::ForgetInstance(const std::string& sub) {
  auto inst = d_.store.GetInstance(sub);
  if (!inst.ok()) return inst.status().code() == Code::kNotFound ? Status::Ok() : inst.status();
  // The ledger is the proof that nothing is left behind.
  MD_ASSIGN_OR_RETURN(std::vector<LedgerEntry> left, d_.store.ListLedger(sub));
  if (!left.empty()) {
    std::string names;
    for (const auto& e : left) names += (names.empty() ? "" : ", ") + std::string(ResourceKindName(e.kind)) + " " + e.ref;
    return Internal("resources still recorded for '" + sub + "': " + names);
  }
  MD_RETURN_IF_ERROR(d_.store.PutSetting("initialised:" + sub, ""));
  MD_RETURN_IF_ERROR(d_.store.DeleteInstance(sub));
  if (d_.events != nullptr) d_.events->Publish(InstanceEvent(sub, "deleted"));
  return Status::Ok();
}

}  // namespace md
