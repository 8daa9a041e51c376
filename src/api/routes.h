#pragma once
// The admin API's one route table: every route with what it takes, what it
// answers and its handler. ApiServer installs its handlers from it, the
// OpenAPI document (api/openapi.h) is generated from it, and the
// hostile-input test iterates it (tests/unit/api_hostile_test.cc keys its
// valid requests by RouteName). Adding a route is adding one entry to
// ApiRoutes() in routes.cc (and its test entry); see docs/api.md.

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/controller.h"
#include "api/json_codec.h"
#include "core/status.h"

namespace md {

// What a handler answers.
struct Reply {
  int status = 200;
  std::optional<Json> body;  // none: no body (204, or a stream, or text)
  std::string location;      // the Location header, if any
  // A streamed answer (server-sent events) instead of a body: called again
  // and again from the request's thread for the next chunk, which it may wait
  // for; false ends the stream.
  std::function<bool(std::string* chunk)> stream;
  // A body that is not JSON (e.g. Prometheus text), sent as the route's content_type.
  std::optional<std::string> text;
  std::vector<std::pair<std::string, std::string>> headers;  // more headers of the answer
};

Reply Ok(Json body);
// 202 with the operation and its Location.
Reply Accepted(const Operation& op);

// A request as a handler sees it. Path parameters are validated (see
// PathParamSpecs) and query parameters checked against the route's before
// the handler runs.
struct RouteCall {
  std::map<std::string, std::string> path;                // by the names in the route's pattern
  const std::multimap<std::string, std::string>& query;
  std::string_view body;
  std::string last_event_id;          // the Last-Event-ID header ("" if none)
  const std::atomic<bool>& stopping;  // the server is stopping: streams end

  const std::string& Path(const std::string& name) const { return path.at(name); }
  std::optional<std::string_view> Query(const char* name) const;
};

enum class ParamType { kString, kInteger, kBoolean };

struct QueryParamSpec {
  std::string name;
  ParamType type = ParamType::kString;
  std::string description;
};

// A path parameter: a `{name}` in a route's pattern means the same thing on
// every route, and is validated the same way before any handler runs.
struct PathParamSpec {
  std::string name;
  ParamType type = ParamType::kString;
  std::string description;
  std::function<Status(const std::string&)> validate;
};
const std::vector<PathParamSpec>& PathParamSpecs();
const PathParamSpec* FindPathParam(const std::string& name);  // null if unknown

using RouteHandler = std::function<Result<Reply>(Controller&, const RouteCall&)>;

struct Route {
  std::string method;                  // GET POST PATCH DELETE
  std::string path;                    // "/v1/instances/{subdomain}/logs"
  std::vector<QueryParamSpec> query;   // the query parameters it takes; others are refused
  std::string request;                 // schema of its JSON body (api/schemas.h); "": none (empty or `{}`)
  std::string response;                // schema of a success's body; "X[]": an array of X; "": none
  std::vector<int> statuses;           // the success status first, then the errors it answers itself
  std::string summary;                 // one line
  RouteHandler handler;
  bool open = false;                   // no token needed; reads no input (GET /healthz)
  // Of a success: "application/json" (Reply::body), "text/event-stream"
  // (Reply::stream), anything else (Reply::text, documented as a string).
  std::string content_type = "application/json";
};

// Every route of the admin API, in the order docs/api.md lists them.
const std::vector<Route>& ApiRoutes();

// "GET /v1/instances/{subdomain}".
std::string RouteName(const Route& route);
// The path parameter names of a pattern, in order: {"subdomain", "host"}.
std::vector<std::string> PathParamNames(const std::string& pattern);
// The pattern as a regular expression for httplib: each {name} -> ([^/]+).
std::string PathRegex(const std::string& pattern);

}  // namespace md
