#include "main/front_door_stack.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "core/clock.h"
#include "core/files.h"

namespace md {
namespace {

constexpr int64_t kCertPassIntervalMs = 10 * 60 * 1000;
constexpr const char* kMigrateSysctl = "/proc/sys/net/ipv4/tcp_migrate_req";

// Caddy opens new listeners on every config change and closes the old ones;
// without this, connections queued on an old listener are reset.
void EnableListenerMigration() {
  auto current = ReadFile(kMigrateSysctl);
  if (current.ok() && current->rfind("1", 0) == 0) return;
  FILE* f = std::fopen(kMigrateSysctl, "w");
  bool ok = f && std::fputs("1\n", f) >= 0;
  if (f) ok = std::fclose(f) == 0 && ok;
  if (!ok) {
    std::fprintf(stderr, "meltanodata: warning: cannot set net.ipv4.tcp_migrate_req=1: a config change of the "
                         "front door may reset connections being accepted\n");
  }
}

std::string CaddyBinary() { return PathExists("/usr/bin/caddy") ? "/usr/bin/caddy" : "caddy"; }

}  // namespace

FrontDoorStack::FrontDoorStack(const ServerConfig& config)
    : local_ca_(config.data_dir + "/ca/local"), cert_files_(config.data_dir + "/certs"), budget_(config.limits, psl_) {}

FrontDoorStack::~FrontDoorStack() {
  if (certs_) certs_->Stop();
}

Result<std::unique_ptr<FrontDoorStack>> FrontDoorStack::Start(const ServerConfig& config, Supervisor& supervisor,
                                                              Store& store, std::optional<Owner> caddy_user) {
  std::unique_ptr<FrontDoorStack> stack(new FrontDoorStack(config));
  MD_RETURN_IF_ERROR(stack->Init(config, supervisor, store, caddy_user));
  return stack;
}

Status FrontDoorStack::Init(const ServerConfig& config, Supervisor& supervisor, Store& store,
                            std::optional<Owner> caddy_user) {
  EnableListenerMigration();
  caddy_ = CaddySettings{.state_dir = config.data_dir + "/caddy",
                         .run_as = caddy_user,
                         .https_port = config.https_port,
                         .http_port = config.http_port,
                         .caddy_binary = CaddyBinary()};
  caddy_.admin_socket = caddy_.own_dir() + "/admin.sock";
  // A Caddy still running from before keeps serving; its config file is
  // only written for a Caddy that is not there yet.
  proxy_ = std::make_unique<CaddyProxy>(caddy_);
  if (!proxy_->Ping().ok()) MD_RETURN_IF_ERROR(WriteInitialConfig(caddy_).WithContext("caddy"));
  MD_RETURN_IF_ERROR(supervisor.Install({.name = "caddy", .run_script = RenderCaddyRunScript(caddy_)}));
  Status up = Unavailable("caddy did not start");
  for (int i = 0; i < 200 && !up.ok(); ++i) {
    up = proxy_->Ping();
    if (!up.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  MD_RETURN_IF_ERROR(up.WithContext("caddy's admin API on " + caddy_.admin_socket));

  MD_RETURN_IF_ERROR(local_ca_.Ensure().WithContext("local CA"));
  if (config.dns_rfc2136) {
    MD_ASSIGN_OR_RETURN(dns_, Rfc2136Updater::Create(config.dns));
  }
  if (!config.acme_directory_url.empty()) {
    MD_RETURN_IF_ERROR(EnsureDirectory(config.data_dir + "/acme", 0700));
    acme_ = std::make_unique<AcmeClient>(AcmeSettings{.directory_url = config.acme_directory_url,
                                                      .ca_file = config.acme_ca_file,
                                                      .account_key_path = config.data_dir + "/acme/account.key",
                                                      .contact_email = config.acme_email});
  }
  // The roots `status` trusts through the front door: the local CA's, and the
  // ACME CA's when given.
  MD_ASSIGN_OR_RETURN(std::string roots, local_ca_.RootPem());
  if (!config.acme_roots_file.empty()) {
    MD_ASSIGN_OR_RETURN(std::string acme_roots, ReadFile(config.acme_roots_file));
    roots += "\n" + acme_roots;
  }
  trusted_roots_ = config.data_dir + "/ca/trusted-roots.pem";
  MD_RETURN_IF_ERROR(WriteFileAtomic(trusted_roots_, roots, 0644));

  door_ = std::make_unique<FrontDoor>(store, *proxy_, cert_files_,
                                      FrontDoorSettings{.domain = config.domain, .https_port = config.https_port,
                                                        .data_dir = config.data_dir,
                                                        .public_socket = PublicSocketPath(config.data_dir)});
  certs_ = std::make_unique<CertManager>(store, local_ca_, acme_.get(), dns_.get(), *door_, cert_files_, budget_,
                                         CertManagerSettings{.domain = config.domain});
  addresses_ = {.ipv4 = config.public_ipv4, .ipv6 = config.public_ipv6};
  MD_RETURN_IF_ERROR(certs_->Serve(NowMs()));
  MD_RETURN_IF_ERROR(door_->Sync());
  certs_->Start(kCertPassIntervalMs);
  return Status::Ok();
}

}  // namespace md
