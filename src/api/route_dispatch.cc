#include "api/route_dispatch.h"

#include <regex>

#include <httplib.h>

#include "api/json_codec.h"
#include "api/requests.h"

namespace md {
namespace {

std::vector<std::string> QueryNames(const Route& route) {
  std::vector<std::string> names;
  for (const QueryParamSpec& q : route.query) names.push_back(q.name);
  return names;
}

// Each route's pattern as a regular expression, in the table's order.
const std::vector<std::regex>& RoutePatterns() {
  static const std::vector<std::regex> patterns = [] {
    std::vector<std::regex> out;
    for (const Route& route : ApiRoutes()) out.emplace_back(PathRegex(route.path));
    return out;
  }();
  return patterns;
}

}  // namespace

const Route* FindRoute(std::string_view method, const std::string& path, std::vector<std::string>* values) {
  const std::vector<Route>& routes = ApiRoutes();
  for (size_t i = 0; i < routes.size(); ++i) {
    std::smatch m;
    if (routes[i].method != method || !std::regex_match(path, m, RoutePatterns()[i])) continue;
    values->clear();
    for (size_t g = 1; g < m.size(); ++g) values->push_back(m[g].str());
    return &routes[i];
  }
  return nullptr;
}

Result<Reply> RunRoute(const Route& route, Controller& controller, RouteCall& call,
                       const std::vector<std::string>& values) {
  try {
    Status checked = route.open ? Status::Ok() : CheckQueryParams(call.query, QueryNames(route));
    if (checked.ok() && !route.open && route.request.empty()) checked = DecodeEmptyBody(call.body);
    std::vector<std::string> names = PathParamNames(route.path);
    if (checked.ok() && names.size() != values.size()) checked = InvalidArgument("wrong path parameters");
    for (size_t i = 0; checked.ok() && i < names.size(); ++i) {
      checked = FindPathParam(names[i])->validate(values[i]);
      call.path[names[i]] = values[i];
    }
    if (!checked.ok()) return checked;
    return route.handler(controller, call);
  } catch (const std::exception&) {
    return Internal("internal error in the API server");
  }
}

void WriteErrorReply(httplib::Response& res, const Status& status) {
  res.status = HttpStatusForCode(status.code());
  res.set_content(DumpJson(ErrorToJson(status)), "application/json");
  if (status.code() == Code::kUnauthenticated) res.set_header("WWW-Authenticate", "Bearer");
}

void WriteReply(const Route& route, const Reply& reply, httplib::Response& res) {
  if (!reply.location.empty()) res.set_header("Location", reply.location);
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  res.status = reply.status;
  if (reply.stream) {
    res.set_header("Cache-Control", "no-store");
    res.set_chunked_content_provider(route.content_type, [next = reply.stream](size_t, httplib::DataSink& sink) {
      std::string chunk;
      if (!next(&chunk)) {
        sink.done();
        return true;
      }
      return sink.write(chunk.data(), chunk.size());
    });
  } else if (reply.text) {
    res.set_content(*reply.text, route.content_type);
  } else if (reply.body) {
    res.set_content(DumpJson(*reply.body), "application/json");
  }
}

}  // namespace md
