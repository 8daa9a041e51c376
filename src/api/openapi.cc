#include "api/openapi.h"

#include <cctype>

#include "api/schemas.h"

namespace md {
namespace {

Json Ref(const std::string& schema) { return {{"$ref", "#/components/schemas/" + schema}}; }

// "Operation" or "Operation[]".
Json SchemaOf(const std::string& name) {
  const std::string suffix = "[]";
  if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return {{"type", "array"}, {"items", Ref(name.substr(0, name.size() - suffix.size()))}};
  }
  return Ref(name);
}

Json TypeOf(ParamType type) {
  switch (type) {
    case ParamType::kString: return {{"type", "string"}};
    case ParamType::kInteger: return {{"type", "integer"}, {"minimum", 1}};
    case ParamType::kBoolean: return {{"type", "boolean"}};
  }
  return {{"type", "string"}};
}

const char* Describe(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted: the operation, queued; follow it at its Location or on /v1/events";
    case 204: return "Done; no body";
    case 400: return "Bad input (a body, path or query parameter)";
    case 401: return "Missing or wrong admin token";
    case 404: return "Not found";
    case 409: return "Conflict: exists, busy, full or not possible now";
    case 500: return "Internal error";
    case 503: return "Unavailable; try again";
  }
  return "See docs/api.md";
}

// get_v1_instances_subdomain_logs
std::string OperationId(const Route& route) {
  std::string id;
  for (char c : route.method) id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (char c : route.path) {
    bool word = std::isalnum(static_cast<unsigned char>(c));
    if (word) {
      id += c;
    } else if (id.back() != '_') {
      id += '_';
    }
  }
  while (id.back() == '_') id.pop_back();
  return id;
}

// "instances" for /v1/instances/..., "health" for /healthz.
std::string Tag(const Route& route) {
  std::string path = route.path;
  const std::string v1 = "/v1/";
  if (path.compare(0, v1.size(), v1) != 0) return "health";
  std::string first = path.substr(v1.size(), path.find('/', v1.size()) - v1.size());
  auto dot = first.find('.');
  return dot == std::string::npos ? first : first.substr(0, dot);
}

Json ErrorResponse(int status) {
  return {{"description", Describe(status)}, {"content", {{"application/json", {{"schema", Ref("Error")}}}}}};
}

Json PathItem(const Route& route) {
  Json op = {{"operationId", OperationId(route)}, {"summary", route.summary}, {"tags", {Tag(route)}}};
  Json params = Json::array();
  for (const std::string& name : PathParamNames(route.path)) {
    const PathParamSpec* spec = FindPathParam(name);
    params.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"description", spec->description},
                      {"schema", TypeOf(spec->type)}});
  }
  for (const QueryParamSpec& q : route.query) {
    params.push_back({{"name", q.name}, {"in", "query"}, {"required", false}, {"description", q.description},
                      {"schema", TypeOf(q.type)}});
  }
  if (route.content_type == "text/event-stream") {
    params.push_back({{"name", "Last-Event-ID"}, {"in", "header"}, {"required", false},
                      {"description", "resume after this event (browsers send it when they reconnect)"},
                      {"schema", {{"type", "string"}}}});
  }
  if (!params.empty()) op["parameters"] = params;
  if (!route.request.empty()) {
    op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", SchemaOf(route.request)}}}}}};
  }
  Json responses = Json::object();
  const int success = route.statuses.front();
  Json ok = {{"description", Describe(success)}};
  if (route.content_type == "text/event-stream") {
    const std::string about = "server-sent events: `id: N`, `event: TYPE`, `data: " + route.response +
                              "` (JSON); `event: reset` when events were missed; a comment line every 15 s";
    ok["content"] = {{route.content_type, {{"schema", {{"type", "string"}, {"description", about}}}}}};
  } else if (route.content_type != "application/json") {
    ok["content"] = {{route.content_type, {{"schema", {{"type", "string"}}}}}};
  } else if (!route.response.empty()) {
    ok["content"] = {{route.content_type, {{"schema", SchemaOf(route.response)}}}};
  }
  responses[std::to_string(success)] = ok;
  for (size_t i = 1; i < route.statuses.size(); ++i) {
    responses[std::to_string(route.statuses[i])] = ErrorResponse(route.statuses[i]);
  }
  if (!route.open) {
    // Every route refuses bad input (unknown query parameters, a body where none is taken).
    responses["400"] = ErrorResponse(400);
    responses["401"] = ErrorResponse(401);
    responses["500"] = ErrorResponse(500);
  } else {
    op["security"] = Json::array();
  }
  op["responses"] = responses;
  return op;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Json OpenApiDocument(const std::vector<Route>& routes) {
  Json paths = Json::object();
  for (const Route& route : routes) paths[route.path][Lower(route.method)] = PathItem(route);
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "MeltanoData admin API"},
        {"version", "1"},
        {"description",
         "The controller's loopback HTTP API: every verb of the command line and the dashboard goes through it. "
         "Every route but /healthz needs `Authorization: Bearer TOKEN` (the admin token). Errors are "
         "{\"error\": {\"code\", \"message\"}}. See docs/api.md."}}},
      {"servers", {{{"url", "http://127.0.0.1:8600"}}}},
      {"security", {{{"adminToken", Json::array()}}}},
      {"paths", paths},
      {"components",
       {{"securitySchemes", {{"adminToken", {{"type", "http"}, {"scheme", "bearer"}}}}},
        {"schemas", ApiSchemas()}}},
  };
}

}  // namespace md
