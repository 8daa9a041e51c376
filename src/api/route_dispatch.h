#pragma once
// Running a route of the table (api/routes.h) on a request: the checks every
// route gets (query parameter names, no body where it takes none, path
// parameters), then its handler, with any exception turned into Internal; and
// writing its reply as HTTP. ApiServer serves requests with these; the
// dashboard calls the API in-process with them. Thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "api/controller.h"
#include "api/routes.h"
#include "core/status.h"

namespace httplib {
struct Response;
}

namespace md {

// The route of ApiRoutes() for `method` and `path` (no query), with its path
// parameters' raw values in `values`, in order; null if none matches.
const Route* FindRoute(std::string_view method, const std::string& path, std::vector<std::string>* values);

// Checks `call` against `route` (`values` are its path parameters in order,
// stored into call.path) and runs the handler.
Result<Reply> RunRoute(const Route& route, Controller& controller, RouteCall& call,
                       const std::vector<std::string>& values);

// A successful reply as the route's content type: JSON body, text or stream.
void WriteReply(const Route& route, const Reply& reply, httplib::Response& res);
// An error as the API's JSON error body and the status its code maps to.
void WriteErrorReply(httplib::Response& res, const Status& status);

}  // namespace md
