#pragma once
// GET /metrics: the MetricsSource's page as text/plain (Prometheus text
// format 0.0.4). Authentication is the server's, as for every /v1 route:
// a scraper sends `Authorization: Bearer TOKEN`.

namespace httplib {
class Server;
}

namespace md {

class MetricsSource;

// Adds the route to `server`; `source` must outlive it.
void RegisterMetricsRoute(httplib::Server& server, MetricsSource& source);

}  // namespace md
