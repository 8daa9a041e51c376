#pragma once
// Decoding and validation of what a client sends the API (bodies, path and
// query parameters), without a socket: the server calls these, and so does the
// fuzzer (fuzz/api_request_fuzzer.cc). Every refusal is InvalidArgument with
// one line of text that never quotes a body. Pure functions; thread-safe.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/controller.h"
#include "api/json_codec.h"
#include "core/status.h"

namespace md {

inline constexpr int kDefaultLogLines = 100;
inline constexpr int kMaxLogLines = 100000;
inline constexpr int kDefaultOpsLimit = 50;
inline constexpr int kMaxOpsLimit = 1000;
inline constexpr int kDefaultAuditLimit = 100;
inline constexpr int kMaxAuditLimit = 100000;
inline constexpr int kMaxClusterCapacity = 100000;
inline constexpr size_t kMaxLogCursor = 512;
inline constexpr int kMaxInstancesLimit = 1000;
inline constexpr size_t kMaxInstancesText = 100;

// --- bodies: the JSON shape (strict), then the validators below ---------------------------

Result<CreateRequest> DecodeCreateRequest(std::string_view body);  // POST /v1/instances
Result<EnvChange> DecodeEnvChange(std::string_view body);          // PATCH .../flags, .../secrets
Result<ResourceLimits> DecodeLimitsChange(std::string_view body);  // PATCH .../limits
Result<UpgradeRequest> DecodeUpgradeRequest(std::string_view body);  // POST /v1/upgrades
Result<ClusterSpec> DecodeClusterSpec(std::string_view body);      // POST /v1/clusters
Result<DomainRequest> DecodeDomainRequest(std::string_view body);  // POST /v1/instances/SUB/domains
Result<OperatorRequest> DecodeOperatorRequest(std::string_view body);  // POST /v1/operators
// Routes that take no parameters: an empty body or `{}`.
Status DecodeEmptyBody(std::string_view body);

// What a decoded request must satisfy besides its JSON shape.
Status ValidateCreateRequest(const CreateRequest& request);
Status ValidateEnvChange(const EnvChange& change);
Status ValidateUpgradeRequest(const UpgradeRequest& request);
Status ValidateClusterSpec(const ClusterSpec& spec);
Status ValidateDomainRequest(const DomainRequest& request);
Status ValidateOperatorRequest(const OperatorRequest& request);

// --- path and query parameters -------------------------------------------------------------

// The ID of /v1/operations/ID: a positive decimal integer.
Result<int64_t> ParseOperationId(std::string_view text);

// An integer query parameter from `min` to `max`; `fallback` when absent.
Result<int64_t> ParseIntParam(std::string_view name, std::optional<std::string_view> text, int64_t fallback,
                              int64_t min, int64_t max);

// A boolean query parameter: "true" or "false"; `fallback` when absent.
Result<bool> ParseBoolParam(std::string_view name, std::optional<std::string_view> text, bool fallback);

// A log cursor as the controller hands it out: 0-512 of A-Z a-z 0-9 , _ -.
Status ValidateLogCursor(std::string_view cursor);

// GET /v1/instances's `limit` (1-1000; absent: all), `offset`, `sort` (subdomain,
// name, status, app or created; a leading `-` sorts descending), `status` (a
// status name) and `q` (1-100 bytes of UTF-8, no control character).
Result<InstanceQuery> ParseInstanceQuery(std::optional<std::string_view> limit, std::optional<std::string_view> offset,
                                         std::optional<std::string_view> sort, std::optional<std::string_view> status,
                                         std::optional<std::string_view> text);

// Query parameter names: each at most once, and only those in `allowed`.
Status CheckQueryParams(const std::multimap<std::string, std::string>& params,
                        const std::vector<std::string>& allowed);

}  // namespace md
