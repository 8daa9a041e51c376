#include "api/server.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <regex>
#include <string_view>
#include <vector>

#include <httplib.h>

#include "api/json_codec.h"
#include "api/event_stream.h"
#include "api/requests.h"
#include "api/route_dispatch.h"
#include "api/routes.h"
#include "core/clock.h"
#include "core/validate.h"

namespace md {
namespace {

using httplib::Request;
using httplib::Response;

constexpr int kThreads = 8 + kMaxEventStreams;  // streams never take the last 8

void WriteJson(Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(DumpJson(body), "application/json");
}

// SHA-256 both sides, then compare in constant time: neither the content nor
// the length of the token leaks through timing.
bool TokenMatches(const std::string& given, const std::string& expected) {
  if (expected.empty()) return false;
  unsigned char a[SHA256_DIGEST_LENGTH];
  unsigned char b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a);
  SHA256(reinterpret_cast<const unsigned char*>(expected.data()), expected.size(), b);
  return CRYPTO_memcmp(a, b, sizeof(a)) == 0;
}

// GET /healthz and the like: no token, no input.
bool IsOpenPath(const std::string& path) {
  for (const Route& route : ApiRoutes()) {
    if (route.open && route.path == path) return true;
  }
  return false;
}

}  // namespace

ApiServer::ApiServer(Controller& controller, std::string admin_token, std::string host, int port, Audit* audit)
    : controller_(controller),
      audit_(audit),
      admin_token_(std::move(admin_token)),
      host_(std::move(host)),
      port_(port),
      server_(std::make_unique<httplib::Server>()) {
  InstallRoutes();
}

ApiServer::~ApiServer() { Stop(); }

Status ApiServer::Start() {
  if (thread_.joinable()) return FailedPrecondition("API server already started");
  int bound = port_ == 0 ? server_->bind_to_any_port(host_) : (server_->bind_to_port(host_, port_) ? port_ : -1);
  if (bound <= 0) {
    return FailedPrecondition("cannot listen on " + host_ + ":" + std::to_string(port_) +
                              ": the address is in use or not available (is another `meltanodata serve` running?)");
  }
  bound_port_ = bound;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() is a no-op until the accept loop runs: wait for it.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return Status::Ok();
}

void ApiServer::Stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;  // event streams end
  if (EventHub* hub = controller_.Events()) hub->WakeAll();
  server_->stop();
  thread_.join();
}

bool ApiServer::Authenticated(const Request& req) const {
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  return header.size() > kBearer.size() && header.compare(0, kBearer.size(), kBearer) == 0 &&
         TokenMatches(header.substr(kBearer.size()), admin_token_);
}

void ApiServer::AuditRequest(const Request& req, const Response& res) {
  if (audit_ == nullptr || IsOpenPath(req.path) || (ui_ != nullptr && ui_->Serves(req.path))) return;
  static const std::regex kCredentials(R"(^/v1/instances/[^/]+/credentials$)");
  const bool reads_only = req.method == "GET" || req.method == "HEAD";
  const bool authenticated = Authenticated(req);
  if (reads_only && authenticated && !std::regex_match(req.path, kCredentials)) return;
  // Refusals cost the client nothing: one row per address per minute, so they cannot fill the store.
  int64_t unrecorded = 0;
  if (!authenticated && !unauthenticated_.Admit(req.remote_addr, NowMs(), &unrecorded)) return;
  AuditEvent e;
  e.actor = authenticated ? "admin" : "";
  e.action = ForMessage(req.method, 16) + " " + ForMessage(req.path, 200);
  static const std::regex kInstancePath(R"(^/v1/instances/([^/]+)(/.*)?$)");
  std::smatch m;
  if (std::regex_match(req.path, m, kInstancePath) && ValidateSubdomain(m[1].str()).ok()) {
    e.subdomain = m[1].str();
  } else if (authenticated && req.method == "POST" && req.path == "/v1/instances" && res.status == 202) {
    // A create names its instance in the body, which is never kept; the answer (an operation) names it too.
    Json op = Json::parse(res.body, nullptr, /*allow_exceptions=*/false);
    if (op.is_object() && op.contains("subdomain") && op["subdomain"].is_string() &&
        ValidateSubdomain(op["subdomain"].get<std::string>()).ok()) {
      e.subdomain = op["subdomain"].get<std::string>();
    }
  }
  e.client = req.remote_addr;
  e.status = res.status;
  if (res.status < 400) {
    e.outcome = "ok";
  } else {
    Status error = StatusFromHttpError(res.status, res.body);
    e.outcome = CodeName(error.code());
  }
  if (unrecorded > 0) e.outcome += " (+" + std::to_string(unrecorded) + " more not recorded)";
  audit_->Record(std::move(e));
}

// Refuses query parameters the route does not take and, unless it takes a
// JSON body, any body but none or `{}`; validates its path parameters; then
// runs it, turns its Status into a JSON error, and never lets an exception out.
void ApiServer::Serve(const Route& route, const Request& req, Response& res) {
  RouteCall call{{}, req.params, req.body, req.get_header_value("Last-Event-ID"), stopping_};
  std::vector<std::string> values(req.matches.begin() + 1, req.matches.end());
  Result<Reply> reply = RunRoute(route, controller_, call, values);
  if (!reply.ok()) return WriteErrorReply(res, reply.status());
  WriteReply(route, *reply, res);
}

void ApiServer::Mount(WebUi& ui) {
  ui_ = &ui;
  ui.Install(*server_, stopping_);
}

void ApiServer::InstallRoutes() {
  httplib::Server& s = *server_;
  s.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  s.set_payload_max_length(kMaxBodyBytes);
  s.set_keep_alive_timeout(2);
  // SO_REUSEADDR only (no SO_REUSEPORT: a second server must fail to bind),
  // and close-on-exec so that processes the controller starts never hold the port.
  s.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    fcntl(sock, F_SETFD, fcntl(sock, F_GETFD) | FD_CLOEXEC);
  });

  s.set_pre_routing_handler([this](const Request& req, Response& res) {
    if (IsOpenPath(req.path)) return httplib::Server::HandlerResponse::Unhandled;
    if (ui_ != nullptr && ui_->Serves(req.path)) return httplib::Server::HandlerResponse::Unhandled;
    if (!Authenticated(req)) {
      const std::string header = req.get_header_value("Authorization");
      WriteErrorReply(res, Status(Code::kUnauthenticated,
                             header.empty() ? "missing admin token: send 'Authorization: Bearer TOKEN'"
                                            : "wrong admin token"));
      return httplib::Server::HandlerResponse::Handled;
    }
    // httplib does not read the body of a GET: refuse one rather than ignore it.
    bool has_body = req.has_header("Transfer-Encoding") ||
                    (req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0");
    if ((req.method == "GET" || req.method == "HEAD") && has_body) {
      WriteErrorReply(res, InvalidArgument("a " + req.method + " request takes no body"));
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  // Fills in a JSON body for errors httplib produces itself (no route, body too large).
  s.set_error_handler(httplib::Server::HandlerWithResponse([](const Request& req, Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    Status status;
    switch (res.status) {
      case 404:
        status = NotFound("no route " + ForMessage(req.method, 16) + " " + ForMessage(req.path, 200) + "; see docs/api.md");
        break;
      case 413:
        status = InvalidArgument("request body is larger than " + std::to_string(kMaxBodyBytes / 1024) + " KiB");
        break;
      case 400: status = InvalidArgument("malformed HTTP request"); break;
      case 414: status = InvalidArgument("request URI is too long"); break;
      default:
        status = res.status >= 400 && res.status < 500
                     ? InvalidArgument("HTTP request refused (" + std::to_string(res.status) + ")")
                     : Internal("HTTP " + std::to_string(res.status));
        break;
    }
    int code = res.status;
    WriteJson(res, code, ErrorToJson(status));
    return httplib::Server::HandlerResponse::Handled;
  }));

  // Recorded before the answer is sent (httplib calls this for every answer,
  // errors and refusals too): once a client has its answer, the event is in the log.
  s.set_post_routing_handler([this](const Request& req, Response& res) { AuditRequest(req, res); });

  s.set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
    WriteErrorReply(res, Internal("internal error in the API server"));
  });

  // No route uses PUT: say so instead of httplib's bare 400.
  s.Put(".*", [](const Request& req, Response& res) {
    WriteJson(res, 405, ErrorToJson(InvalidArgument("method PUT is not allowed on " + ForMessage(req.path, 200) +
                                                    "; see docs/api.md")));
  });

  for (const Route& route : ApiRoutes()) {
    httplib::Server::Handler handler = [this, &route](const Request& req, Response& res) { Serve(route, req, res); };
    const std::string pattern = PathRegex(route.path);
    if (route.method == "GET") {
      s.Get(pattern, std::move(handler));
    } else if (route.method == "POST") {
      s.Post(pattern, std::move(handler));
    } else if (route.method == "PATCH") {
      s.Patch(pattern, std::move(handler));
    } else if (route.method == "DELETE") {
      s.Delete(pattern, std::move(handler));
    } else {
      std::fprintf(stderr, "api: route %s has an unknown method\n", RouteName(route).c_str());
      std::abort();
    }
  }
}

}  // namespace md
