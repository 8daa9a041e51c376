#include "main/serve.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "api/public_server.h"
#include "api/server.h"
#include "core/data_dir.h"
#include "main/waker_service.h"
#include "core/files.h"
#include "core/random.h"
#include "core/strings.h"
#include "core/system_user.h"
#include "core/unix_http.h"
#include "core/validate.h"
#include "dashboard/dashboard.h"
#include "drivers/backup/archiver.h"
#include "drivers/cgroup/kernel_cgroups.h"
#include "drivers/database/embedded_cluster.h"
#include "drivers/database/postgres_database.h"
#include "drivers/exec/local_command_runner.h"
#include "drivers/host/linux_host.h"
#include "drivers/mail/outbox_mailer.h"
#include "drivers/mail/smtp_mailer.h"
#include "drivers/supervisor/s6_supervisor.h"
#include "drivers/tenant_fs/linux_tenant_fs.h"
#include "drivers/vault/sodium_vault.h"
#include "main/backup_pruner.h"
#include "main/file_access_stack.h"
#include "main/front_door_stack.h"
#include "main/serve_pid.h"
#include "main/server_config.h"
#include "main/vault_key.h"
#include "service/audit_log.h"
#include "service/cluster_directory.h"
#include "service/controller_impl.h"
#include "service/layout.h"
#include "service/plans.h"
#include "service/public_service.h"
#include "store/sqlite_store.h"
#include "workflow/runner.h"

namespace md {
namespace {

constexpr const char* kEmbeddedClusterName = "local";
constexpr const char* kProxyUser = "meltanodata-proxy";  // Caddy runs as this user

// Exit codes of the command-line contract.
int Fail(const Status& status) {
  std::fprintf(stderr, "error: %s\n", status.message().c_str());
  switch (status.code()) {
    case Code::kInvalidArgument: return 2;
    case Code::kNotFound: return 3;
    case Code::kAlreadyExists:
    case Code::kFailedPrecondition: return 4;
    default: return 1;
  }
}

// The admin token, created (0600) on first start.
Result<std::string> EnsureAdminToken(const std::string& data_dir) {
  std::string path = data_dir + "/admin.token";
  auto existing = ReadFile(path);
  if (existing.ok() && !existing->empty()) {
    if (chmod(path.c_str(), 0600) != 0) return Internal("cannot restrict " + path + " to mode 0600");
    std::string token = *existing;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    return token;
  }
  std::string token = RandomHex(32);
  MD_RETURN_IF_ERROR(WriteFileAtomic(path, token + "\n", 0600, {geteuid(), getegid()}));
  return token;
}

// With no cluster registered, the controller runs its own PostgreSQL.
Status EnsureEmbeddedCluster(Store& store, Vault& vault, Supervisor& supervisor, const ServerConfig& config) {
  MD_ASSIGN_OR_RETURN(std::vector<Cluster> clusters, store.ListClusters());
  bool has_embedded = false;
  for (const Cluster& c : clusters) has_embedded |= c.embedded;
  if (!clusters.empty() && !has_embedded) return Status::Ok();
  EmbeddedCluster embedded(supervisor, config.data_dir);
  MD_ASSIGN_OR_RETURN(std::string admin_url, embedded.Ensure());
  if (has_embedded) return Status::Ok();
  return ClusterDirectory(store, vault).Insert({.name = kEmbeddedClusterName,
                              .admin_url = admin_url,
                              .capacity = config.embedded_cluster_capacity,
                              .embedded = true});
}

// Where meltanodata-demo and the other helpers are: beside the binary in a
// build tree, ../libexec/meltanodata from it once installed (the .deb).
std::string LibexecDir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return ".";
  auto installed = exe.parent_path().parent_path() / "libexec" / "meltanodata";
  if (!std::filesystem::exists(exe.parent_path() / "meltanodata-demo") && std::filesystem::is_directory(installed)) {
    return installed.string();
  }
  return exe.parent_path().string();
}

// The parent cgroup of this controller's tenants: named after its data dir
// (FNV-1a), so that two controllers on one host never share groups.
std::string CgroupParent(const std::string& data_dir) { return "meltanodata-" + DataDirTag(data_dir); }

RunnerOptions MakeRunnerOptions(const ServerConfig& config) {
  RunnerOptions options;
  options.max_attempts = config.step_max_attempts;
  if (const char* fault = std::getenv("MELTANODATA_FAULT")) options.fault = fault;
  return options;
}

// A file's content without its trailing line break: a secret kept apart from the config.
Result<std::string> ReadSecretFile(const std::string& path, const std::string& what) {
  auto text = ReadFile(path);
  if (!text.ok()) return InvalidArgument(what + ": cannot read " + path + ": " + text.status().message());
  std::string value = *text;
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  if (value.empty()) return InvalidArgument(what + ": " + path + " is empty");
  return value;
}

// The SMTP server when one is configured, else the outbox folder.
Result<std::unique_ptr<Mailer>> MakeMailer(const ServerConfig& config) {
  if (config.smtp_host.empty()) return std::unique_ptr<Mailer>(new OutboxMailer(config.data_dir + "/outbox"));
  SmtpSettings smtp{.host = config.smtp_host,
                    .port = config.smtp_port,
                    .username = config.smtp_username,
                    .starttls = config.smtp_starttls,
                    .ca_file = config.smtp_ca_file};
  if (!config.smtp_password_file.empty()) {
    MD_ASSIGN_OR_RETURN(smtp.password, ReadSecretFile(config.smtp_password_file, "[smtp] password_file"));
  }
  return std::unique_ptr<Mailer>(new SmtpMailer(std::move(smtp)));
}

// [smtp] from: "Name <address>" or a bare address; default noreply at DOMAIN
// (localhost is not a mail domain: then meltanodata.localhost).
Result<MailAddress> SenderAddress(const ServerConfig& config) {
  MailAddress from{.name = "MeltanoData"};
  std::string text = config.smtp_from;
  if (text.empty()) {
    from.address = "noreply@" + (config.domain.find('.') == std::string::npos ? "meltanodata." + config.domain
                                                                            : config.domain);
    return from;
  }
  auto open = text.rfind('<');
  if (open != std::string::npos && text.back() == '>') {
    from.name = Trim(text.substr(0, open));
    from.address = text.substr(open + 1, text.size() - open - 2);
  } else {
    from.name.clear();
    from.address = Trim(text);
  }
  MD_RETURN_IF_ERROR(ValidateEmail(from.address).WithContext("[smtp] from"));
  if (!from.name.empty()) MD_RETURN_IF_ERROR(ValidateName(from.name).WithContext("[smtp] from"));
  return from;
}

// The public endpoints' folder: only the front proxy (its group, setgid so
// the socket gets it) and root may enter, so only they can connect.
Status EnsurePublicDir(const std::string& data_dir, const std::optional<Owner>& proxy_user) {
  std::string dir = std::filesystem::path(PublicSocketPath(data_dir)).parent_path().string();
  if (proxy_user) return EnsureDirectory(dir, 02750, {0, proxy_user->gid});
  return EnsureDirectory(dir, 0700, {geteuid(), getegid()});
}

}  // namespace

int RunServe(int argc, char** argv) {
  auto parsed = ParseServeArgs(argc, argv);
  if (!parsed.ok()) return Fail(parsed.status());
  const ServerConfig& config = *parsed;

  // Signals are taken synchronously by sigwait below; threads inherit the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // Every file and directory gets its mode explicitly; nothing may be wider.
  umask(022);

  // Apps listen on unix sockets beneath it; the longest path must fit in a sockaddr_un.
  if (Layout(config.data_dir).socket_path(std::string(kMaxSubdomainLength, 'a')).size() > kMaxUnixSocketPath) {
    return Fail(InvalidArgument("data dir " + config.data_dir + " is too long: tenants' socket paths beneath it "
                                "would pass " + std::to_string(kMaxUnixSocketPath) + " bytes; choose a shorter one"));
  }
  if (Status s = EnsureDirectory(config.data_dir, 0755, {geteuid(), getegid()}); !s.ok()) return Fail(s);
  auto token = EnsureAdminToken(config.data_dir);
  if (!token.ok()) return Fail(token.status());
  auto store = SqliteStore::Open(config.data_dir + "/meltanodata.db");
  if (!store.ok()) return Fail(store.status());
  auto vault = OpenVault(**store, config.vault_key_file);
  if (!vault.ok()) return Fail(vault.status());
  // Secrets an older version kept in clear are sealed now, once.
  auto sealed = Secrets(**store, **vault).SealPlainSecrets();
  if (!sealed.ok()) return Fail(sealed.status().WithContext("sealing the secrets of an older version"));
  if (*sealed > 0) std::fprintf(stderr, "meltanodata: sealed %d secrets an older version kept in clear\n", *sealed);
  auto sealed_urls = ClusterDirectory(**store, **vault).SealPlainAdminUrls();
  if (!sealed_urls.ok()) return Fail(sealed_urls.status().WithContext("sealing the clusters' admin URLs"));

  S6Supervisor supervisor(config.data_dir + "/services");
  if (Status s = supervisor.EnsureRunning(); !s.ok()) return Fail(s.WithContext("starting the supervisor"));
  if (Status s = InstallWakerService(supervisor, config.data_dir); !s.ok()) return Fail(s.WithContext("the waker"));
  if (Status s = EnsureEmbeddedCluster(**store, **vault, supervisor, config); !s.ok()) {
    return Fail(s.WithContext("starting the embedded PostgreSQL cluster"));
  }

  // The front proxy runs unprivileged; its group may enter the apps' socket dirs.
  std::optional<Owner> proxy_user;
  if (geteuid() == 0) {
    auto user = EnsureSystemUser(kProxyUser);
    if (!user.ok()) return Fail(user.status().WithContext("the front proxy's user"));
    proxy_user = *user;
  }
  auto cgroups = KernelCgroups::Detect({.parent = CgroupParent(config.data_dir)});
  if (!cgroups.ok()) return Fail(cgroups.status().WithContext("resource limits"));
  PostgresDatabase database({.role_connection_limit = config.db_connection_limit});
  LinuxHost host;
  PgArchiver archiver;
  LinuxTenantFs tenant_fs;
  LocalCommandRunner commands;
  ProfileCatalog profiles(config.profiles_dir);
  UnixHealthProbe probe;
  if (Status s = EnsurePublicDir(config.data_dir, proxy_user); !s.ok()) return Fail(s);
  auto front_door = FrontDoorStack::Start(config, supervisor, **store, proxy_user);
  if (!front_door.ok()) return Fail(front_door.status().WithContext("starting the front door"));
  auto file_access = FileAccessStack::Start(config, supervisor, **store, (*front_door)->parts().local_ca);
  if (!file_access.ok()) return Fail(file_access.status().WithContext("starting file access (FTP, SFTP)"));
  ServiceDeps deps{.store = **store,
                   .database = database,
                   .host = host,
                   .supervisor = supervisor,
                   .cgroups = **cgroups,
                   .archiver = archiver,
                   .tenant_fs = tenant_fs,
                   .commands = commands,
                   .vault = **vault,
                   .file_accounts = (*file_access)->accounts(),
                   .profiles = profiles,
                   .probe = probe,
                   .layout = Layout(config.data_dir),
                   .libexec_dir = LibexecDir(),
                   .health_timeout_ms = config.health_timeout_s * 1000,
                   .uid_base = config.uid_base,
                   .scan_dir = supervisor.scan_dir(),
                   .idle_after_s = config.idle_after_s};
  if (proxy_user) deps.proxy_group = proxy_user->gid;
  EventHub events;
  deps.events = &events;
  std::string signup_secret;
  if (!config.signup_secret_file.empty()) {
    auto secret = ReadSecretFile(config.signup_secret_file, "[signup] secret_file");
    if (!secret.ok()) return Fail(secret.status());
    signup_secret = *secret;
  }
  auto mailer = MakeMailer(config);
  if (!mailer.ok()) return Fail(mailer.status());
  auto sender = SenderAddress(config);
  if (!sender.ok()) return Fail(sender.status());
  InstanceContext context(deps);
  TenantSteps steps(deps, context);
  BackupSteps backups(deps, context);
  FrontDoorResources published = (*front_door)->resources();
  published.sshfp = (*file_access)->sshfp();
  Resources resources(deps, context, published);
  CustomerMail mail(**store, deps.secrets(), **mailer, (*front_door)->parts().door,
                    {.from = *sender, .link_validity_ms = int64_t{config.welcome_link_hours} * 3600 * 1000});
  TenantPlans plans(steps, backups, resources, (*front_door)->parts().certs, mail);
  RunnerOptions runner_options = MakeRunnerOptions(config);
  runner_options.events = &events;
  Runner runner(**store, plans, runner_options);
  mail.AttachRunner(runner);
  ControllerImpl controller(
      deps, steps, backups, resources, (*front_door)->parts(), runner, mail,
      {.backup_retention_ms = int64_t{config.backup_retention_days} * 24 * 3600 * 1000,
       .file_access = (*file_access)->summary()});
  if (Status s = runner.Start(); !s.ok()) return Fail(s);
  BackupPruner pruner(controller, **store, int64_t{config.audit_retention_days} * 24 * 3600 * 1000);

  StoreAudit audit(**store);
  SignupLimiter limiter({.per_email = config.signup_per_email_per_hour, .total = config.signup_total_per_hour});
  PublicService public_service(**store, deps.secrets(), audit, controller, mail, (*front_door)->parts().door, limiter,
                               {.app = config.signup_app});
  PublicServer public_server(public_service, {.socket_path = PublicSocketPath(config.data_dir),
                                              .signup_secret = signup_secret,
                                              .refs = {.name = config.signup_name_ref,
                                                       .email = config.signup_email_ref,
                                                       .subdomain = config.signup_subdomain_ref}});
  if (Status s = public_server.Start(); !s.ok()) {
    runner.Stop();
    return Fail(s.WithContext("the public endpoints"));
  }

  // The dashboard at / on the admin listener (plain loopback HTTP: no Secure cookie there).
  dash::Dashboard dashboard(controller, *token, &audit);
  ApiServer api(controller, *token, config.listen_host, config.listen_port, &audit);
  api.Mount(dashboard);
  if (Status s = api.Start(); !s.ok()) {
    runner.Stop();
    return Fail(s.WithContext("listening on " + config.listen_host + ":" + std::to_string(config.listen_port)));
  }
  if (Status s = WriteServePid(config.data_dir); !s.ok()) std::fprintf(stderr, "meltanodata: %s\n", s.message().c_str());
  std::fprintf(stderr, "meltanodata: serving on http://%s:%d, data in %s; mail to %s\n", config.listen_host.c_str(),
               api.port(), config.data_dir.c_str(), (*mailer)->Describe().c_str());

  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::fprintf(stderr, "meltanodata: signal %d, stopping (tenants keep running)\n", sig);
  api.Stop();
  public_server.Stop();
  runner.Stop();
  RemoveServePid(config.data_dir);
  return 0;
}

}  // namespace md
