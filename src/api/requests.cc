#include "api/requests.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <set>

#include "core/validate.h"

namespace md {
namespace {

// Parses `body` as JSON, reads it strictly into a T, then checks it.
template <typename T>
Result<T> Decode(std::string_view body, Status (*validate)(const T&)) {
  if (body.empty()) return InvalidArgument("request body is empty; expected a JSON object");
  MD_ASSIGN_OR_RETURN(Json j, ParseJson(body));
  T value;
  MD_RETURN_IF_ERROR(FromJson(j, &value));
  MD_RETURN_IF_ERROR(validate(value));
  return value;
}

bool IsCursorChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ',' || c == '_' ||
         c == '-';
}

}  // namespace

Result<CreateRequest> DecodeCreateRequest(std::string_view body) { return Decode(body, &ValidateCreateRequest); }
Result<EnvChange> DecodeEnvChange(std::string_view body) { return Decode(body, &ValidateEnvChange); }
Result<ResourceLimits> DecodeLimitsChange(std::string_view body) {
  return Decode<ResourceLimits>(body, [](const ResourceLimits&) { return Status::Ok(); });
}
Result<UpgradeRequest> DecodeUpgradeRequest(std::string_view body) { return Decode(body, &ValidateUpgradeRequest); }
Result<ClusterSpec> DecodeClusterSpec(std::string_view body) { return Decode(body, &ValidateClusterSpec); }
Result<DomainRequest> DecodeDomainRequest(std::string_view body) { return Decode(body, &ValidateDomainRequest); }
Result<OperatorRequest> DecodeOperatorRequest(std::string_view body) {
  return Decode(body, &ValidateOperatorRequest);
}

Status DecodeEmptyBody(std::string_view body) {
  if (body.empty()) return Status::Ok();
  MD_ASSIGN_OR_RETURN(Json j, ParseJson(body));
  if (!j.is_object() || !j.empty()) return InvalidArgument("this request takes no body (or an empty JSON object)");
  return Status::Ok();
}

Status ValidateOperatorRequest(const OperatorRequest& r) {
  MD_RETURN_IF_ERROR(ValidateOperatorName(r.name));
  return ValidateOperatorPassword(r.password);
}

Status ValidateCreateRequest(const CreateRequest& r) {
  MD_RETURN_IF_ERROR(ValidateSubdomain(r.subdomain));
  MD_RETURN_IF_ERROR(ValidateEmail(r.email));
  MD_RETURN_IF_ERROR(ValidateName(r.name));
  MD_RETURN_IF_ERROR(ValidateAppName(r.app));
  if (!r.version.empty()) MD_RETURN_IF_ERROR(ValidateVersion(r.version));
  return Status::Ok();
}

Status ValidateEnvChange(const EnvChange& change) {
  if (change.set.empty() && change.unset.empty()) {
    return InvalidArgument("change request has nothing to 'set' or 'unset'");
  }
  for (const auto& [key, value] : change.set) {
    MD_RETURN_IF_ERROR(ValidateEnvKey(key));
    // The key is valid here, so it may be quoted; the value never is.
    MD_RETURN_IF_ERROR(ValidateEnvValue(value).WithContext(key));
  }
  for (const std::string& key : change.unset) {
    MD_RETURN_IF_ERROR(ValidateEnvKey(key));
    if (change.set.count(key)) return InvalidArgument("'" + key + "' is both set and unset");
  }
  return Status::Ok();
}

Status ValidateUpgradeRequest(const UpgradeRequest& r) {
  if (r.all == !r.subdomains.empty()) {
    return InvalidArgument("upgrade request needs either 'subdomains' or \"all\": true, not both");
  }
  MD_RETURN_IF_ERROR(ValidateVersion(r.version));
  std::set<std::string_view> seen;
  for (const std::string& sub : r.subdomains) {
    MD_RETURN_IF_ERROR(ValidateSubdomain(sub));
    if (!seen.insert(sub).second) return InvalidArgument("subdomain '" + sub + "' is listed twice");
  }
  return Status::Ok();
}

Status ValidateClusterSpec(const ClusterSpec& spec) {
  MD_RETURN_IF_ERROR(ValidateClusterName(spec.name));
  MD_RETURN_IF_ERROR(ValidateClusterUrl(spec.url));
  if (spec.capacity < 1 || spec.capacity > kMaxClusterCapacity) {
    return InvalidArgument("cluster capacity must be from 1 to " + std::to_string(kMaxClusterCapacity));
  }
  return Status::Ok();
}

Status ValidateDomainRequest(const DomainRequest& r) { return ValidateHostName(r.host); }

Result<int64_t> ParseOperationId(std::string_view text) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return InvalidArgument("operation id must be a positive integer");
  }
  return id;
}

Result<int64_t> ParseIntParam(std::string_view name, std::optional<std::string_view> text, int64_t fallback,
                              int64_t min, int64_t max) {
  if (!text) return fallback;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    return InvalidArgument("query parameter '" + ForMessage(name) + "' must be an integer from " +
                           std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

Result<bool> ParseBoolParam(std::string_view name, std::optional<std::string_view> text, bool fallback) {
  if (!text) return fallback;
  if (*text == "true") return true;
  if (*text == "false") return false;
  return InvalidArgument("query parameter '" + ForMessage(name) + "' must be true or false");
}

Result<InstanceQuery> ParseInstanceQuery(std::optional<std::string_view> limit, std::optional<std::string_view> offset,
                                         std::optional<std::string_view> sort, std::optional<std::string_view> status,
                                         std::optional<std::string_view> text) {
  InstanceQuery query;
  MD_ASSIGN_OR_RETURN(query.limit, ParseIntParam("limit", limit, 0, 1, kMaxInstancesLimit));
  MD_ASSIGN_OR_RETURN(query.offset, ParseIntParam("offset", offset, 0, 0, INT32_MAX));
  if (sort) {
    std::string_view key = *sort;
    query.descending = !key.empty() && key.front() == '-';
    if (query.descending) key.remove_prefix(1);
    static const std::pair<std::string_view, InstanceQuery::Sort> kSorts[] = {
        {"subdomain", InstanceQuery::Sort::kSubdomain}, {"name", InstanceQuery::Sort::kName},
        {"status", InstanceQuery::Sort::kStatus},       {"app", InstanceQuery::Sort::kApp},
        {"version", InstanceQuery::Sort::kVersion},     {"cluster", InstanceQuery::Sort::kCluster},
        {"created", InstanceQuery::Sort::kCreated}};
    auto it = std::find_if(std::begin(kSorts), std::end(kSorts), [&](const auto& s) { return s.first == key; });
    if (it == std::end(kSorts)) {
      return InvalidArgument("query parameter 'sort' must be subdomain, name, status, app, version, cluster or created, "
                             "with a leading - for descending");
    }
    query.sort = it->second;
  }
  if (status) {
    InstanceStatus parsed;
    if (!ParseInstanceStatus(std::string(*status), &parsed)) {
      return InvalidArgument("query parameter 'status' must be an instance status (running, stopped, ...)");
    }
    query.status = InstanceStatusName(parsed);
  }
  if (text) {
    if (text->empty() || text->size() > kMaxInstancesText || !IsValidUtf8(*text) ||
        std::any_of(text->begin(), text->end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
      return InvalidArgument("query parameter 'q' must be 1 to " + std::to_string(kMaxInstancesText) +
                             " bytes of UTF-8 text, no control character");
    }
    query.text = std::string(*text);
  }
  return query;
}

Status ValidateLogCursor(std::string_view cursor) {
  if (cursor.size() > kMaxLogCursor) return InvalidArgument("query parameter 'cursor' is too long");
  for (char c : cursor) {
    if (!IsCursorChar(c)) {
      return InvalidArgument("query parameter 'cursor' is not a cursor this controller handed out");
    }
  }
  return Status::Ok();
}

Status CheckQueryParams(const std::multimap<std::string, std::string>& params,
                        const std::vector<std::string>& allowed) {
  for (auto it = params.begin(); it != params.end(); it = params.upper_bound(it->first)) {
    const std::string& name = it->first;
    bool known = false;
    for (const std::string& a : allowed) known = known || a == name;
    if (!known) {
      std::string expected;
      for (const std::string& a : allowed) expected += (expected.empty() ? "" : ", ") + a;
      return InvalidArgument("unknown query parameter '" + ForMessage(name) + "'" +
                             (expected.empty() ? "; this route takes none" : "; expected one of: " + expected));
    }
    if (params.count(name) > 1) return InvalidArgument("query parameter '" + name + "' is given more than once");
  }
  return Status::Ok();
}

}  // namespace md
