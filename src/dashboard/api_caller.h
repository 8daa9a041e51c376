#pragma once
// ApiCaller: the dashboard's client of the API. It calls a route of the
// table in-process (api/route_dispatch.h) with the same checks an HTTP
// request gets, so every page is made of the API's JSON answers and every
// change goes through the API's own validation and messages; the dashboard
// holds no logic of its own about instances. Thread-safe.

#include <atomic>
#include <map>
#include <string>
#include <string_view>

#include "api/controller.h"
#include "api/json_codec.h"
#include "api/routes.h"
#include "core/status.h"

namespace md::dash {

using Params = std::multimap<std::string, std::string>;

// A route's reply and the route that gave it (its content type).
struct RoutedReply {
  const Route* route = nullptr;
  Reply reply;
};

class ApiCaller {
 public:
  ApiCaller(Controller& controller, const std::atomic<bool>& stopping)
      : controller_(controller), stopping_(stopping) {}

  // `method path` with `query` and a JSON `body` ("" for none). NotFound if
  // no route matches; else the route's reply or its error.
  Result<RoutedReply> Call(std::string_view method, const std::string& path, const Params& query = {},
                           const std::string& body = "", const std::string& last_event_id = "");
  // The JSON body of a GET.
  Result<Json> Get(const std::string& path, const Params& query = {});
  // The JSON body (null if none) of a change.
  Result<Json> Send(std::string_view method, const std::string& path, const Json& body = nullptr,
                    const Params& query = {});

 private:
  Controller& controller_;
  const std::atomic<bool>& stopping_;
};

}  // namespace md::dash
