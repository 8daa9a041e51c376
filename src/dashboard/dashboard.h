#pragma once
// Dashboard: the operators' web interface, served at / and /ui/... on the
// admin listener beside the API (ApiServer::Mount). Sign-in with the admin
// token or an operator account makes a server-side session (cookie
// md_session: HttpOnly, SameSite=Strict, Path=/, Secure behind TLS); every
// POST needs the session's CSRF token (else 403); sign-in failures are
// throttled per address and audited, as is every change made here. Pages
// are rendered from the API's own answers (ApiCaller): no logic about
// instances lives here. Every page carries strict security headers.
// Thread-safe; handlers run on the server's pool.

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "api/controller.h"
#include "api/web_ui.h"
#include "core/audit.h"
#include "core/clock.h"
#include "dashboard/api_caller.h"
#include "dashboard/session_store.h"
#include "dashboard/sign_in_throttle.h"

namespace httplib {
struct Request;
struct Response;
}

namespace md::dash {

struct DashboardOptions {
  // The dashboard is reached over TLS (a front door): cookies get Secure. The
  // admin listener itself is plain loopback HTTP.
  bool secure_cookie = false;
};

class Dashboard final : public WebUi {
 public:
  static constexpr const char* kCookie = "md_session";

  // `audit` may be null; `now` gives wall-clock milliseconds (sessions' clock).
  Dashboard(Controller& controller, std::string admin_token, Audit* audit, DashboardOptions options = {},
            std::function<int64_t()> now = NowMs);

  bool Serves(const std::string& path) const override;
  void Install(httplib::Server& server, const std::atomic<bool>& stopping) override;

 private:
  using Page = std::function<void(const Session&, const httplib::Request&, httplib::Response&)>;

  // The request's live session, if its cookie names one.
  // The request's live session; one whose operator account was removed (or
  // removed and made again) is ended.
  std::optional<Session> SessionOf(const httplib::Request& req);
  std::optional<int64_t> OperatorCreatedMs(const std::string& name);
  bool AccountStands(const Session& s);
  // A GET page: needs a session, else redirects to the sign-in page.
  std::function<void(const httplib::Request&, httplib::Response&)> Reader(Page page);
  // A POST: needs a session (else 403) and its CSRF token (else 403); audited.
  std::function<void(const httplib::Request&, httplib::Response&)> Writer(Page page);
  void Record(const std::string& actor, const httplib::Request& req, const httplib::Response& res,
              const std::string& subdomain);

  void SignIn(const httplib::Request& req, httplib::Response& res);
  void SignOut(const Session& s, const httplib::Request& req, httplib::Response& res);
  void Instances(const Session& s, const httplib::Request& req, httplib::Response& res);
  void Create(const Session& s, const httplib::Request& req, httplib::Response& res);
  void ShowInstance(const Session& s, const std::string& sub, const std::string& error, int status,
                    httplib::Response& res);
  void Act(const Session& s, const httplib::Request& req, httplib::Response& res);
  void LogStream(const Session& s, const httplib::Request& req, httplib::Response& res);
  void Events(const Session& s, const httplib::Request& req, httplib::Response& res);
  void Fleet(const Session& s, const httplib::Request& req, httplib::Response& res);

  Controller& controller_;
  std::string admin_token_;
  Audit* audit_;
  DashboardOptions options_;
  std::function<int64_t()> now_;
  SessionStore sessions_;
  SignInThrottle throttle_;
  std::unique_ptr<ApiCaller> api_;  // made by Install
};

// The security headers of every dashboard answer: a Content-Security-Policy
// of self only with no inline script, no framing, no referrer, no caching.
void SetSecurityHeaders(httplib::Response& res);

// The value of cookie `name` in a Cookie header ("" if absent).
std::string CookieValue(const std::string& header, const std::string& name);

}  // namespace md::dash
