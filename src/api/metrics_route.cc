#include "api/metrics_route.h"

#include <httplib.h>

#include "api/json_codec.h"
#include "api/metrics_source.h"
#include "api/requests.h"

namespace md {

void RegisterMetricsRoute(httplib::Server& server, MetricsSource& source) {
  server.Get("/metrics", [&source](const httplib::Request& req, httplib::Response& res) {
    Status status = CheckQueryParams(req.params, {});
    Result<std::string> page = status.ok() ? source.Exposition() : Result<std::string>(status);
    if (!page.ok()) {
      res.status = HttpStatusForCode(page.status().code());
      res.set_content(DumpJson(ErrorToJson(page.status())), "application/json");
      return;
    }
    res.set_content(*page, "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace md
