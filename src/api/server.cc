#include "api/server.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <sys/socket.h>

#include <charconv>
#include <chrono>
#include <functional>
#include <optional>
#include <set>

#include <httplib.h>

#include "api/json_codec.h"
#include "core/validate.h"

namespace md {
namespace {

using httplib::Request;
using httplib::Response;

constexpr int kThreads = 8;
constexpr int kDefaultLogLines = 100;
constexpr int kMaxLogLines = 100000;
constexpr int kDefaultOpsLimit = 50;
constexpr int kMaxOpsLimit = 1000;
constexpr int kMaxCapacity = 100000;
constexpr size_t kMaxClusterUrl = 2048;
constexpr size_t kMaxCursor = 512;

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

Result<Json> BodyJson(const Request& req) {
  if (req.body.empty()) return InvalidArgument("request body is empty; expected a JSON object");
  return ParseJson(req.body);
}

// Action routes take no parameters: an empty body or `{}`.
Status RequireNoParameters(const Request& req) {
  if (req.body.empty()) return Status::Ok();
  MD_ASSIGN_OR_RETURN(Json j, ParseJson(req.body));
  if (!j.is_object() || !j.empty()) return InvalidArgument("this request takes no body (or an empty JSON object)");
  return Status::Ok();
}

template <typename T>
Result<T> Decode(const Request& req) {
  MD_ASSIGN_OR_RETURN(Json j, BodyJson(req));
  T value;
  MD_RETURN_IF_ERROR(FromJson(j, &value));
  return value;
}

Result<int64_t> IntParam(const Request& req, const char* name, int64_t fallback, int64_t min, int64_t max) {
  if (!req.has_param(name)) return fallback;
  std::string text = req.get_param_value(name);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return InvalidArgument(std::string("query parameter '") + name + "' must be an integer from " +
                           std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

Result<std::string> SubdomainParam(const Request& req) {
  std::string sub = req.matches[1];
  MD_RETURN_IF_ERROR(ValidateSubdomain(sub));
  return sub;
}

Status ValidateEnvChange(const EnvChange& change) {
  for (const auto& [key, value] : change.set) {
    MD_RETURN_IF_ERROR(ValidateEnvKey(key));
    MD_RETURN_IF_ERROR(ValidateEnvValue(value).WithContext(key));
  }
  for (const std::string& key : change.unset) {
    MD_RETURN_IF_ERROR(ValidateEnvKey(key));
    if (change.set.count(key)) return InvalidArgument("'" + key + "' is both set and unset");
  }
  return Status::Ok();
}

Status ValidateCreate(const CreateRequest& r) {
  MD_RETURN_IF_ERROR(ValidateSubdomain(r.subdomain));
  MD_RETURN_IF_ERROR(ValidateEmail(r.email));
  MD_RETURN_IF_ERROR(ValidateName(r.name));
  MD_RETURN_IF_ERROR(ValidateAppName(r.app));
  if (!r.version.empty()) MD_RETURN_IF_ERROR(ValidateVersion(r.version));
  return Status::Ok();
}

}  // namespace

ApiServer::ApiServer(Controller& controller, std::string admin_token, std::string host, int port)
    : controller_(controller),
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
    const std::string header = req.get_header_value("Authorization");
    constexpr std::string_view kBearer = "Bearer ";
    bool ok = header.size() > kBearer.size() && header.compare(0, kBearer.size(), kBearer) == 0 &&
              TokenMatches(header.substr(kBearer.size()), admin_token_);
    if (ok) return httplib::Server::HandlerResponse::Unhandled;
    WriteError(res, Status(Code::kUnauthenticated,
                           header.empty() ? "missing admin token: send 'Authorization: Bearer TOKEN'"
                                          : "wrong admin token"));
    return httplib::Server::HandlerResponse::Handled;
  });

  // Fills in a JSON body for errors httplib produces itself (no route, body too large).
  s.set_error_handler(httplib::Server::HandlerWithResponse([](const Request& req, Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    Status status;
    switch (res.status) {
      case 404: status = NotFound("no route " + req.method + " " + req.path + "; see docs/api.md"); break;
      case 413:
        status = InvalidArgument("request body is larger than " + std::to_string(kMaxBodyBytes / 1024) + " KiB");
        break;
      case 400: status = InvalidArgument("malformed HTTP request"); break;
      default: status = Internal("HTTP " + std::to_string(res.status)); break;
    }
    int code = res.status;
    WriteJson(res, code, ErrorToJson(status));
    return httplib::Server::HandlerResponse::Handled;
  }));

  s.set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
    WriteError(res, Internal("internal error in the API server"));
  });

  // Wraps a route: runs it, turns its Status into a JSON error, and never lets
  // an exception out.
  auto route = [](std::function<Result<Reply>(const Request&)> fn) {
    return [fn = std::move(fn)](const Request& req, Response& res) {
      Result<Reply> reply = Internal("no reply");
      try {
        reply = fn(req);
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
  Controller& c = controller_;

  // No route uses PUT: say so instead of httplib's bare 400.
  s.Put(".*", [](const Request& req, Response& res) {
    WriteJson(res, 405, ErrorToJson(InvalidArgument("method PUT is not allowed on " + req.path + "; see docs/api.md")));
  });

  s.Get("/healthz", [](const Request&, Response& res) { WriteJson(res, 200, {{"ok", true}}); });

  // --- instances ---
  s.Get("/v1/instances", route([&c](const Request&) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(auto list, c.ListInstances());
          return Ok(ToJson(list));
        }));
  s.Post("/v1/instances", route([&c](const Request& req) -> Result<Reply> {
           MD_ASSIGN_OR_RETURN(CreateRequest request, Decode<CreateRequest>(req));
           MD_RETURN_IF_ERROR(ValidateCreate(request));
           MD_ASSIGN_OR_RETURN(Operation op, c.CreateInstance(request));
           return Accepted(op);
         }));
  s.Get(R"(/v1/instances/([^/]+))", route([&c](const Request& req) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
          MD_ASSIGN_OR_RETURN(Instance instance, c.GetInstance(sub));
          return Ok(ToJson(instance));
        }));
  s.Delete(R"(/v1/instances/([^/]+))", route([&c](const Request& req) -> Result<Reply> {
             MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
             MD_RETURN_IF_ERROR(RequireNoParameters(req));
             MD_ASSIGN_OR_RETURN(Operation op, c.DeleteInstance(sub));
             return Accepted(op);
           }));
  s.Get(R"(/v1/instances/([^/]+)/status)", route([&c](const Request& req) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
          MD_ASSIGN_OR_RETURN(InstanceStatusReport report, c.GetStatus(sub));
          return Ok(ToJson(report));
        }));
  s.Get(R"(/v1/instances/([^/]+)/logs)", route([&c](const Request& req) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
          MD_ASSIGN_OR_RETURN(int64_t lines, IntParam(req, "lines", kDefaultLogLines, 1, kMaxLogLines));
          std::string cursor = req.get_param_value("cursor");
          if (cursor.size() > kMaxCursor) return InvalidArgument("query parameter 'cursor' is too long");
          MD_ASSIGN_OR_RETURN(LogChunk chunk, c.ReadLogs(sub, static_cast<int>(lines), cursor));
          return Ok(ToJson(chunk));
        }));
  s.Get(R"(/v1/instances/([^/]+)/flags)", route([&c](const Request& req) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
          MD_ASSIGN_OR_RETURN(EnvMap flags, c.ListFlags(sub));
          return Ok(Json(flags));
        }));
  s.Patch(R"(/v1/instances/([^/]+)/flags)", route([&c](const Request& req) -> Result<Reply> {
            MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
            MD_ASSIGN_OR_RETURN(EnvChange change, Decode<EnvChange>(req));
            MD_RETURN_IF_ERROR(ValidateEnvChange(change));
            MD_ASSIGN_OR_RETURN(Operation op, c.ChangeFlags(sub, change.set, change.unset));
            return Accepted(op);
          }));
  s.Get(R"(/v1/instances/([^/]+)/secrets)", route([&c](const Request& req) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
          MD_ASSIGN_OR_RETURN(std::vector<std::string> names, c.ListSecretNames(sub));
          return Ok(Json(names));
        }));
  s.Patch(R"(/v1/instances/([^/]+)/secrets)", route([&c](const Request& req) -> Result<Reply> {
            MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
            MD_ASSIGN_OR_RETURN(EnvChange change, Decode<EnvChange>(req));
            MD_RETURN_IF_ERROR(ValidateEnvChange(change));
            MD_ASSIGN_OR_RETURN(Operation op, c.ChangeSecrets(sub, change.set, change.unset));
            return Accepted(op);
          }));
  s.Post(R"(/v1/instances/([^/]+)/(start|stop|restart))", route([&c](const Request& req) -> Result<Reply> {
           MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
           MD_RETURN_IF_ERROR(RequireNoParameters(req));
           std::string verb = req.matches[2];
           Lifecycle action = verb == "start" ? Lifecycle::kStart : verb == "stop" ? Lifecycle::kStop : Lifecycle::kRestart;
           MD_ASSIGN_OR_RETURN(Operation op, c.ChangeLifecycle(sub, action));
           return Accepted(op);
         }));
  s.Post(R"(/v1/instances/([^/]+)/wipe-db)", route([&c](const Request& req) -> Result<Reply> {
           MD_ASSIGN_OR_RETURN(std::string sub, SubdomainParam(req));
           MD_RETURN_IF_ERROR(RequireNoParameters(req));
           MD_ASSIGN_OR_RETURN(Operation op, c.WipeDatabase(sub));
           return Accepted(op);
         }));
  s.Post("/v1/upgrades", route([&c](const Request& req) -> Result<Reply> {
           MD_ASSIGN_OR_RETURN(UpgradeRequest request, Decode<UpgradeRequest>(req));
           MD_RETURN_IF_ERROR(ValidateVersion(request.version));
           for (const std::string& sub : request.subdomains) MD_RETURN_IF_ERROR(ValidateSubdomain(sub));
           MD_ASSIGN_OR_RETURN(auto ops, c.Upgrade(request.subdomains, request.all, request.version));
           return Reply{202, ToJson(ops), ""};
         }));

  // --- clusters ---
  s.Get("/v1/clusters", route([&c](const Request&) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(auto list, c.ListClusters());
          return Ok(ToJson(list));
        }));
  s.Post("/v1/clusters", route([&c](const Request& req) -> Result<Reply> {
           MD_ASSIGN_OR_RETURN(ClusterSpec spec, Decode<ClusterSpec>(req));
           MD_RETURN_IF_ERROR(ValidateClusterName(spec.name));
           if (spec.url.empty() || spec.url.size() > kMaxClusterUrl) {
             return InvalidArgument("cluster url must be 1-" + std::to_string(kMaxClusterUrl) + " characters");
           }
           if (spec.capacity < 1 || spec.capacity > kMaxCapacity) {
             return InvalidArgument("cluster capacity must be from 1 to " + std::to_string(kMaxCapacity));
           }
           MD_ASSIGN_OR_RETURN(Cluster cluster, c.AddCluster(spec.name, spec.url, spec.capacity));
           return Reply{201, ToJson(cluster), "/v1/clusters/" + cluster.name};
         }));
  s.Post(R"(/v1/clusters/([^/]+)/drain)", route([&c](const Request& req) -> Result<Reply> {
           std::string name = req.matches[1];
           MD_RETURN_IF_ERROR(ValidateClusterName(name));
           MD_RETURN_IF_ERROR(RequireNoParameters(req));
           MD_ASSIGN_OR_RETURN(Cluster cluster, c.DrainCluster(name));
           return Ok(ToJson(cluster));
         }));
  s.Delete(R"(/v1/clusters/([^/]+))", route([&c](const Request& req) -> Result<Reply> {
             std::string name = req.matches[1];
             MD_RETURN_IF_ERROR(ValidateClusterName(name));
             MD_RETURN_IF_ERROR(RequireNoParameters(req));
             MD_RETURN_IF_ERROR(c.RemoveCluster(name));
             return Reply{204, std::nullopt, ""};
           }));

  // --- operations ---
  s.Get("/v1/operations", route([&c](const Request& req) -> Result<Reply> {
          std::string sub = req.get_param_value("subdomain");
          if (!sub.empty()) MD_RETURN_IF_ERROR(ValidateSubdomain(sub));
          MD_ASSIGN_OR_RETURN(int64_t limit, IntParam(req, "limit", kDefaultOpsLimit, 1, kMaxOpsLimit));
          MD_ASSIGN_OR_RETURN(auto ops, c.ListOperations(sub, static_cast<int>(limit)));
          return Ok(ToJson(ops));
        }));
  s.Get(R"(/v1/operations/([^/]+))", route([&c](const Request& req) -> Result<Reply> {
          std::string text = req.matches[1];
          int64_t id = 0;
          auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
          if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
            return InvalidArgument("operation id must be a positive integer");
          }
          MD_ASSIGN_OR_RETURN(Operation op, c.GetOperation(id));
          return Ok(ToJson(op));
        }));

  // --- doctor ---
  s.Get("/v1/doctor", route([&c](const Request&) -> Result<Reply> {
          MD_ASSIGN_OR_RETURN(auto findings, c.Doctor(false));
          return Ok(ToJson(findings));
        }));
  s.Post("/v1/doctor/fix", route([&c](const Request& req) -> Result<Reply> {
           MD_RETURN_IF_ERROR(RequireNoParameters(req));
           MD_ASSIGN_OR_RETURN(auto findings, c.Doctor(true));
           return Ok(ToJson(findings));
         }));
}

}  // namespace md
