#include "service/challenge_solvers.h"

namespace md {
namespace {

constexpr int kChallengeTtl = 60;

DnsRecord ChallengeRecord(const std::string& domain, const std::string& value) {
  return {.name = "_acme-challenge." + domain, .type = "TXT", .value = value, .ttl = kChallengeTtl};
}

}  // namespace

Status Dns01Solver::Present(const std::string&, const std::string& domain, const std::string&,
                            const std::string& value) {
  return dns_.Add(ChallengeRecord(domain, value));
}

Status Dns01Solver::CleanUp(const std::string&, const std::string& domain, const std::string&,
                            const std::string& value) {
  return dns_.RemoveValue(ChallengeRecord(domain, value));
}

Status Http01Solver::Present(const std::string&, const std::string& domain, const std::string& token,
                             const std::string& value) {
  door_.AddChallenge({.host = domain, .token = token, .key_authorization = value});
  return door_.Sync();
}

Status Http01Solver::CleanUp(const std::string&, const std::string& domain, const std::string& token,
                             const std::string&) {
  door_.RemoveChallenge(domain, token);
  return door_.Sync();
}

}  // namespace md
