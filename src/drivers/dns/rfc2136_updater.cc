#include "drivers/dns/rfc2136_updater.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <sys/time.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>
#include <sstream>
#include <vector>

#include "core/validate.h"
#include "drivers/dns/dns_records.h"

namespace md {
namespace {

struct LdnsFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
  void operator()(ldns_resolver* r) const { ldns_resolver_deep_free(r); }
  void operator()(ldns_rr_list* l) const { ldns_rr_list_deep_free(l); }
  void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
  void operator()(ldns_rdf* d) const { ldns_rdf_deep_free(d); }
};
template <typename T>
using Ldns = std::unique_ptr<T, LdnsFree>;

constexpr int kTsigBadSig = 16;
constexpr int kTsigBadKey = 17;
constexpr int kTsigBadTime = 18;
constexpr int kMaxTimeoutMs = 600000;

// One RR of an update section (RFC 2136 2.5): class IN adds `value`, class
// NONE deletes it, class ANY without a value deletes the whole RRset.
struct Change {
  ldns_rr_class rr_class;
  uint32_t ttl;
  std::optional<std::string> value;  // canonical
};

std::string ServerName(const Rfc2136Settings& s) {
  std::string host = s.server.find(':') == std::string::npos ? s.server : "[" + s.server + "]";
  return "DNS server " + host + ":" + std::to_string(s.port);
}

std::string RcodeName(int rcode) {
  ldns_lookup_table* entry = ldns_lookup_by_id(ldns_rcodes, rcode);
  return entry != nullptr ? entry->name : "RCODE " + std::to_string(rcode);
}

ldns_rr_type RrType(const std::string& type) {
  if (type == "A") return LDNS_RR_TYPE_A;
  if (type == "SSHFP") return LDNS_RR_TYPE_SSHFP;
  return type == "AAAA" ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_TXT;
}

// An SSHFP value's three fields ("ALG FPTYPE hex", canonical) as rdata.
bool PushSshfpRdfs(ldns_rr* rr, const std::string& value) {
  std::istringstream in(value);
  unsigned algorithm = 0, fp_type = 0;
  std::string hex;
  in >> algorithm >> fp_type >> hex;
  std::vector<uint8_t> bytes(hex.size() / 2);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  ldns_rdf* fields[] = {ldns_native2rdf_int8(LDNS_RDF_TYPE_INT8, static_cast<uint8_t>(algorithm)),
                        ldns_native2rdf_int8(LDNS_RDF_TYPE_INT8, static_cast<uint8_t>(fp_type)),
                        ldns_rdf_new_frm_data(LDNS_RDF_TYPE_HEX, bytes.size(), bytes.data())};
  bool ok = true;
  for (ldns_rdf* field : fields) {
    if (ok && field != nullptr && ldns_rr_push_rdf(rr, field)) continue;
    ok = false;
    ldns_rdf_deep_free(field);
  }
  return ok;
}

// The rdata of a canonical value (dns_records.h): an address, or one
// character-string (length byte, then the text).
ldns_rdf* ValueRdf(const std::string& type, const std::string& value) {
  uint8_t bytes[1 + dns_records::kMaxTxtBytes];
  if (type == "TXT") {
    bytes[0] = static_cast<uint8_t>(value.size());
    memcpy(bytes + 1, value.data(), value.size());
    return ldns_rdf_new_frm_data(LDNS_RDF_TYPE_STR, value.size() + 1, bytes);
  }
  bool v4 = type == "A";
  if (inet_pton(v4 ? AF_INET : AF_INET6, value.c_str(), bytes) != 1) return nullptr;
  return ldns_rdf_new_frm_data(v4 ? LDNS_RDF_TYPE_A : LDNS_RDF_TYPE_AAAA, v4 ? 4 : 16, bytes);
}

Ldns<ldns_rr> NewRr(const std::string& name, const std::string& type, const Change& change) {
  Ldns<ldns_rr> rr(ldns_rr_new());
  ldns_rdf* owner = ldns_dname_new_frm_str(name.c_str());
  if (!rr || owner == nullptr) {
    ldns_rdf_deep_free(owner);
    return nullptr;
  }
  ldns_rr_set_owner(rr.get(), owner);
  ldns_rr_set_type(rr.get(), RrType(type));
  ldns_rr_set_class(rr.get(), change.rr_class);
  ldns_rr_set_ttl(rr.get(), change.ttl);
  if (change.value && type == "SSHFP") {
    if (!PushSshfpRdfs(rr.get(), *change.value)) return nullptr;
  } else if (change.value) {
    ldns_rdf* rdata = ValueRdf(type, *change.value);
    if (rdata == nullptr || !ldns_rr_push_rdf(rr.get(), rdata)) {
      ldns_rdf_deep_free(rdata);
      return nullptr;
    }
  }
  return rr;
}

// A client of the one server over TCP (never UDP: an update or an answer of
// any size fits, and a stopped server is refused at once instead of timing
// out), signing with the TSIG key if `sign`.
Result<Ldns<ldns_resolver>> NewResolver(const Rfc2136Settings& s, bool sign) {
  Ldns<ldns_resolver> r(ldns_resolver_new());
  bool v4 = s.server.find(':') == std::string::npos;
  Ldns<ldns_rdf> address(ldns_rdf_new_frm_str(v4 ? LDNS_RDF_TYPE_A : LDNS_RDF_TYPE_AAAA, s.server.c_str()));
  if (!r || !address || ldns_resolver_push_nameserver(r.get(), address.get()) != LDNS_STATUS_OK) {
    return Internal("cannot set up a DNS client for " + ServerName(s));
  }
  ldns_resolver_set_port(r.get(), static_cast<uint16_t>(s.port));
  ldns_resolver_set_usevc(r.get(), true);
  ldns_resolver_set_retry(r.get(), 1);
  ldns_resolver_set_timeout(r.get(), timeval{s.timeout_ms / 1000, (s.timeout_ms % 1000) * 1000});
  if (sign) {
    // libldns wants both names fully qualified (it looks the algorithm up by "hmac-sha256.").
    ldns_resolver_set_tsig_keyname(r.get(), (s.tsig_key_name + ".").c_str());
    ldns_resolver_set_tsig_algorithm(r.get(), (s.tsig_algorithm + ".").c_str());
    ldns_resolver_set_tsig_keydata(r.get(), s.tsig_secret.c_str());
  }
  return r;
}

int TsigError(const ldns_pkt* answer) {
  const ldns_rr* tsig = ldns_pkt_tsig(answer);
  if (tsig == nullptr || ldns_rr_rd_count(tsig) < 6) return 0;
  return ldns_rdf2native_int16(ldns_rr_rdf(tsig, 5));
}

// Sends `query` (signed already, if at all) and returns the answer, or
// Unavailable. `status` gets libldns's verdict on the answer's TSIG.
Result<Ldns<ldns_pkt>> Exchange(const Rfc2136Settings& s, ldns_resolver* resolver, ldns_pkt* query,
                                const std::string& what, ldns_status* status) {
  ldns_pkt* raw = nullptr;
  *status = ldns_send(&raw, resolver, query);
  Ldns<ldns_pkt> answer(raw);
  if (!answer) {
    return Unavailable(ServerName(s) + " refused the connection or did not answer " + what + " within " +
                       std::to_string(s.timeout_ms) + " ms (libldns: " + ldns_get_errorstr_by_id(*status) + ")");
  }
  return answer;
}

Status SendUpdate(const Rfc2136Settings& s, const std::string& name, const std::string& type,
                  const std::vector<Change>& changes) {
  const Status cannot_build = Internal("cannot build the DNS update of " + name);
  Ldns<ldns_rr_list> updates(ldns_rr_list_new());
  if (!updates) return cannot_build;
  for (const auto& change : changes) {
    Ldns<ldns_rr> rr = NewRr(name, type, change);
    if (!rr || !ldns_rr_list_push_rr(updates.get(), rr.get())) return cannot_build;
    rr.release();  // owned by the list now
  }
  // The packet clones the list and takes the zone name.
  Ldns<ldns_pkt> update(ldns_update_pkt_new(ldns_dname_new_frm_str(s.zone.c_str()), LDNS_RR_CLASS_IN, nullptr,
                                            updates.get(), nullptr));
  if (!update) return cannot_build;
  ldns_pkt_set_rd(update.get(), false);
  ldns_pkt_set_random_id(update.get());
  MD_ASSIGN_OR_RETURN(Ldns<ldns_resolver> resolver, NewResolver(s, true));
  ldns_status status = ldns_update_pkt_tsig_add(update.get(), resolver.get());
  if (status != LDNS_STATUS_OK) {
    return Internal("cannot sign the DNS update of " + name + " with TSIG key " + s.tsig_key_name + ": " +
                    ldns_get_errorstr_by_id(status));
  }
  MD_ASSIGN_OR_RETURN(Ldns<ldns_pkt> answer,
                      Exchange(s, resolver.get(), update.get(), "the update of " + name, &status));
  // Refusals of the key come unsigned, so the RCODE goes first.
  MD_RETURN_IF_ERROR(UpdateAnswerStatus(ldns_pkt_get_rcode(answer.get()), TsigError(answer.get()), name, s));
  if (status == LDNS_STATUS_CRYPTO_TSIG_BOGUS) {
    return FailedPrecondition("the answer of " + ServerName(s) + " to the update of " + name +
                              " is not signed with TSIG key " + s.tsig_key_name);
  }
  if (status != LDNS_STATUS_OK) {
    return Internal("the answer of " + ServerName(s) + " to the update of " + name + ": " +
                    ldns_get_errorstr_by_id(status));
  }
  return Status::Ok();
}

// The value of an answer's A, AAAA, TXT or SSHFP record, as dns_records.h
// writes it (TXT character-strings joined).
std::string ValueText(const ldns_rr* rr) {
  std::string out;
  if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SSHFP && ldns_rr_rd_count(rr) == 3) {
    for (size_t i = 0; i < 2; ++i) out += std::to_string(ldns_rdf2native_int8(ldns_rr_rdf(rr, i))) + " ";
    const ldns_rdf* fp = ldns_rr_rdf(rr, 2);
    char hex[3];
    for (size_t i = 0; i < ldns_rdf_size(fp); ++i) {
      std::snprintf(hex, sizeof hex, "%02x", ldns_rdf_data(fp)[i]);
      out += hex;
    }
    return out;
  }
  for (size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
    const ldns_rdf* rdf = ldns_rr_rdf(rr, i);
    const uint8_t* data = ldns_rdf_data(rdf);
    if (ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_STR) {
      if (ldns_rdf_size(rdf) > 0) out.append(reinterpret_cast<const char*>(data) + 1, ldns_rdf_size(rdf) - 1);
      continue;
    }
    char text[INET6_ADDRSTRLEN] = "";
    inet_ntop(ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_A ? AF_INET : AF_INET6, data, text, sizeof(text));
    out += text;
  }
  return out;
}

bool IsBase64(const std::string& secret) {
  if (secret.empty() || !std::all_of(secret.begin(), secret.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
               c == '=';
      })) {
    return false;
  }
  ldns_rdf* raw = nullptr;
  bool ok = ldns_str2rdf_b64(&raw, secret.c_str()) == LDNS_STATUS_OK;
  Ldns<ldns_rdf> decoded(raw);
  return ok && decoded && ldns_rdf_size(decoded.get()) > 0;
}

}  // namespace

Status UpdateAnswerStatus(int rcode, int tsig_error, const std::string& name, const Rfc2136Settings& s) {
  const std::string server = ServerName(s);
  const std::string key = "TSIG key " + s.tsig_key_name;
  switch (tsig_error) {
    case 0:
      break;
    case kTsigBadSig:
      return FailedPrecondition(server + " rejected the signature of " + key + " (BADSIG: wrong secret or algorithm)");
    case kTsigBadKey:
      return FailedPrecondition(server + " does not accept " + key + " for zone " + s.zone +
                                " (BADKEY: unknown key, other algorithm, or not allowed by the zone's update ACL)");
    case kTsigBadTime:
      return FailedPrecondition(server + " rejected the time of " + key +
                                " (BADTIME: the clocks differ by more than 5 minutes)");
    default:
      return FailedPrecondition(server + " rejected " + key + " (TSIG error " + std::to_string(tsig_error) + ")");
  }
  switch (rcode) {
    case LDNS_RCODE_NOERROR:
      return Status::Ok();
    case LDNS_RCODE_REFUSED:
      return FailedPrecondition(server + " refused the update of " + name + " (check the zone's update ACL)");
    case LDNS_RCODE_NOTAUTH:
      return FailedPrecondition(server + " is not authoritative for zone " + s.zone + " or does not accept " + key +
                                " (NOTAUTH)");
    case LDNS_RCODE_NOTZONE:
      return InvalidArgument(server + " says " + name + " is not in zone " + s.zone + " (NOTZONE)");
    case LDNS_RCODE_SERVFAIL:
      return Unavailable(server + " failed to apply the update of " + name + " (SERVFAIL; see its log)");
    default:
      return Internal(server + " answered " + RcodeName(rcode) + " to the update of " + name);
  }
}

Result<std::unique_ptr<Rfc2136Updater>> Rfc2136Updater::Create(Rfc2136Settings s) {
  uint8_t address[16];
  if (s.server.find('\0') != std::string::npos ||
      (inet_pton(AF_INET, s.server.c_str(), address) != 1 && inet_pton(AF_INET6, s.server.c_str(), address) != 1)) {
    return InvalidArgument("DNS server '" + ForMessage(s.server) + "' is not an IP address");
  }
  if (s.port < 1 || s.port > 65535) return InvalidArgument("DNS server port must be 1-65535");
  MD_ASSIGN_OR_RETURN(s.zone, dns_records::CheckDomainName("zone", s.zone));
  MD_ASSIGN_OR_RETURN(s.tsig_key_name, dns_records::CheckDomainName("TSIG key name", s.tsig_key_name));
  if (s.tsig_algorithm != "hmac-sha256" && s.tsig_algorithm != "hmac-sha512" && s.tsig_algorithm != "hmac-sha1") {
    return InvalidArgument("TSIG algorithm must be hmac-sha256, hmac-sha512 or hmac-sha1, not '" +
                           ForMessage(s.tsig_algorithm) + "'" +
                           (s.tsig_algorithm == "hmac-sha384" ? " (libldns 1.8.3 cannot sign with it)" : ""));
  }
  if (!IsBase64(s.tsig_secret)) return InvalidArgument("the secret of TSIG key " + s.tsig_key_name + " is not base64");
  if (s.timeout_ms < 1 || s.timeout_ms > kMaxTimeoutMs) {
    return InvalidArgument("DNS timeout must be 1 to " + std::to_string(kMaxTimeoutMs) + " ms");
  }
  return std::unique_ptr<Rfc2136Updater>(new Rfc2136Updater(std::move(s)));
}

Status Rfc2136Updater::Replace(const std::string& name, const std::string& type,
                               const std::vector<std::string>& values, int ttl) {
  MD_ASSIGN_OR_RETURN(std::string checked, dns_records::CheckName(zone(), name));
  MD_ASSIGN_OR_RETURN(std::vector<std::string> canonical, dns_records::CanonicalValues(type, values));
  MD_RETURN_IF_ERROR(dns_records::CheckTtl(ttl));
  std::vector<Change> changes = {{LDNS_RR_CLASS_ANY, 0, std::nullopt}};
  for (auto& value : canonical) changes.push_back({LDNS_RR_CLASS_IN, static_cast<uint32_t>(ttl), std::move(value)});
  return SendUpdate(settings_, checked, type, changes);
}

Status Rfc2136Updater::Add(const DnsRecord& record) {
  MD_ASSIGN_OR_RETURN(DnsRecord r, dns_records::CheckRecord(zone(), record));
  MD_RETURN_IF_ERROR(dns_records::CheckTtl(r.ttl));
  return SendUpdate(settings_, r.name, r.type, {{LDNS_RR_CLASS_IN, static_cast<uint32_t>(r.ttl), r.value}});
}

Status Rfc2136Updater::RemoveValue(const DnsRecord& record) {
  MD_ASSIGN_OR_RETURN(DnsRecord r, dns_records::CheckRecord(zone(), record));
  return SendUpdate(settings_, r.name, r.type, {{LDNS_RR_CLASS_NONE, 0, r.value}});
}

Status Rfc2136Updater::Remove(const std::string& name, const std::string& type) {
  MD_ASSIGN_OR_RETURN(std::string checked, dns_records::CheckName(zone(), name));
  MD_RETURN_IF_ERROR(dns_records::CheckType(type));
  return SendUpdate(settings_, checked, type, {{LDNS_RR_CLASS_ANY, 0, std::nullopt}});
}

Result<std::vector<std::string>> Rfc2136Updater::Lookup(const std::string& name, const std::string& type) {
  MD_ASSIGN_OR_RETURN(std::string checked, dns_records::CheckName(zone(), name));
  MD_RETURN_IF_ERROR(dns_records::CheckType(type));
  const std::string what = "the query for " + checked + " " + type;
  Ldns<ldns_rdf> owner(ldns_dname_new_frm_str(checked.c_str()));
  // No flags: recursion not desired.
  Ldns<ldns_pkt> query(owner ? ldns_pkt_query_new(ldns_rdf_clone(owner.get()), RrType(type), LDNS_RR_CLASS_IN, 0)
                             : nullptr);
  if (!query) return Internal("cannot build " + what);
  ldns_pkt_set_random_id(query.get());
  MD_ASSIGN_OR_RETURN(Ldns<ldns_resolver> resolver, NewResolver(settings_, false));
  ldns_status status;
  MD_ASSIGN_OR_RETURN(Ldns<ldns_pkt> answer, Exchange(settings_, resolver.get(), query.get(), what, &status));
  int rcode = ldns_pkt_get_rcode(answer.get());
  if (rcode == LDNS_RCODE_SERVFAIL) return Unavailable(ServerName(settings_) + " failed " + what + " (SERVFAIL)");
  if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) {
    return FailedPrecondition(ServerName(settings_) + " answered " + RcodeName(rcode) + " to " + what +
                              " (is it authoritative for zone " + zone() + "?)");
  }
  if (!ldns_pkt_aa(answer.get())) {
    return FailedPrecondition(ServerName(settings_) + " is not authoritative for zone " + zone() +
                              " (its answer to " + what + " has no AA flag)");
  }
  std::vector<std::string> values;
  const ldns_rr_list* records = ldns_pkt_answer(answer.get());
  for (size_t i = 0; i < ldns_rr_list_rr_count(records); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(records, i);
    if (ldns_rr_get_type(rr) == RrType(type) && ldns_dname_compare(ldns_rr_owner(rr), owner.get()) == 0) {
      values.push_back(ValueText(rr));
    }
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

}  // namespace md
