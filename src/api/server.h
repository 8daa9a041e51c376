#pragma once
// ApiServer: the controller's HTTP JSON API over cpp-httplib with a thread
// pool; its routes are the table of api/routes.h (documented in docs/api.md
// and docs/openapi.json). Every route but GET /healthz needs
// `Authorization: Bearer TOKEN`. It calls the Controller and nothing else.
// Every request that changes something, reads credentials or fails to
// authenticate is recorded in the Audit (if given) before it is answered:
// who, what, when, from where, result — never a body; refused ones at most
// once a minute per client address (api/audit_throttle.h). A WebUi may be
// mounted beside the API (Mount). Does not own the Controller or the
// Audit, which must outlive it. Start/Stop from one thread; handlers run
// concurrently on the pool.

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>

#include "api/audit_throttle.h"
#include "api/controller.h"
#include "api/routes.h"
#include "api/web_ui.h"
#include "core/audit.h"
#include "core/status.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}

namespace md {

class ApiServer {
 public:
  static constexpr size_t kMaxBodyBytes = 64 * 1024;

  // `port` 0 picks a free port (see port() after Start()).
  ApiServer(Controller& controller, std::string admin_token, std::string host, int port, Audit* audit = nullptr);
  ~ApiServer();  // Stops.
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Serves `ui` beside the API (its paths skip the token check and the
  // audit); call before Start(). `ui` must outlive the server.
  void Mount(WebUi& ui);

  // Binds and starts serving in the background. FailedPrecondition if the
  // address is taken or cannot be bound.
  Status Start();
  // Stops accepting, finishes requests in flight, joins. Idempotent.
  void Stop();
  // The bound port (the actual one when 0 was asked); 0 before Start().
  int port() const { return bound_port_; }

 private:
  void InstallRoutes();
  void Serve(const Route& route, const httplib::Request& req, httplib::Response& res);
  bool Authenticated(const httplib::Request& req) const;
  // Records `req` and its answer in audit_ if it is one the log keeps.
  void AuditRequest(const httplib::Request& req, const httplib::Response& res);

  Controller& controller_;
  Audit* audit_;
  WebUi* ui_ = nullptr;
  std::string admin_token_;
  std::string host_;
  int port_;
  int bound_port_ = 0;
  AuditThrottle unauthenticated_;  // which refused requests are recorded
  std::atomic<bool> stopping_{false};  // set by Stop(): event streams end
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace md
