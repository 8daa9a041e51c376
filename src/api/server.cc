#include "api/server.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <sys/socket.h>

#include <chrono>
#include <functional>
#include <optional>
#include <regex>
#include <string_view>
#include <vector>

#include <httplib.h>

#include "api/json_codec.h"
#include "api/metrics_route.h"
#include "api/requests.h"
#include "core/clock.h"
#include "core/validate.h"

namespace md {
namespace {

using httplib::Request;
using httplib::Response;

constexpr int kThreads = 8;

// What a route handler answers: a status and a JSON body (none for 204).
struct Reply {
  int status = 200;
  std::optional<Json> body;
  std::string location;
};

Reply Ok(Json body) { return {200, std::move(body), ""}; }
Reply Accepted(const Operation& op) {
  return {202, ToJson(op), "/v1/operations/" + std::to_string(op.id)};
}

void WriteJson(Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(DumpJson(body), "application/json");
}

void WriteError(Response& res, const Status& status) {
  WriteJson(res, HttpStatusForCode(status.code()), ErrorToJson(status));
  if (status.code() == Code::kUnauthenticated) res.set_header("WWW-Authenticate", "Bearer");
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

Result<std::string> SubdomainParam(const Request& req) {
  std::string sub = req.matches[1];
  MD_RETURN_IF_ERROR(ValidateSubdomain(sub));
  return sub;
}

// The HOST of /v1/instances/SUB/domains/HOST, validated.
Result<std::string> HostParam(const Request& req) {
  std::string host = req.matches[2];
  MD_RETURN_IF_ERROR(ValidateHostName(host));
  return host;
}

Result<std::string> ClusterNameParam(const Request& req) {
  std::string name = req.matches[1];
  MD_RETURN_IF_ERROR(ValidateClusterName(name));
  return name;
}

std::optional<std::string_view> QueryParam(const Request& req, const char* name) {
  auto it = req.params.find(name);
  if (it == req.params.end()) return std::nullopt;
  return std::string_view(it->second);
}

}  // namespace

ApiServer::ApiServer(Controller& controller, std::string admin_token, std::string host, int port, Audit* audit,
                     MetricsSource* metrics)
    : controller_(controller),
      audit_(audit),
      metrics_(metrics),
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
  if (audit_ == nullptr || req.path == "/healthz") return;
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
    if (req.path == "/healthz") return httplib::Server::HandlerResponse::Unhandled;
    if (!Authenticated(req)) {
      const std::string header = req.get_header_value("Authorization");
      WriteError(res, Status(Code::kUnauthenticated,
                             header.empty() ? "missing admin token: send 'Authorization: Bearer TOKEN'"
                                            : "wrong admin token"));
      return httplib::Server::HandlerResponse::Handled;
    }
    // httplib does not read the body of a GET: refuse one rather than ignore it.
    bool has_body = req.has_header("Transfer-Encoding") ||
                    (req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0");
    if ((req.method == "GET" || req.method == "HEAD") && has_body) {
      WriteError(res, InvalidArgument("a " + req.method + " request takes no body"));
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
    WriteError(res, Internal("internal error in the API server"));
  });

  // Wraps a route: refuses query parameters it does not take (`query`) and,
  // unless it takes a JSON body, any body but none or `{}`; then runs it,
  // turns its Status into a JSON error, and never lets an exception out.
  enum class Body { kNone, kJson };
  auto route = [](Body body, std::vector<std::string> query, std::function<Result<Reply>(const Request&)> fn) {
    return [body, query = std::move(query), fn = std::move(fn)](const Request& req, Response& res) {
      Result<Reply> reply = Internal("no reply");
      try {
        Status checked = CheckQueryParams(req.params, query);
        if (checked.ok() && body == Body::kNone) checked = DecodeEmptyBody(req.body);
        reply = checked.ok() ? fn(req) : Result<Reply>(checked);
      } catch (const std::exception&) {
        reply = Internal("internal error in the API server");
      }
      if (!reply.ok()) return WriteError(res, reply.status());
      if (!reply->location.empty()) res.set_header("Location", reply->location);
      if (reply->body) {
        WriteJson(res, reply->status, *reply->body);
      } else {
        res.status = reply->status;
      }
    };
  };
  const Body kNone = Body::kNone;
  const Body kJson = Body::kJson;
  Controller& c = controller_;

  // No route uses PUT: say so instead of httplib's bare 400.
  s.Put(".*", [](const Request& req, Response& res) {
    WriteJson(res, 405, ErrorToJson(InvalidArgument("method PUT is not allowed on " + ForMessage(req.path, 200) +
                                                    "; see docs/api.md")));
  });

  // A probe: reads no input (a query or body is ignored) and needs no token.
  s.Get("/healthz", [](const Request&, Response& res) { WriteJson(res, 200, {{"ok", true}}); });

  // Prometheus text, not JSON: its own handler.
  if (metrics_ != nullptr) RegisterMetricsRoute(s, *metrics_);

  // --- instances ---
  s.Get("/v1/instances", route(kNone, {}, [&c](const Request&) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(auto list, c.ListInstances());
          return Ok(ToJson(list));
        }));
  s.Post("/v1/instances", route(kJson, {}, [&c](const Request& req) -> Result<Reply> {
           MD_ASSIGN_OR_RETURN(CreateRequest request, DecodeCreateRequest(req.body));
           MD_ASSIGN_OR_RETURN(Operation op, c.CreateInstance(request));
           return Accepted(op);
         }));
  s.Get(R"(/v1/instances/([^/]+))", route(kNone, {}, [&c](const Request& req) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
          MD_ASSIGN_OR_RETURN(Instance instance, c.GetInstance(sub));
          return Ok(ToJson(instance));
        }));
  s.Delete(R"(/v1/instances/([^/]+))", route(kNone, {"backup"}, [&c](const Request& req) -> Result<Reply> {
             MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
             MD_ASSIGN_OR_RETURN(bool backup, ParseBoolParam("backup", QueryParam(req, "backup"), true));
             MD_ASSIGN_OR_RETURN(Operation op, c.DeleteInstance(sub, backup));
             return Accepted(op);
           }));
  s.Get(R"(/v1/instances/([^/]+)/status)", route(kNone, {}, [&c](const Request& req) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
          MD_ASSIGN_OR_RETURN(InstanceStatusReport report, c.GetStatus(sub));
          return Ok(ToJson(report));
        }));
  s.Get(R"(/v1/instances/([^/]+)/logs)", route(kNone, {"lines", "cursor"}, [&c](const Request& req) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
          MD_ASSIGN_OR_RETURN(int64_t lines,
                              ParseIntParam("lines", QueryParam(req, "lines"), kDefaultLogLines, 1, kMaxLogLines));
          std::string cursor(QueryParam(req, "cursor").value_or(""));
          MD_RETURN_IF_ERROR(ValidateLogCursor(cursor));
          MD_ASSIGN_OR_RETURN(LogChunk chunk, c.ReadLogs(sub, static_cast<int>(lines), cursor));
          return Ok(ToJson(chunk));
        }));
  s.Get(R"(/v1/instances/([^/]+)/flags)", route(kNone, {}, [&c](const Request& req) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
          MD_ASSIGN_OR_RETURN(EnvMap flags, c.ListFlags(sub));
          return Ok(Json(flags));
        }));
  s.Patch(R"(/v1/instances/([^/]+)/flags)", route(kJson, {}, [&c](const Request& req) -> Result<Reply> {
            MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
            MD_ASSIGN_OR_RETURN(EnvChange change, DecodeEnvChange(req.body));
            MD_ASSIGN_OR_RETURN(Operation op, c.ChangeFlags(sub, change.set, change.unset));
            return Accepted(op);
          }));
  s.Patch(R"(/v1/instances/([^/]+)/limits)", route(kJson, {}, [&c](const Request& req) -> Result<Reply> {
            MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
            MD_ASSIGN_OR_RETURN(ResourceLimits change, DecodeLimitsChange(req.body));
            MD_ASSIGN_OR_RETURN(Operation op, c.SetLimits(sub, change));
            return Accepted(op);
          }));
  s.Get(R"(/v1/instances/([^/]+)/secrets)", route(kNone, {}, [&c](const Request& req) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
          MD_ASSIGN_OR_RETURN(std::vector<std::string> names, c.ListSecretNames(sub));
          return Ok(Json(names));
        }));
  s.Patch(R"(/v1/instances/([^/]+)/secrets)", route(kJson, {}, [&c](const Request& req) -> Result<Reply> {
            MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
            MD_ASSIGN_OR_RETURN(EnvChange change, DecodeEnvChange(req.body));
            MD_ASSIGN_OR_RETURN(Operation op, c.ChangeSecrets(sub, change.set, change.unset));
            return Accepted(op);
          }));
  s.Get(R"(/v1/instances/([^/]+)/credentials)", route(kNone, {}, [&c](const Request& req) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
          MD_ASSIGN_OR_RETURN(auto credentials, c.ShowCredentials(sub));
          return Ok(ToJson(credentials));
        }));
  s.Post(R"(/v1/instances/([^/]+)/credentials/rotate)", route(kNone, {"kind"}, [&c](const Request& req) -> Result<Reply> {
           MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
           std::string kind(QueryParam(req, "kind").value_or(""));
           MD_ASSIGN_OR_RETURN(Operation op, c.RotateCredentials(sub, kind));
           return Accepted(op);
         }));
  s.Post(R"(/v1/instances/([^/]+)/(start|stop|restart))", route(kNone, {}, [&c](const Request& req) -> Result<Reply> {
           MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
           std::string verb = req.matches[2];
           Lifecycle action = verb == "start" ? Lifecycle::kStart : verb == "stop" ? Lifecycle::kStop : Lifecycle::kRestart;
           MD_ASSIGN_OR_RETURN(Operation op, c.ChangeLifecycle(sub, action));
           return Accepted(op);
         }));
  s.Post(R"(/v1/instances/([^/]+)/wipe-db)", route(kNone, {}, [&c](const Request& req) -> Result<Reply> {
           MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
           MD_ASSIGN_OR_RETURN(Operation op, c.WipeDatabase(sub));
           return Accepted(op);
         }));
  s.Post(R"(/v1/instances/([^/]+)/backups)", route(kNone, {}, [&c](const Request& req) -> Result<Reply> {
           MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
           MD_ASSIGN_OR_RETURN(Operation op, c.BackupInstance(sub));
           return Accepted(op);
         }));
  s.Post(R"(/v1/instances/([^/]+)/restore)", route(kNone, {"from"}, [&c](const Request& req) -> Result<Reply> {
           MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
           std::string from(QueryParam(req, "from").value_or(""));
           if (!from.empty()) MD_RETURN_IF_ERROR(ValidateBackupId(from));
           MD_ASSIGN_OR_RETURN(Operation op, c.Restore(sub, from));
           return Accepted(op);
         }));
  s.Get("/v1/backups", route(kNone, {"subdomain"}, [&c](const Request& req) -> Result<Reply> {
          std::string sub(QueryParam(req, "subdomain").value_or(""));
          if (!sub.empty()) MD_RETURN_IF_ERROR(ValidateSubdomain(sub));
          MD_ASSIGN_OR_RETURN(auto backups, c.ListBackups(sub));
          return Ok(ToJson(backups));
        }));
  s.Post("/v1/upgrades", route(kJson, {}, [&c](const Request& req) -> Result<Reply> {
           MD_ASSIGN_OR_RETURN(UpgradeRequest request, DecodeUpgradeRequest(req.body));
           MD_ASSIGN_OR_RETURN(auto ops, c.Upgrade(request.subdomains, request.all, request.version));
           return Reply{202, ToJson(ops), ""};
         }));

  // --- the front door: certificates, the local CA, custom domains ---
  s.Get("/v1/certificates", route(kNone, {}, [&c](const Request&) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(auto certs, c.ListCertificates());
          return Ok(ToJson(certs));
        }));
  s.Get("/v1/ca", route(kNone, {}, [&c](const Request&) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(std::string pem, c.LocalCaRootPem());
          return Ok(Json{{"root_pem", pem}});
        }));
  s.Get("/v1/known-hosts", route(kNone, {"subdomain"}, [&c](const Request& req) -> Result<Reply> {
          std::string sub(QueryParam(req, "subdomain").value_or(""));
          if (!sub.empty()) MD_RETURN_IF_ERROR(ValidateSubdomain(sub));
          MD_ASSIGN_OR_RETURN(auto lines, c.KnownHosts(sub));
          return Ok(ToJson(lines));
        }));
  s.Get("/v1/domains", route(kNone, {"subdomain"}, [&c](const Request& req) -> Result<Reply> {
          std::string sub(QueryParam(req, "subdomain").value_or(""));
          if (!sub.empty()) MD_RETURN_IF_ERROR(ValidateSubdomain(sub));
          MD_ASSIGN_OR_RETURN(auto domains, c.ListDomains(sub));
          return Ok(ToJson(domains));
        }));
  s.Post(R"(/v1/instances/([^/]+)/domains)", route(kJson, {}, [&c](const Request& req) -> Result<Reply> {
           MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
           MD_ASSIGN_OR_RETURN(DomainRequest request, DecodeDomainRequest(req.body));
           MD_ASSIGN_OR_RETURN(CustomDomain domain, c.AddDomain(sub, request.host));
           return Reply{201, ToJson(domain), "/v1/instances/" + sub + "/domains/" + request.host};
         }));
  s.Delete(R"(/v1/instances/([^/]+)/domains/([^/]+))", route(kNone, {}, [&c](const Request& req) -> Result<Reply> {
             MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
             MD_ASSIGN_OR_RETURN(std::string host, HostParam(req));
             MD_RETURN_IF_ERROR(c.RemoveDomain(sub, host));
             return Reply{204, std::nullopt, ""};
           }));

  // --- signups and welcome emails ---
  s.Get("/v1/signups", route(kNone, {}, [&c](const Request&) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(auto signups, c.ListSignups());
          return Ok(ToJson(signups));
        }));
  s.Post(R"(/v1/instances/([^/]+)/welcome)", route(kNone, {}, [&c](const Request& req) -> Result<Reply> {
           MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
           MD_ASSIGN_OR_RETURN(Operation op, c.ResendWelcome(sub));
           return Accepted(op);
         }));

  // --- clusters ---
  s.Get("/v1/clusters", route(kNone, {}, [&c](const Request&) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(auto list, c.ListClusters());
          return Ok(ToJson(list));
        }));
  s.Post("/v1/clusters", route(kJson, {}, [&c](const Request& req) -> Result<Reply> {
           MD_ASSIGN_OR_RETURN(ClusterSpec spec, DecodeClusterSpec(req.body));
           MD_ASSIGN_OR_RETURN(Cluster cluster, c.AddCluster(spec.name, spec.url, spec.capacity));
           return Reply{201, ToJson(cluster), "/v1/clusters/" + cluster.name};
         }));
  s.Post(R"(/v1/clusters/([^/]+)/drain)", route(kNone, {}, [&c](const Request& req) -> Result<Reply> {
           MD_ASSIGN_OR_RETURN(std::string name, ClusterNameParam(req));
           MD_ASSIGN_OR_RETURN(Cluster cluster, c.DrainCluster(name));
           return Ok(ToJson(cluster));
         }));
  s.Delete(R"(/v1/clusters/([^/]+))", route(kNone, {}, [&c](const Request& req) -> Result<Reply> {
             MD_ASSIGN_OR_RETURN(std::string name, ClusterNameParam(req));
             MD_RETURN_IF_ERROR(c.RemoveCluster(name));
             return Reply{204, std::nullopt, ""};
           }));

  // --- operations ---
  s.Get("/v1/operations", route(kNone, {"subdomain", "limit"}, [&c](const Request& req) -> Result<Reply> {
          std::string sub(QueryParam(req, "subdomain").value_or(""));
          if (!sub.empty()) MD_RETURN_IF_ERROR(ValidateSubdomain(sub));
          MD_ASSIGN_OR_RETURN(int64_t limit,
                              ParseIntParam("limit", QueryParam(req, "limit"), kDefaultOpsLimit, 1, kMaxOpsLimit));
          MD_ASSIGN_OR_RETURN(auto ops, c.ListOperations(sub, static_cast<int>(limit)));
          return Ok(ToJson(ops));
        }));
  s.Get(R"(/v1/operations/([^/]+))", route(kNone, {}, [&c](const Request& req) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(int64_t id, ParseOperationId(req.matches[1].str()));
          MD_ASSIGN_OR_RETURN(Operation op, c.GetOperation(id));
          return Ok(ToJson(op));
        }));

  // --- audit log ---
  s.Get("/v1/audit", route(kNone, {"subdomain", "since", "limit"}, [&c](const Request& req) -> Result<Reply> {
          AuditQuery query;
          query.subdomain = std::string(QueryParam(req, "subdomain").value_or(""));
          if (!query.subdomain.empty()) MD_RETURN_IF_ERROR(ValidateSubdomain(query.subdomain));
          if (auto since = QueryParam(req, "since"); since && !ParseTimestamp(*since, &query.since_ms)) {
            return InvalidArgument("since must be an RFC 3339 UTC time, e.g. 2026-03-01T12:00:00Z");
          }
          MD_ASSIGN_OR_RETURN(int64_t limit, ParseIntParam("limit", QueryParam(req, "limit"), kDefaultAuditLimit, 1,
                                                           kMaxAuditLimit));
          query.limit = static_cast<int>(limit);
          MD_ASSIGN_OR_RETURN(auto events, c.ListAudit(query));
          return Ok(ToJson(events));
        }));

  // --- doctor ---
  s.Get("/v1/doctor", route(kNone, {}, [&c](const Request&) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(auto findings, c.Doctor(false));
          return Ok(ToJson(findings));
        }));
  s.Post("/v1/doctor/fix", route(kNone, {}, [&c](const Request&) -> Result<Reply> {
           MD_ASSIGN_OR_RETURN(auto findings, c.Doctor(true));
           return Ok(ToJson(findings));
         }));
}

}  // namespace md
