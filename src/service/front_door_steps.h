#pragma once
// FrontDoorSteps: the steps that put an instance behind the front door and
// take it away — its DNS records (A, and AAAA when an IPv6 address is set;
// recorded in the ledger) and its route. Thread-safe for different tenants.

#include <string>

#include "drivers/dns/dns_updater.h"
#include "service/cert_manager.h"
#include "service/front_door.h"
#include "store/store.h"

namespace md {

struct PublicAddresses {
  std::string ipv4;  // the A records' address
  std::string ipv6;  // the AAAA records'; empty: none
};

class FrontDoorSteps {
 public:
  // `dns` null: DNS is not managed (e.g. *.localhost), the steps do nothing.
  FrontDoorSteps(Store& store, FrontDoor& door, CertManager& certs, DnsUpdater* dns, PublicAddresses addresses)
      : store_(store), door_(door), certs_(certs), dns_(dns), addresses_(std::move(addresses)) {}

  Status PublishDns(const std::string& sub);
  // Removes the records the ledger holds for the instance.
  Status RemoveDns(const std::string& sub);
  // The proxy serves the store's instances (a deleting one is left out).
  Status SyncRoutes();
  // Certificates of custom domains no instance has any more are dropped, in the background.
  void ForgetCertificates() { certs_.Wake(); }

 private:
  Store& store_;
  FrontDoor& door_;
  CertManager& certs_;
  DnsUpdater* dns_;
  const PublicAddresses addresses_;
};

}  // namespace md
