#include "routes.h"

#include <nlohmann/json.hpp>

namespace md::demo {
namespace {

constexpr char kText[] = "text/plain; charset=utf-8";
constexpr char kJson[] = "application/json";

std::string HtmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The `password` field of a url-encoded form body.
std::string FormField(const httplib::Request& req, const std::string& name) {
  if (req.has_param(name)) return req.get_param_value(name);
  httplib::Params params;
  httplib::detail::parse_query_text(req.body, params);
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

}  // namespace

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

void InstallRoutes(httplib::Server& server, const DemoApp& app) {
  server.Get("/healthz", [app](const httplib::Request&, httplib::Response& res) {
    if (IsUnhealthyVersion(app.config.version)) {
      res.status = 503;
      res.set_content("unhealthy version", kText);
      return;
    }
    Status ping = app.database->Ping();
    if (!ping.ok()) {
      app.log->Line("health: database unavailable: " + ping.message());
      res.status = 503;
      res.set_content("database unavailable", kText);
      return;
    }
    res.set_content("ok", kText);
  });

  server.Get("/version", [app](const httplib::Request&, httplib::Response& res) {
    res.set_content(app.config.version, kText);
  });

  server.Get("/flags", [app](const httplib::Request&, httplib::Response& res) {
    nlohmann::json flags = nlohmann::json::object();
    for (const auto& [key, value] : app.flags->Snapshot()) flags[key] = value;
    res.set_content(Dump(flags), kJson);
  });

  server.Post("/load", [app](const httplib::Request& req, httplib::Response& res) {
    std::string schema = req.get_param_value("schema");
    if (!IsValidSchemaName(schema)) {
      res.status = 400;
      res.set_content("schema must match [a-z_][a-z0-9_]{0,62} and not be pg_* or information_schema", kText);
      return;
    }
    auto rows = app.database->LoadSchema(schema);
    if (!rows.ok()) {
      app.log->Line("load " + schema + " failed: " + rows.status().message());
      res.status = rows.status().code() == Code::kUnavailable ? 503 : 500;
      res.set_content("load failed", kText);
      return;
    }
    app.log->Line("loaded schema " + schema + " (" + std::to_string(*rows) + " rows)");
    res.set_content(Dump({{"schema", schema}, {"rows", *rows}}), kJson);
  });

  server.Get("/schemas", [app](const httplib::Request&, httplib::Response& res) {
    auto schemas = app.database->Schemas();
    if (!schemas.ok()) {
      app.log->Line("schemas failed: " + schemas.status().message());
      res.status = 503;
      res.set_content("database unavailable", kText);
      return;
    }
    res.set_content(Dump(*schemas), kJson);
  });

  server.Get("/", [app](const httplib::Request&, httplib::Response& res) {
    res.set_content(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>MeltanoData demo</title></head>\n"
        "<body><h1>MeltanoData demo</h1><p>Version " + HtmlEscape(app.config.version) + "</p>\n"
        "<form method=\"post\" action=\"/login\">\n"
        "<label>Admin password <input type=\"password\" name=\"password\" autocomplete=\"current-password\"></label>\n"
        "<button type=\"submit\">Sign in</button>\n</form></body></html>\n",
        "text/html; charset=utf-8");
  });

  server.Post("/login", [app](const httplib::Request& req, httplib::Response& res) {
    std::string password = FormField(req, "password");
    bool ok = !app.config.admin_password.empty() && ConstantTimeEquals(password, app.config.admin_password);
    res.status = ok ? 200 : 401;
    res.set_content(ok ? "welcome" : "wrong password", kText);
    app.log->Line(ok ? "admin login accepted" : "admin login refused");
  });

  server.set_logger([app](const httplib::Request& req, const httplib::Response& res) {
    app.log->Line(req.remote_addr + " " + req.method + " " + req.path + " " + std::to_string(res.status));
  });
}

}  // namespace md::demo
