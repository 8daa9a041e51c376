#include "api/public_server.h"

#include <chrono>

#include "api/json_codec.h"
#include "core/strings.h"
#include "core/unix_http_server.h"
#include "core/validate.h"

namespace md {
namespace {

using httplib::Request;
using httplib::Response;

// Enough threads that a few clients sending their body slowly do not hold up
// the webhook and the credential pages, and a short read timeout to cut them off.
constexpr int kThreads = 16;
constexpr int kReadTimeoutS = 3;

void WriteJson(Response& res, int status, const Json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(DumpJson(body), "application/json");
}

void WriteError(Response& res, int http_status, const Status& status) {
  WriteJson(res, http_status, ErrorToJson(status));
}

// A page that must never be cached, framed, or leak its URL (it holds the token).
void WritePage(Response& res, int status, const std::string& title, const std::string& body_html) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                                            "frame-ancestors 'none'");
  res.set_content("<!doctype html>\n<html><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\">"
                  "<title>" + HtmlEscape(title) + "</title></head>\n<body style=\"font-family:sans-serif\">\n<h1>" +
                      HtmlEscape(title) + "</h1>\n" + body_html + "</body></html>\n",
                  "text/html; charset=utf-8");
}

bool IsToken(const std::string& token) {
  if (token.size() != 64) return false;
  for (char c : token) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// How to reach the files: hosts, ports, user, and the password once shown.
std::string FileAccessHtml(const CredentialView& v) {
  const FileAccessInfo& files = v.files;
  if (files.sftp_port == 0) return "";
  std::string html = "<h2>Your files</h2>\n<p>SFTP: <b>" + HtmlEscape(files.host) + "</b>, port <b>" +
                     std::to_string(files.sftp_port) + "</b>; FTP with TLS (explicit FTPS): port <b>" +
                     std::to_string(files.ftp_port) + "</b></p>\n<p>Username: <b>" + HtmlEscape(files.username) +
                     "</b></p>\n";
  if (!v.files_password.empty()) {
    html += "<p>Password: <code id=\"files-password\">" + HtmlEscape(v.files_password) + "</code></p>\n";
  }
  return html;
}

void WriteCredentialPage(Response& res, const CredentialView& v) {
  std::string where = "<p>Your instance: <a href=\"" + HtmlEscape(v.url) + "\">" + HtmlEscape(v.url) + "</a></p>\n";
  if (v.state == "ready") {
    WritePage(res, 200, "Your MeltanoData login",
              where + "<p>Username: <b>" + HtmlEscape(v.username) + "</b></p>\n"
              "<p>The password can be shown once only. Have a safe place ready to keep it.</p>\n"
              "<form method=\"post\"><button type=\"submit\">Show my password</button></form>\n" +
                  FileAccessHtml(v));
  } else if (v.state == "shown") {
    WritePage(res, 200, "Your MeltanoData login",
              where + "<p>Username: <b>" + HtmlEscape(v.username) + "</b></p>\n<p>Password: <code id=\"password\">" +
                  HtmlEscape(v.password) + "</code></p>\n" + FileAccessHtml(v) +
                  "<p>This page will not show these passwords again.</p>\n");
  } else if (v.state == "already_shown") {
    WritePage(res, 410, "Already shown",
              "<p>This link was already used: the password has already been shown, and is not shown twice. "
              "If that was not you, ask support to send a new welcome email.</p>\n");
  } else if (v.state == "expired") {
    WritePage(res, 410, "Link expired", "<p>This link has expired. Ask support to send a new welcome email.</p>\n");
  } else {
    WritePage(res, 404, "Unknown link",
              "<p>This link is not valid (a newer welcome email may have replaced it).</p>\n");
  }
}

}  // namespace

std::string ClientAddressFromHeader(const std::string& header) {
  size_t comma = header.rfind(',');
  std::string last = Trim(comma == std::string::npos ? header : header.substr(comma + 1));
  // An IP literal as the proxy writes it; anything else is not an address.
  if (last.empty() || last.size() > 45) return "";
  for (char c : last) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':';
    if (!ok) return "";
  }
  return last;
}

PublicServer::PublicServer(PublicEndpoints& endpoints, PublicServerSettings settings)
    : endpoints_(endpoints), settings_(std::move(settings)), server_(std::make_unique<UnixServer>()) {
  InstallRoutes();
}

PublicServer::~PublicServer() { Stop(); }

Status PublicServer::Start() {
  if (thread_.joinable()) return FailedPrecondition("public server already started");
  std::string error;
  if (!server_->BindUnix(settings_.socket_path, &error)) return FailedPrecondition(error);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return Status::Ok();
}

void PublicServer::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

void PublicServer::InstallRoutes() {
  UnixServer& s = *server_;
  s.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  s.set_payload_max_length(kMaxSignupBodyBytes);
  s.set_keep_alive_timeout(2);
  s.set_read_timeout(kReadTimeoutS, 0);
  s.set_error_handler(httplib::Server::HandlerWithResponse([](const Request&, Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    int code = res.status;
    if (code == 413) WriteError(res, 413, InvalidArgument("request body is larger than 64 KiB"));
    else if (code == 404) WriteError(res, 404, NotFound("no such page"));
    else WriteError(res, code, InvalidArgument("request refused (" + std::to_string(code) + ")"));
    return httplib::Server::HandlerResponse::Handled;
  }));
  s.set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
    WriteError(res, 500, Internal("internal error"));
  });

  s.Post("/v1/signup", [this](const Request& req, Response& res) {
    if (settings_.signup_secret.empty()) {
      return WriteError(res, 503, Unavailable("signups are not configured on this controller ([signup] secret_file)"));
    }
    if (!SignupSignatureMatches(settings_.signup_secret, req.body, req.get_header_value("Typeform-Signature"))) {
      return WriteError(res, 401, Status(Code::kUnauthenticated,
                                         req.has_header("Typeform-Signature")
                                             ? "the Typeform-Signature header does not match the body"
                                             : "missing Typeform-Signature header: sign the body (sha256=BASE64)"));
    }
    auto parsed = ParseSignupPayload(req.body, settings_.refs);
    if (!parsed.ok()) return WriteError(res, 422, parsed.status());
    parsed->client_address = ClientAddressFromHeader(req.get_header_value("X-Forwarded-For"));
    auto receipt = endpoints_.Signup(*parsed);
    if (!receipt.ok()) return WriteError(res, HttpStatusForCode(receipt.status().code()), receipt.status());
    if (receipt->state == "rate_limited") {
      res.set_header("Retry-After", std::to_string(receipt->retry_after_s));
      return WriteError(res, 429, Unavailable("too many signups; try again in " +
                                              std::to_string(receipt->retry_after_s) + " s"));
    }
    Json body = {{"signup", receipt->signup_id},
                 {"state", receipt->state},
                 {"duplicate", receipt->duplicate},
                 {"operation", receipt->operation_id ? Json(receipt->operation_id) : Json(nullptr)}};
    if (!receipt->error.empty()) body["error"] = receipt->error;
    WriteJson(res, 202, body);
  });

  auto credentials = [this](bool reveal) {
    return [this, reveal](const Request& req, Response& res) {
      std::string token = req.matches[1];
      CredentialView view{.state = "unknown"};
      if (IsToken(token)) {
        auto got = endpoints_.Credentials(token, reveal,
                                          ClientAddressFromHeader(req.get_header_value("X-Forwarded-For")));
        if (!got.ok()) return WritePage(res, 503, "Try again later", "<p>Please try again in a minute.</p>\n");
        view = *got;
      }
      WriteCredentialPage(res, view);
    };
  };
  s.Get(R"(/v1/credentials/([^/]+))", credentials(false));
  s.Post(R"(/v1/credentials/([^/]+))", credentials(true));
}

}  // namespace md
