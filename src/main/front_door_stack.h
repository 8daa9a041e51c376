#pragma once
// FrontDoorStack: the HTTPS front door as `serve` runs it — Caddy under the
// supervisor, the local CA, the certificates' files, the ACME client and
// RFC 2136 updater when configured, the rate-limit budget, and the service
// objects over them.
// Owns them all; built once by Start, torn down in reverse order.

#include <memory>
#include <optional>
#include <string>

#include "drivers/certs/acme_client.h"
#include "drivers/certs/disk_cert_files.h"
#include "drivers/certs/local_ca.h"
#include "drivers/dns/rfc2136_updater.h"
#include "drivers/proxy/caddy_proxy.h"
#include "drivers/supervisor/supervisor.h"
#include "main/server_config.h"
#include "service/cert_budget.h"
#include "service/cert_manager.h"
#include "service/controller_impl.h"
#include "service/front_door.h"
#include "service/resources/resource_types.h"
#include "service/https_probe.h"
#include "service/registered_domain.h"
#include "store/store.h"

namespace md {

class FrontDoorStack {
 public:
  // Installs and starts Caddy, serves every instance with the certificates
  // at hand (local-CA stand-ins where there are none yet), and starts the
  // certificate manager's background passes. Caddy runs as `caddy_user`
  // when one is given (the controller is root).
  static Result<std::unique_ptr<FrontDoorStack>> Start(const ServerConfig& config, Supervisor& supervisor,
                                                       Store& store, std::optional<Owner> caddy_user);
  ~FrontDoorStack();

  // What the DNS record and route resource types act on.
  FrontDoorResources resources() { return {*door_, *certs_, dns_.get(), addresses_}; }
  FrontDoorParts parts() { return {*door_, *certs_, local_ca_, probe_, trusted_roots_}; }

 private:
  explicit FrontDoorStack(const ServerConfig& config);
  Status Init(const ServerConfig& config, Supervisor& supervisor, Store& store, std::optional<Owner> caddy_user);

  CaddySettings caddy_;
  std::unique_ptr<CaddyProxy> proxy_;
  LocalCa local_ca_;
  DiskCertFiles cert_files_;
  PublicSuffixList psl_;
  CertBudget budget_;
  std::unique_ptr<Rfc2136Updater> dns_;
  std::unique_ptr<AcmeClient> acme_;
  std::unique_ptr<FrontDoor> door_;
  std::unique_ptr<CertManager> certs_;
  PublicAddresses addresses_;
  CurlHttpsProbe probe_;
  std::string trusted_roots_;
};

}  // namespace md
