#include "dashboard/api_caller.h"

#include "api/route_dispatch.h"

namespace md::dash {

Result<RoutedReply> ApiCaller::Call(std::string_view method, const std::string& path, const Params& query,
                                    const std::string& body, const std::string& last_event_id) {
  std::vector<std::string> values;
  const Route* route = FindRoute(method, path, &values);
  if (route == nullptr) return NotFound("no route " + std::string(method) + " " + path);
  RouteCall call{{}, query, body, last_event_id, stopping_};
  MD_ASSIGN_OR_RETURN(Reply reply, RunRoute(*route, controller_, call, values));
  return RoutedReply{route, std::move(reply)};
}

Result<Json> ApiCaller::Get(const std::string& path, const Params& query) {
  MD_ASSIGN_OR_RETURN(RoutedReply r, Call("GET", path, query));
  if (!r.reply.body) return Json(nullptr);
  return std::move(*r.reply.body);  // not copied: a list of thousands of instances is large
}

Result<Json> ApiCaller::Send(std::string_view method, const std::string& path, const Json& body,
                             const Params& query) {
  MD_ASSIGN_OR_RETURN(RoutedReply r, Call(method, path, query, body.is_null() ? "" : DumpJson(body)));
  if (!r.reply.body) return Json(nullptr);
  return std::move(*r.reply.body);
}

}  // namespace md::dash
