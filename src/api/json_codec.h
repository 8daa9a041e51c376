#pragma once
// The one JSON codec of the HTTP API: the server encodes with it and the CLI
// decodes with it. Responses decode leniently (unknown fields are ignored, so
// an older client reads a newer server); request bodies decode strictly
// (unknown fields and wrong types are InvalidArgument). A cluster's admin_url
// is never encoded: only its host:port. Stateless free functions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/controller.h"
#include "core/event_hub.h"
#include "core/status.h"
#include "core/types.h"

namespace md {

using Json = nlohmann::json;

// --- request bodies that are not domain records -------------------------------------------

// PATCH /v1/instances/SUB/flags and /secrets.
struct EnvChange {
  EnvMap set;
  std::vector<std::string> unset;
};

// POST /v1/clusters. `url` holds a password: never print it.
struct ClusterSpec {
  std::string name;
  std::string url;
  int capacity = 0;
};

// POST /v1/upgrades.
struct UpgradeRequest {
  std::vector<std::string> subdomains;
  bool all = false;
  std::string version;
};

// POST /v1/instances/SUB/domains: a customer's own host name for the instance.
struct DomainRequest {
  std::string host;
};

// POST /v1/operators. `password` is a secret: never print it.
struct OperatorRequest {
  std::string name;
  std::string password;
};

// --- helpers ------------------------------------------------------------------------------

// "host:port" of a PostgreSQL connection URL or key=value string, with the
// user and password removed; "" when it cannot be told.
std::string RedactedClusterAddress(const std::string& admin_url);

// RFC 3339 UTC with milliseconds ("2026-03-01T12:00:00.123Z"); 0 -> "".
std::string FormatTimestamp(int64_t ms);
// Accepts what FormatTimestamp writes (the fraction is optional).
bool ParseTimestamp(std::string_view text, int64_t* ms);

// json.dump() that never throws: invalid UTF-8 (e.g. in logs) is replaced.
std::string DumpJson(const Json& j, int indent = -1);
// Parses a request or response body. The error names the byte offset but
// never quotes the body (it may hold a secret). An object with the same key
// twice, at any depth, is refused ("duplicate key 'x'"), never last-one-wins.
Result<Json> ParseJson(std::string_view body);

// {"error": {"code": "not_found", "message": "..."}}
Json ErrorToJson(const Status& status);
int HttpStatusForCode(Code code);
// The Status an error response stands for: from its JSON body when it has
// one, else from the HTTP status.
Status StatusFromHttpError(int http_status, std::string_view body);
bool ParseCodeName(std::string_view name, Code* out);

// --- encoders -----------------------------------------------------------------------------

Json ToJson(const Instance& instance);
Json ToJson(const Cluster& cluster);  // name used capacity full draining embedded address
Json ToJson(const StepRecord& step);
Json ToJson(const Operation& op);
// The instance's fields + up pid uptime_s health health_error, and the front door:
// "https": {"url", "code", "error"}, "certificate": {"issuer", "not_after", "trusted"}.
Json ToJson(const InstanceStatusReport& report);
Json ToJson(const LogChunk& chunk);
Json ToJson(const DoctorFinding& finding);
Json ToJson(const BackupInfo& backup);
Json ToJson(const CertificateInfo& cert);
Json ToJson(const CustomDomain& domain);
Json ToJson(const Credential& credential);  // kind username password target: only `credentials show`
Json ToJson(const AuditEvent& event);       // id at actor action subdomain client status outcome
// id event_id name email subdomain state instance instance_status operation error client_address created_at updated_at
Json ToJson(const SignupInfo& signup);
Json ToJson(const CreateRequest& request);
Json ToJson(const EnvChange& change);
// PATCH /v1/instances/SUB/limits: only the fields to change (-1: absent).
Json ToJson(const ResourceLimits& change);
Json ToJson(const ClusterSpec& spec);
Json ToJson(const UpgradeRequest& request);
Json ToJson(const DomainRequest& request);
Json ToJson(const OperatorInfo& info);
Json ToJson(const OperatorRequest& request);
Json ToJson(const KnownHostLine& line);
// id type at subdomain, and operation (+ step: the step's name) or status.
Json ToJson(const Event& event);

template <typename T>
Json ToJson(const std::vector<T>& items) {
  Json array = Json::array();
  for (const T& item : items) array.push_back(ToJson(item));
  return array;
}

// --- decoders -----------------------------------------------------------------------------
// Responses (lenient about unknown fields):
Status FromJson(const Json& j, Instance* out);
Status FromJson(const Json& j, Cluster* out);  // admin_url stays empty
Status FromJson(const Json& j, StepRecord* out);
Status FromJson(const Json& j, Operation* out);
Status FromJson(const Json& j, InstanceStatusReport* out);
Status FromJson(const Json& j, LogChunk* out);
Status FromJson(const Json& j, DoctorFinding* out);
Status FromJson(const Json& j, BackupInfo* out);
Status FromJson(const Json& j, CertificateInfo* out);
Status FromJson(const Json& j, CustomDomain* out);
Status FromJson(const Json& j, Credential* out);
Status FromJson(const Json& j, AuditEvent* out);
Status FromJson(const Json& j, SignupInfo* out);
Status FromJson(const Json& j, KnownHostLine* out);
Status FromJson(const Json& j, EnvMap* out);                     // {"KEY": "VALUE", ...}
Status FromJson(const Json& j, std::string* out);
// Request bodies (strict):
Status FromJson(const Json& j, CreateRequest* out);
Status FromJson(const Json& j, EnvChange* out);
Status FromJson(const Json& j, ResourceLimits* out);
Status FromJson(const Json& j, ClusterSpec* out);
Status FromJson(const Json& j, UpgradeRequest* out);
Status FromJson(const Json& j, DomainRequest* out);
Status FromJson(const Json& j, OperatorInfo* out);
Status FromJson(const Json& j, OperatorRequest* out);

template <typename T>
Status FromJson(const Json& j, std::vector<T>* out) {
  if (!j.is_array()) return InvalidArgument("expected a JSON array");
  out->clear();
  for (const Json& item : j) {
    T value;
    MD_RETURN_IF_ERROR(FromJson(item, &value));
    out->push_back(std::move(value));
  }
  return Status::Ok();
}

}  // namespace md
