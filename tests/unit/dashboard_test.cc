// The dashboard: sessions (idle and absolute expiry), CSRF refusal, sign-in
// throttling and sign-out over HTTP against a FakeController; escaping of
// hostile data on every page; the instance list's filter, sort and paging.

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>

#include "api/server.h"
#include "core/audit.h"
#include "dashboard/dashboard.h"
#include "dashboard/html.h"
#include "dashboard/instance_table.h"
#include "dashboard/pages.h"
#include "fake_controller.h"

namespace md::dash {
namespace {

constexpr const char* kToken = "dash-admin-token";
constexpr int64_t kMinute = 60 * 1000;

// An Audit that keeps what it is told.
class MemoryAudit final : public Audit {
 public:
  void Record(AuditEvent e) override {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(std::move(e));
  }
  std::vector<AuditEvent> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

 private:
  std::mutex mu_;
  std::vector<AuditEvent> events_;
};

// --- sessions ---------------------------------------------------------------------------

TEST(SessionStore, EndsAfterThirtyIdleMinutes) {
  int64_t now = 1000000;
  SessionStore store([&] { return now; });
  Session s = store.Create("admin");
  EXPECT_EQ(s.id.size(), 64u);  // 32 random bytes
  EXPECT_NE(s.id, s.csrf);
  now += 29 * kMinute;
  ASSERT_TRUE(store.Find(s.id));  // seen: the idle clock starts again
  now += 29 * kMinute;
  ASSERT_TRUE(store.Find(s.id));
  now += 30 * kMinute;
  EXPECT_FALSE(store.Find(s.id));
  now -= 10 * kMinute;  // forgotten, not merely hidden
  EXPECT_FALSE(store.Find(s.id));
}

TEST(SessionStore, EndsTwelveHoursAfterSignInHoweverBusy) {
  int64_t now = 1000000;
  SessionStore store([&] { return now; });
  Session s = store.Create("operator:ann");
  for (int i = 0; i < 12 * 3 - 1; ++i) {
    now += 20 * kMinute;
    ASSERT_TRUE(store.Find(s.id)) << i;
  }
  now += 20 * kMinute;  // 12 h
  EXPECT_FALSE(store.Find(s.id));
}

TEST(SessionStore, SignOutEndsItAndOthersLive) {
  int64_t now = 1;
  SessionStore store([&] { return now; });
  Session a = store.Create("admin"), b = store.Create("admin");
  store.End(a.id);
  EXPECT_FALSE(store.Find(a.id));
  EXPECT_TRUE(store.Find(b.id));
  EXPECT_FALSE(store.Find(""));
  EXPECT_FALSE(store.Find(b.csrf));
  EXPECT_TRUE(SessionStore::CsrfMatches(b, b.csrf));
  EXPECT_FALSE(SessionStore::CsrfMatches(b, ""));
  EXPECT_FALSE(SessionStore::CsrfMatches(b, a.csrf));
}

TEST(SignInThrottle, RefusesAnAddressAfterFiveFailuresForFiveMinutes) {
  SignInThrottle t;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(t.Allowed("10.0.0.1", 1000 + i));
    t.Failed("10.0.0.1", 1000 + i);
  }
  EXPECT_FALSE(t.Allowed("10.0.0.1", 2000));
  EXPECT_TRUE(t.Allowed("10.0.0.2", 2000));
  EXPECT_TRUE(t.Allowed("10.0.0.1", 1000 + 5 * kMinute));
}

TEST(CookieValue, FindsTheNamedCookieOnly) {
  EXPECT_EQ(CookieValue("a=1; md_session=abc; b=2", "md_session"), "abc");
  EXPECT_EQ(CookieValue("xmd_session=abc", "md_session"), "");
  EXPECT_EQ(CookieValue("", "md_session"), "");
}

// --- escaping ---------------------------------------------------------------------------

const char* kHostile[] = {"<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "'onmouseover='x",
                          "</pre><script>x()</script>", "&lt;already&gt;"};

TEST(Escape, ReplacesEveryMarkupCharacter) {
  EXPECT_EQ(Escape("<a href=\"x\" title='y'>&</a>"), "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  EXPECT_EQ(Escape("plain text ü"), "plain text ü");
}

// Nothing of a hostile string survives as markup: no tag, no attribute break
// (a quote that closed the attribute would leave 'onmouseover bare).
void ExpectInert(const std::string& html, const std::string& where) {
  EXPECT_EQ(html.find("<script>"), std::string::npos) << where;
  EXPECT_EQ(html.find("<img"), std::string::npos) << where;
  EXPECT_EQ(html.find("'onmouseover"), std::string::npos) << where;
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos) << where;
}

TEST(Escape, HostileStringsInEveryPageAreInert) {
  Session s{"id", "operator:<script>alert(1)</script>", "csrf\"><img src=x>", 0, 0};
  std::string all = std::string(kHostile[0]) + kHostile[1] + kHostile[2] + kHostile[3] + kHostile[4];
  Json instance = {{"subdomain", all}, {"name", all}, {"email", all}, {"app", all}, {"app_version", all},
                   {"status", all}, {"url", "https://x/" + all}, {"created_at", all},
                   {"database", {{"cluster", all}}}};
  Json op = {{"id", 7}, {"kind", all}, {"subdomain", all}, {"state", all}, {"error", all},
             {"created_at", all}, {"steps", Json::array({{{"name", all}, {"state", all}, {"error", all}}})}};
  Json instances = Json::array({instance});
  TableQuery q;
  q.text = all;
  q.status = all;
  TablePage page;
  page.rows = instances;
  ExpectInert(InstancesPage(s, q, page), "instances");
  ExpectInert(CreatePage(s, {{"subdomain", all}, {"name", all}}, all), "create");
  InstanceView v;
  v.subdomain = all;
  v.report = instance;
  v.report["up"] = true;
  v.report["health_error"] = all;
  v.report["https"] = {{"code", 0}, {"error", all}, {"url", all}};
  v.report["certificate"] = {{"issuer", all}, {"not_after", all}, {"trusted", false}};
  v.flags = {{all, all}};
  v.secrets = Json::array({all});
  v.operations = Json::array({op});
  v.backups = Json::array({{{"id", all}, {"reason", all}}});
  v.logs = {{"text", all + "\n" + all}, {"cursor", all}};
  ExpectInert(InstancePage(s, v, all), "instance");
  ExpectInert(OperationsPage(s, Json::array({op})), "operations");
  ExpectInert(OperationPage(s, op), "operation");
  ExpectInert(ClustersPage(s, Json::array({{{"name", all}, {"address", all}, {"used", 1}, {"capacity", 2}}})),
              "clusters");
  ExpectInert(CertificatesPage(s, Json::array({{{"names", {all}}, {"issuer", all}, {"purpose", all},
                                                  {"not_after", all}, {"last_error", all}}}),
                               0),
              "certificates");
  ExpectInert(BackupsPage(s, Json::array({{{"id", all}, {"subdomain", all}, {"reason", all}}})), "backups");
  ExpectInert(SignInPage(all), "sign in");
  ExpectInert(MessagePage(&s, all, all), "message");
}

// --- the instance list ------------------------------------------------------------------

TEST(InstanceTable, AsksTheApiForOnePageOfThousands) {
  FakeController fake;
  for (int i = 0; i < 1200; ++i) {
    char sub[16];
    std::snprintf(sub, sizeof(sub), "i%05d", i);
    fake.Seed(sub);
  }
  std::atomic<bool> stopping{false};
  ApiCaller api(fake, stopping);

  Result<TablePage> page = FetchInstancePage(api, ParseTableQuery({}));
  ASSERT_TRUE(page.ok()) << page.status().message();
  EXPECT_EQ(page->total, 1200);
  EXPECT_EQ(page->pages, 24);
  ASSERT_EQ(page->rows.size(), 50u);
  EXPECT_EQ(page->rows[0]["subdomain"], "i00000");

  page = FetchInstancePage(api, ParseTableQuery({{"sort", "subdomain"}, {"dir", "desc"}, {"page", "2"}}));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->rows[0]["subdomain"], "i01149");

  page = FetchInstancePage(api, ParseTableQuery({{"q", "I0004"}, {"status", "running"}}));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 10) << "i00040..i00049, any case";

  page = FetchInstancePage(api, ParseTableQuery({{"page", "999999"}, {"per_page", "500"}}));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->page, 3) << "past the end: the last page";
  EXPECT_EQ(page->rows.size(), 200u);

  page = FetchInstancePage(api, ParseTableQuery({{"status", "bogus"}}));
  EXPECT_EQ(page.status().code(), Code::kInvalidArgument) << "the API's own validation";

  TableQuery bad = ParseTableQuery({{"sort", "password"}, {"page", "-1"}, {"per_page", "1000000"}});
  EXPECT_EQ(bad.sort, "subdomain");
  EXPECT_EQ(bad.page, 1);
  EXPECT_EQ(bad.per_page, 50);
  Params api_query = ApiQueryOf(ParseTableQuery({{"sort", "created"}, {"dir", "desc"}, {"page", "3"}}));
  EXPECT_EQ(api_query, (Params{{"limit", "50"}, {"offset", "100"}, {"sort", "-created"}}));
}

// --- over HTTP ----------------------------------------------------------------------------

class DashboardHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.Seed("acme");
    ASSERT_TRUE(fake_.AddOperator("ann", "ann's long password").ok());
    dashboard_ = std::make_unique<Dashboard>(fake_, kToken, &audit_);
    server_ = std::make_unique<ApiServer>(fake_, kToken, "127.0.0.1", 0, &audit_);
    server_->Mount(*dashboard_);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    seeded_ = fake_.mutating_calls().size();
  }
  // How many changes reached the controller since SetUp.
  size_t Changes() const { return fake_.mutating_calls().size() - seeded_; }
  void TearDown() override { server_->Stop(); }

  // Signs in with a form; returns the session cookie ("" if refused).
  std::string SignIn(const httplib::Params& form) {
    auto r = client_->Post("/ui/signin", form);
    if (!r || r->status != 303) return "";
    std::string set = r->get_header_value("Set-Cookie");
    last_set_cookie_ = set;
    return set.substr(0, set.find(';'));
  }
  // The CSRF token of the page at `path`.
  std::string CsrfOf(const std::string& cookie, const std::string& path) {
    auto r = client_->Get(path.c_str(), {{"Cookie", cookie}});
    if (!r) return "";
    const std::string marker = "name=\"csrf\" value=\"";
    size_t at = r->body.find(marker);
    if (at == std::string::npos) return "";
    at += marker.size();
    return r->body.substr(at, r->body.find('"', at) - at);
  }

  FakeController fake_;
  MemoryAudit audit_;
  std::unique_ptr<Dashboard> dashboard_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<httplib::Client> client_;
  std::string last_set_cookie_;
  size_t seeded_ = 0;
};

TEST_F(DashboardHttpTest, SignsInWithTheTokenOrAnOperatorIntoAStrictCookie) {
  std::string cookie = SignIn({{"token", kToken}});
  ASSERT_FALSE(cookie.empty());
  EXPECT_NE(last_set_cookie_.find("HttpOnly"), std::string::npos);
  EXPECT_NE(last_set_cookie_.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(last_set_cookie_.find("Path=/"), std::string::npos);
  EXPECT_EQ(last_set_cookie_.find("Secure"), std::string::npos);  // plain loopback HTTP
  EXPECT_FALSE(SignIn({{"name", "ann"}, {"password", "ann's long password"}}).empty());
  EXPECT_TRUE(SignIn({{"name", "ann"}, {"password", "wrong password!"}}).empty());
  EXPECT_TRUE(SignIn({{"name", "bob"}, {"password", "ann's long password"}}).empty());

  auto page = client_->Get("/ui/instances", {{"Cookie", cookie}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("acme"), std::string::npos);
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("script-src 'self'"), std::string::npos);
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(page->get_header_value("X-Frame-Options"), "DENY");
  EXPECT_EQ(page->get_header_value("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(page->get_header_value("Cache-Control"), "no-store");

  // The cookie is no key to the API: /v1 still wants the bearer token.
  auto api = client_->Get("/v1/instances", {{"Cookie", cookie}});
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 401);

  // Failures are audited without the password or token tried.
  bool failure = false;
  for (const AuditEvent& e : audit_.events()) {
    EXPECT_EQ(e.action.find("wrong password"), std::string::npos);
    EXPECT_EQ(e.outcome.find("wrong password"), std::string::npos);
    if (e.action == "dashboard POST /ui/signin" && e.status == 401) failure = true;
  }
  EXPECT_TRUE(failure);
}

TEST_F(DashboardHttpTest, APostWithoutItsCsrfTokenIsRefusedAndChangesNothing) {
  std::string cookie = SignIn({{"token", kToken}});
  std::string csrf = CsrfOf(cookie, "/ui/instances/acme");
  ASSERT_EQ(csrf.size(), 64u);
  const std::string wrong = (csrf[0] == '0' ? "1" : "0") + csrf.substr(1);  // one character off
  for (const httplib::Params& form : {httplib::Params{}, httplib::Params{{"csrf", wrong}},
                                      httplib::Params{{"csrf", ""}}}) {
    auto r = client_->Post("/ui/instances/acme/restart", {{"Cookie", cookie}}, form);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403);
  }
  EXPECT_EQ(Changes(), 0u);
  auto r = client_->Post("/ui/instances/acme/restart", {{"Cookie", cookie}}, httplib::Params{{"csrf", csrf}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(r->get_header_value("Location").rfind("/ui/operations/", 0), 0u);
  EXPECT_EQ(Changes(), 1u);
}

TEST_F(DashboardHttpTest, DeleteNeedsTheTypedSubdomainAndCreateShowsTheApisMessage) {
  std::string cookie = SignIn({{"token", kToken}});
  std::string csrf = CsrfOf(cookie, "/ui/instances/acme");
  auto wrong = client_->Post("/ui/instances/acme/delete", {{"Cookie", cookie}},
                             httplib::Params{{"csrf", csrf}, {"confirm", "acm"}, {"backup", "true"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 400);
  EXPECT_NE(wrong->body.find("type the subdomain exactly"), std::string::npos);
  EXPECT_EQ(Changes(), 0u);

  auto bad = client_->Post("/ui/instances", {{"Cookie", cookie}},
                           httplib::Params{{"csrf", csrf}, {"subdomain", "Not<Valid>"}, {"email", "a@b.example"},
                                           {"name", "X"}, {"app", "demo"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("subdomain"), std::string::npos);
  EXPECT_NE(bad->body.find("Not&lt;Valid&gt;"), std::string::npos);  // the form keeps the value, escaped

  auto right = client_->Post("/ui/instances/acme/delete", {{"Cookie", cookie}},
                             httplib::Params{{"csrf", csrf}, {"confirm", "acme"}, {"backup", "true"}});
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 303);
}

TEST_F(DashboardHttpTest, AfterSignOutTheSessionIsRefused) {
  std::string cookie = SignIn({{"token", kToken}});
  std::string csrf = CsrfOf(cookie, "/ui/instances");
  auto out = client_->Post("/ui/signout", {{"Cookie", cookie}}, httplib::Params{{"csrf", csrf}});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 303);
  auto page = client_->Get("/ui/instances", {{"Cookie", cookie}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 303);
  EXPECT_EQ(page->get_header_value("Location"), "/ui/signin");
  auto post = client_->Post("/ui/instances/acme/restart", {{"Cookie", cookie}}, httplib::Params{{"csrf", csrf}});
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 403);
  EXPECT_EQ(Changes(), 0u);
}

TEST_F(DashboardHttpTest, RemovingAnOperatorEndsItsSessionsEvenIfTheNameIsMadeAgain) {
  ASSERT_TRUE(fake_.AddOperator("cy", "a long enough password").ok());
  std::string cookie = SignIn({{"name", "cy"}, {"password", "a long enough password"}});
  ASSERT_FALSE(cookie.empty());
  auto before = client_->Get("/ui/instances", {{"Cookie", cookie}});
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, 200);

  ASSERT_TRUE(fake_.RemoveOperator("cy").ok());
  ASSERT_TRUE(fake_.AddOperator("cy", "another long password").ok());
  auto after = client_->Get("/ui/instances", {{"Cookie", cookie}});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 303) << "to the sign-in page";
  EXPECT_EQ(after->get_header_value("Location"), "/ui/signin");
}

TEST_F(DashboardHttpTest, SignInIsThrottledAfterFiveFailures) {
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(SignIn({{"token", "wrong"}}).empty());
  auto r = client_->Post("/ui/signin", httplib::Params{{"token", kToken}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
}

TEST_F(DashboardHttpTest, PagesReadTheApiAndTheEventStreamTakesTheCookie) {
  std::string cookie = SignIn({{"token", kToken}});
  for (const char* path : {"/ui/instances/acme", "/ui/clusters", "/ui/operations", "/ui/certificates",
                           "/ui/backups", "/ui/instances/new", "/ui/instances?q=acm&sort=created&dir=desc"}) {
    auto r = client_->Get(path, {{"Cookie", cookie}});
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_NE(r->body.find("<main id=\"main\">"), std::string::npos) << path;
  }
  auto missing = client_->Get("/ui/instances/nosuch", {{"Cookie", cookie}});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  for (const char* stream : {"/ui/events?subdomain=acme", "/ui/instances/acme/logs/stream"}) {
    int status = 0;
    std::string type;
    client_->Get(stream, {{"Cookie", cookie}},
                 [&](const httplib::Response& res) {
                   status = res.status;
                   type = res.get_header_value("Content-Type");
                   return false;
                 },
                 [](const char*, size_t) { return false; });
    EXPECT_EQ(status, 200) << stream;
    EXPECT_EQ(type.rfind("text/event-stream", 0), 0u) << stream << ": " << type;
    auto refused = client_->Get(stream);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 303) << stream << ": no session, to the sign-in page";
  }
}

TEST(DashboardOptions, SecureCookieBehindTls) {
  FakeController fake;
  Dashboard dashboard(fake, kToken, nullptr, {.secure_cookie = true});
  ApiServer server(fake, kToken, "127.0.0.1", 0);
  server.Mount(dashboard);
  ASSERT_TRUE(server.Start().ok());
  httplib::Client client("127.0.0.1", server.port());
  auto r = client.Post("/ui/signin", httplib::Params{{"token", kToken}});
  ASSERT_TRUE(r);
  EXPECT_NE(r->get_header_value("Set-Cookie").find("; Secure"), std::string::npos);
  server.Stop();
}

}  // namespace
}  // namespace md::dash
