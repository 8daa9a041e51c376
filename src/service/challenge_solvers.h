#pragma once
// The two ways the controller proves control of a name to the ACME CA:
// DNS-01 through the zone's RFC 2136 server (the wildcard), HTTP-01 through
// the front door (custom domains). Thread-safe as their drivers are.

#include "drivers/certs/challenge_solver.h"
#include "drivers/dns/dns_updater.h"
#include "service/front_door.h"

namespace md {

class Dns01Solver final : public ChallengeSolver {
 public:
  explicit Dns01Solver(DnsUpdater& dns) : dns_(dns) {}
  bool Supports(const std::string& type) const override { return type == "dns-01"; }
  Status Present(const std::string& type, const std::string& domain, const std::string& token,
                 const std::string& value) override;
  Status CleanUp(const std::string& type, const std::string& domain, const std::string& token,
                 const std::string& value) override;

 private:
  DnsUpdater& dns_;
};

class Http01Solver final : public ChallengeSolver {
 public:
  explicit Http01Solver(FrontDoor& door) : door_(door) {}
  bool Supports(const std::string& type) const override { return type == "http-01"; }
  Status Present(const std::string& type, const std::string& domain, const std::string& token,
                 const std::string& value) override;
  Status CleanUp(const std::string& type, const std::string& domain, const std::string& token,
                 const std::string& value) override;

 private:
  FrontDoor& door_;
};

}  // namespace md
