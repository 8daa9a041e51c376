#include "dashboard/dashboard.h"

#include <httplib.h>

#include "api/route_dispatch.h"
#include "core/digest.h"
#include "core/strings.h"
#include "core/validate.h"
#include "dashboard/assets.h"
#include "dashboard/instance_table.h"
#include "dashboard/pages.h"

namespace md::dash {
namespace {

using httplib::Request;
using httplib::Response;

void SendHtml(Response& res, int status, const std::string& html) {
  res.status = status;
  res.set_content(html, "text/html; charset=utf-8");
}

void Redirect(Response& res, const std::string& to) {
  res.status = 303;
  res.set_header("Location", to);
}

// The fields of a form POST (application/x-www-form-urlencoded).
Params FormOf(const Request& req) {
  Params form;
  httplib::detail::parse_query_text(req.body, form);
  return form;
}

std::string Get(const Params& p, const char* name) {
  auto it = p.find(name);
  return it == p.end() ? "" : it->second;
}

// A part of a page: the answer, or null when its call failed.
Json OrNull(Result<Json> answer) { return answer.ok() ? std::move(*answer) : Json(nullptr); }

// Where an answer that is an operation (or a list of them) leads: its page.
std::string OperationHref(const Json& answer) {
  const Json& op = answer.is_array() && !answer.empty() ? answer[0] : answer;
  if (op.is_object() && op.contains("id") && op["id"].is_number_integer()) {
    return "/ui/operations/" + std::to_string(op["id"].get<int64_t>());
  }
  return "/ui/operations";
}

}  // namespace

void SetSecurityHeaders(Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                 "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
}

std::string CookieValue(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string_view part(header.data() + pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    pos = end + 1;
  }
  return "";
}

Dashboard::Dashboard(Controller& controller, std::string admin_token, Audit* audit, DashboardOptions options,
                     std::function<int64_t()> now)
    : controller_(controller),
      admin_token_(std::move(admin_token)),
      audit_(audit),
      options_(options),
      now_(now),
      sessions_(now) {}

bool Dashboard::Serves(const std::string& path) const {
  return path == "/" || path == "/ui" || path.rfind("/ui/", 0) == 0;
}

std::optional<Session> Dashboard::SessionOf(const Request& req) {
  std::optional<Session> s = sessions_.Find(CookieValue(req.get_header_value("Cookie"), kCookie));
  if (s && !AccountStands(*s)) {
    sessions_.End(s->id);
    return std::nullopt;
  }
  return s;
}

std::optional<int64_t> Dashboard::OperatorCreatedMs(const std::string& name) {
  Result<std::vector<OperatorInfo>> operators = controller_.ListOperators();
  if (!operators.ok()) return std::nullopt;  // unknown: refused, not let in
  for (const OperatorInfo& o : *operators) {
    if (o.name == name) return o.created_ms;
  }
  return std::nullopt;
}

bool Dashboard::AccountStands(const Session& s) {
  constexpr std::string_view kOperator = "operator:";
  if (s.actor.rfind(kOperator, 0) != 0) return true;  // the admin token's
  std::optional<int64_t> created = OperatorCreatedMs(s.actor.substr(kOperator.size()));
  return created && *created == s.account_created_ms;
}

std::function<void(const Request&, Response&)> Dashboard::Reader(Page page) {
  return [this, page = std::move(page)](const Request& req, Response& res) {
    SetSecurityHeaders(res);
    std::optional<Session> s = SessionOf(req);
    if (!s) return Redirect(res, "/ui/signin");
    page(*s, req, res);
  };
}

std::function<void(const Request&, Response&)> Dashboard::Writer(Page page) {
  return [this, page = std::move(page)](const Request& req, Response& res) {
    SetSecurityHeaders(res);
    std::optional<Session> s = SessionOf(req);
    std::string sub = req.matches.size() > 1 ? req.matches[1].str() : "";
    if (!ValidateSubdomain(sub).ok()) sub.clear();
    if (!s) {
      SendHtml(res, 403, MessagePage(nullptr, "Signed out", "Your session has ended: sign in again."));
      return Record("", req, res, sub);
    }
    if (!SessionStore::CsrfMatches(*s, Get(FormOf(req), "csrf"))) {
      SendHtml(res, 403, MessagePage(&*s, "Refused", "This form is missing its CSRF token or it is stale: reload "
                                                     "the page and try again."));
      return Record(s->actor, req, res, sub);
    }
    page(*s, req, res);
    Record(s->actor, req, res, sub);
  };
}

void Dashboard::Record(const std::string& actor, const Request& req, const Response& res,
                       const std::string& subdomain) {
  if (audit_ == nullptr) return;
  AuditEvent e;
  e.actor = actor;
  e.action = "dashboard " + ForMessage(req.method, 16) + " " + ForMessage(req.path, 200);
  e.subdomain = subdomain;
  e.client = req.remote_addr;
  e.status = res.status;
  e.outcome = res.status < 400 ? "ok" : res.status == 403 ? "unauthenticated" : "refused";
  audit_->Record(std::move(e));
}

void Dashboard::SignIn(const Request& req, Response& res) {
  SetSecurityHeaders(res);
  const std::string client = req.remote_addr;
  if (!throttle_.Allowed(client, now_())) {
    SendHtml(res, 429, SignInPage("Too many failed sign-ins from this address: wait a few minutes."));
    return Record("", req, res, "");
  }
  Params form = FormOf(req);
  std::string token = Get(form, "token");
  std::string name = Get(form, "name");
  std::string actor;
  int64_t account_created_ms = 0;
  if (!token.empty()) {
    if (ConstantTimeEquals(Sha256Hex(token), Sha256Hex(admin_token_))) actor = "admin";
  } else if (!name.empty()) {
    Result<bool> ok = controller_.CheckOperatorPassword(name, Get(form, "password"));
    std::optional<int64_t> created = OperatorCreatedMs(name);
    if (ok.ok() && *ok && created) {
      actor = "operator:" + name;
      account_created_ms = *created;
    }
  }
  if (actor.empty()) {
    throttle_.Failed(client, now_());
    SendHtml(res, 401, SignInPage("Wrong name and password, or wrong token."));
    return Record("", req, res, "");
  }
  throttle_.Succeeded(client);
  Session s = sessions_.Create(actor, account_created_ms);
  res.set_header("Set-Cookie", std::string(kCookie) + "=" + s.id + "; HttpOnly; SameSite=Strict; Path=/" +
                                   (options_.secure_cookie ? "; Secure" : ""));
  Redirect(res, "/ui/instances");
  Record(actor, req, res, "");
}

void Dashboard::SignOut(const Session& s, const Request&, Response& res) {
  sessions_.End(s.id);
  res.set_header("Set-Cookie", std::string(kCookie) + "=; Max-Age=0; HttpOnly; SameSite=Strict; Path=/" +
                                   (options_.secure_cookie ? "; Secure" : ""));
  Redirect(res, "/ui/signin");
}

void Dashboard::Instances(const Session& s, const Request& req, Response& res) {
  TableQuery query = ParseTableQuery(req.params);
  Result<TablePage> page = FetchInstancePage(*api_, query);
  if (!page.ok()) {
    return SendHtml(res, HttpStatusForCode(page.status().code()), MessagePage(&s, "Instances", page.status().message()));
  }
  SendHtml(res, 200, InstancesPage(s, query, *page));
}

void Dashboard::Create(const Session& s, const Request& req, Response& res) {
  Params form = FormOf(req);
  Json request = {{"subdomain", Get(form, "subdomain")}, {"email", Get(form, "email")},
                  {"name", Get(form, "name")},           {"app", Get(form, "app")}};
  if (!Get(form, "version").empty()) request["version"] = Get(form, "version");
  Result<Json> op = api_->Send("POST", "/v1/instances", request);
  if (!op.ok()) return SendHtml(res, HttpStatusForCode(op.status().code()), CreatePage(s, form, op.status().message()));
  Redirect(res, OperationHref(*op));
}

void Dashboard::ShowInstance(const Session& s, const std::string& sub, const std::string& error, int status,
                             Response& res) {
  InstanceView v;
  v.subdomain = sub;
  const std::string base = "/v1/instances/" + sub;
  Result<Json> report = api_->Get(base + "/status");
  if (!report.ok()) report = api_->Get(base);
  if (!report.ok()) {
    int code = HttpStatusForCode(report.status().code());
    return SendHtml(res, code, MessagePage(&s, "Instance", report.status().message()));
  }
  v.report = *report;
  v.flags = OrNull(api_->Get(base + "/flags"));
  v.secrets = OrNull(api_->Get(base + "/secrets"));
  v.operations = OrNull(api_->Get("/v1/operations", {{"subdomain", sub}, {"limit", "5"}}));
  v.backups = OrNull(api_->Get("/v1/backups", {{"subdomain", sub}}));
  v.logs = OrNull(api_->Get(base + "/logs", {{"lines", "100"}}));
  SendHtml(res, status, InstancePage(s, v, error));
}

void Dashboard::Act(const Session& s, const Request& req, Response& res) {
  const std::string sub = req.matches[1];
  const std::string action = req.matches[2];
  const std::string base = "/v1/instances/" + sub;
  Params form = FormOf(req);
  Result<Json> answer = NotFound("no action " + action);
  auto confirmed = [&](const char* what) -> Status {
    if (Get(form, "confirm") == sub) return Status::Ok();
    return InvalidArgument(std::string("type the subdomain exactly to confirm ") + what + "; nothing was done");
  };
  if (action == "flags" || action == "secrets") {
    Json change = Json::object();
    if (!Get(form, "unset").empty()) {
      change["unset"] = Json::array({Get(form, "unset")});
    } else {
      change["set"] = Json{{Get(form, "key"), Get(form, "value")}};
    }
    answer = api_->Send("PATCH", base + "/" + action, change);
  } else if (action == "upgrade") {
    answer = api_->Send("POST", "/v1/upgrades", Json{{"subdomains", {sub}}, {"version", Get(form, "version")}});
  } else if (action == "restart" || action == "stop" || action == "start" || action == "wipe-db") {
    Status ok = action == "wipe-db" ? confirmed("the wipe") : Status::Ok();
    answer = ok.ok() ? api_->Send("POST", base + "/" + action) : Result<Json>(ok);
  } else if (action == "backup") {
    answer = api_->Send("POST", base + "/backups");
  } else if (action == "restore") {
    Params query;
    if (!Get(form, "from").empty()) query.emplace("from", Get(form, "from"));
    answer = api_->Send("POST", base + "/restore", nullptr, query);
  } else if (action == "delete") {
    Status ok = confirmed("the delete");
    answer = ok.ok() ? api_->Send("DELETE", base, nullptr, {{"backup", Get(form, "backup") == "true" ? "true" : "false"}})
                     : Result<Json>(ok);
  }
  if (answer.ok()) return Redirect(res, OperationHref(*answer));
  ShowInstance(s, sub, answer.status().message(), HttpStatusForCode(answer.status().code()), res);
}

void Dashboard::LogStream(const Session&, const Request& req, Response& res) {
  Params query;
  if (req.has_param("cursor")) query.emplace("cursor", req.get_param_value("cursor"));
  Result<RoutedReply> r = api_->Call("GET", "/v1/instances/" + req.matches[1].str() + "/logs/stream", query, "",
                                     req.get_header_value("Last-Event-ID"));
  if (!r.ok()) return WriteErrorReply(res, r.status());
  WriteReply(*r->route, r->reply, res);
}

void Dashboard::Events(const Session&, const Request& req, Response& res) {
  Params query;
  for (const char* name : {"subdomain", "operation"}) {
    if (req.has_param(name)) query.emplace(name, req.get_param_value(name));
  }
  Result<RoutedReply> r = api_->Call("GET", "/v1/events", query, "", req.get_header_value("Last-Event-ID"));
  if (!r.ok()) return WriteErrorReply(res, r.status());
  WriteReply(*r->route, r->reply, res);
}

void Dashboard::Fleet(const Session& s, const Request& req, Response& res) {
  Result<Json> data = Internal("no page");
  std::string html;
  if (req.path == "/ui/operations") {
    data = api_->Get("/v1/operations", {{"limit", "100"}});
    if (data.ok()) html = OperationsPage(s, *data);
  } else if (req.path == "/ui/clusters") {
    data = api_->Get("/v1/clusters");
    if (data.ok()) html = ClustersPage(s, *data);
  } else if (req.path == "/ui/certificates") {
    data = api_->Get("/v1/certificates");
    if (data.ok()) html = CertificatesPage(s, *data, now_());
  } else if (req.path == "/ui/backups") {
    data = api_->Get("/v1/backups");
    if (data.ok()) html = BackupsPage(s, *data);
  } else {
    data = api_->Get("/v1/operations/" + req.matches[1].str());
    if (data.ok()) html = OperationPage(s, *data);
  }
  if (!data.ok()) {
    return SendHtml(res, HttpStatusForCode(data.status().code()), MessagePage(&s, "Not available", data.status().message()));
  }
  SendHtml(res, 200, html);
}

void Dashboard::Install(httplib::Server& server, const std::atomic<bool>& stopping) {
  api_ = std::make_unique<ApiCaller>(controller_, stopping);
  auto page = [this](void (Dashboard::*fn)(const Session&, const Request&, Response&)) {
    return [this, fn](const Session& s, const Request& req, Response& res) { (this->*fn)(s, req, res); };
  };
  server.Get("/", [](const Request&, Response& res) {
    SetSecurityHeaders(res);
    Redirect(res, "/ui/instances");
  });
  server.Get("/ui/app.css", [](const Request&, Response& res) {
    SetSecurityHeaders(res);
    res.set_content(kAppCss, "text/css; charset=utf-8");
  });
  server.Get("/ui/app.js", [](const Request&, Response& res) {
    SetSecurityHeaders(res);
    res.set_content(kAppJs, "text/javascript; charset=utf-8");
  });
  server.Get("/ui/signin", [this](const Request& req, Response& res) {
    SetSecurityHeaders(res);
    if (SessionOf(req)) return Redirect(res, "/ui/instances");
    SendHtml(res, 200, SignInPage(""));
  });
  server.Post("/ui/signin", [this](const Request& req, Response& res) { SignIn(req, res); });
  server.Post("/ui/signout", Writer(page(&Dashboard::SignOut)));
  server.Get("/ui/instances", Reader(page(&Dashboard::Instances)));
  server.Get("/ui/instances/new", Reader([](const Session& s, const Request&, Response& res) {
    SendHtml(res, 200, CreatePage(s, {}, ""));
  }));
  server.Post("/ui/instances", Writer(page(&Dashboard::Create)));
  server.Get(R"(/ui/instances/([^/]+))", Reader([this](const Session& s, const Request& req, Response& res) {
    ShowInstance(s, req.matches[1], "", 200, res);
  }));
  server.Get(R"(/ui/instances/([^/]+)/logs/stream)", Reader(page(&Dashboard::LogStream)));
  server.Post(R"(/ui/instances/([^/]+)/([a-z-]+))", Writer(page(&Dashboard::Act)));
  server.Get("/ui/events", Reader(page(&Dashboard::Events)));
  for (const char* path : {"/ui/operations", "/ui/clusters", "/ui/certificates", "/ui/backups",
                           R"(/ui/operations/([0-9]+))"}) {
    server.Get(path, Reader(page(&Dashboard::Fleet)));
  }
  server.Get(R"(/ui(/.*)?)", Reader([](const Session& s, const Request&, Response& res) {
    SendHtml(res, 404, MessagePage(&s, "Not found", "There is no such page."));
  }));
}

}  // namespace md::dash
