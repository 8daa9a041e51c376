// The Caddy config rendered for the front proxy (what Caddy is told, checked
// as JSON), the validation every FrontProxy shares, the run script, and the
// FakeFrontProxy. The real Caddy runs in tests/integration/caddy_proxy_test.cc.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "drivers/proxy/caddy_config.h"
#include "drivers/proxy/fake_front_proxy.h"

namespace md {
namespace {

using nlohmann::json;

CaddySettings Settings() {
  CaddySettings s;
  s.state_dir = "/srv/md/caddy";
  s.admin_socket = "/srv/md/caddy/admin.sock";
  return s;
}

ProxyConfig OneRoute(std::vector<std::string> hosts, std::string upstream = "unix//srv/md/sockets/a/app.sock") {
  return {.routes = {{.hosts = std::move(hosts), .upstream = std::move(upstream)}}};
}

HttpChallenge Challenge(std::string host = "shop.example.com") {
  return {.host = std::move(host), .token = "tok_EN-1", .key_authorization = "tok_EN-1.thumb_PRINT-2"};
}

json Render(const ProxyConfig& config, const CaddySettings& settings = Settings()) {
  auto r = RenderCaddyConfig(settings, config);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? json::parse(*r) : json();
}

Status RenderStatus(const ProxyConfig& config, const CaddySettings& settings = Settings()) {
  auto r = RenderCaddyConfig(settings, config);
  return r.ok() ? Status::Ok() : r.status();
}

const json& Front(const json& j) { return j["apps"]["http"]["servers"]["front"]; }
const json& Challenges(const json& j) { return j["apps"]["http"]["servers"]["challenges"]; }

TEST(CaddyConfigTest, ControllerRouteAtLocalhostSetsTheClientAddressItself) {
  ProxyConfig config{.routes = {{.hosts = {"localhost"},
                                 .upstream = "unix//srv/md/public/controller.sock",
                                 .forward_client_address = true}}};
  json j = Render(config);
  const json& route = Front(j)["routes"][0];
  EXPECT_EQ(route["match"][0]["host"], json({"localhost"}));
  const json& proxy = route["handle"][0];
  EXPECT_EQ(proxy["upstreams"][0]["dial"], "unix//srv/md/public/controller.sock");
  EXPECT_EQ(proxy["headers"]["request"]["set"]["X-Forwarded-For"], json({"{http.request.remote.host}"}));
  // Other one-label names stay refused.
  EXPECT_FALSE(RenderStatus(OneRoute({"intranet"})).ok());
  EXPECT_FALSE(Render(OneRoute({"a.example.com"}))["apps"]["http"]["servers"]["front"]["routes"][0]["handle"][0]
                   .contains("headers"));
}

TEST(CaddyConfigTest, InitialConfigHasAdminSocketStorageAndBothServers) {
  json j = Render({});
  EXPECT_EQ(j["admin"]["listen"], "unix//srv/md/caddy/admin.sock");
  EXPECT_EQ(j["admin"]["config"]["persist"], false);
  EXPECT_EQ(j["storage"], json({{"module", "file_system"}, {"root", "/srv/md/caddy/own/storage"}}));
  EXPECT_EQ(j["apps"]["http"]["https_port"], 8443);
  EXPECT_EQ(j["apps"]["http"]["http_port"], 8080);
  EXPECT_EQ(Front(j)["listen"], json({":8443"}));
  EXPECT_EQ(Front(j)["automatic_https"]["disable"], true);
  EXPECT_EQ(Front(j)["tls_connection_policies"], json::parse("[{}]"));
  EXPECT_EQ(Front(j)["protocols"], json({"h1", "h2"}));
  EXPECT_EQ(Challenges(j)["listen"], json({":8080"}));
  EXPECT_EQ(Challenges(j)["automatic_https"]["disable"], true);
  EXPECT_FALSE(Challenges(j).contains("tls_connection_policies"));
  EXPECT_EQ(j["apps"]["tls"]["certificates"]["load_pem"], json::array());
  EXPECT_FALSE(j["apps"]["tls"].contains("automation"));
  EXPECT_FALSE(j.contains("logging"));  // stderr
}

TEST(CaddyConfigTest, RoutesEachHostToItsUpstreamAndUnknownHostsTo404) {
  ProxyConfig config = {.routes = {{.hosts = {"a.example.com", "shop.a.org"}, .upstream = "unix//srv/md/sockets/a/app.sock"},
                                   {.hosts = {"b.example.com"}, .upstream = "unix//srv/md/sockets/b/app.sock"}}};
  json j = Render(config);
  const json& routes = Front(j)["routes"];
  ASSERT_EQ(routes.size(), 3u);
  EXPECT_EQ(routes[0], json::parse(R"({"match":[{"host":["a.example.com","shop.a.org"]}],
      "handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"unix//srv/md/sockets/a/app.sock"}],
      "transport":{"protocol":"http"}}],"terminal":true})"));
  EXPECT_EQ(routes[1]["match"][0]["host"], json({"b.example.com"}));
  EXPECT_EQ(routes[1]["handle"][0]["upstreams"][0]["dial"], "unix//srv/md/sockets/b/app.sock");
  EXPECT_FALSE(routes[2].contains("match"));
  EXPECT_EQ(routes[2]["handle"][0]["handler"], "static_response");
  EXPECT_EQ(routes[2]["handle"][0]["status_code"], 404);
  EXPECT_EQ(routes[2]["handle"][0]["body"], "no such instance\n");
}

TEST(CaddyConfigTest, ExactHostsComeBeforeWildcards) {
  ProxyConfig config = {.routes = {{.hosts = {"*.example.com", "example.com"}, .upstream = "unix//srv/md/sockets/a/app.sock"},
                                   {.hosts = {"a.example.com"}, .upstream = "unix//srv/md/sockets/b/app.sock"}}};
  json j = Render(config);
  const json& routes = Front(j)["routes"];
  ASSERT_EQ(routes.size(), 4u);
  EXPECT_EQ(routes[0]["match"][0]["host"], json({"example.com"}));
  EXPECT_EQ(routes[1]["match"][0]["host"], json({"a.example.com"}));
  EXPECT_EQ(routes[2]["match"][0]["host"], json({"*.example.com"}));
  EXPECT_EQ(routes[2]["handle"][0]["upstreams"][0]["dial"], "unix//srv/md/sockets/a/app.sock");
}

TEST(CaddyConfigTest, OneRouteServesEverySubdomainAtItsOwnSocket) {
  ProxyConfig config = OneRoute({"*.md.example.com"}, "unix//srv/md/sockets/{subdomain}/app.sock");
  json j = Render(config);
  const json& route = Front(j)["routes"][0];
  EXPECT_EQ(route["handle"][0]["upstreams"][0]["dial"], "unix//srv/md/sockets/{http.request.host.labels.3}/app.sock")
      << "the label before md.example.com, counted from the right";
  EXPECT_EQ(route["match"], json::parse(R"([{"host":["*.md.example.com"],
      "vars_regexp":{"{http.request.host}":{"pattern":"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.md\\.example\\.com$"}}}])"));
  const json& errors = Front(j)["errors"]["routes"];
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0]["match"][0]["file"], json::parse(R"({"root":"/srv/md/sockets","try_files":["/{http.request.host.labels.3}/"]})"));
  EXPECT_EQ(errors[0]["handle"][0]["status_code"], 502) << "its socket directory exists: the app does not answer";
  EXPECT_EQ(errors[1]["handle"][0]["status_code"], 404) << "no such instance";
  EXPECT_EQ(Render(OneRoute({"*.localhost"}, "unix//s/{subdomain}/a.sock"))["apps"]["http"]["servers"]["front"]["routes"]
                [0]["handle"][0]["upstreams"][0]["dial"],
            "unix//s/{http.request.host.labels.1}/a.sock");
}

TEST(CaddyConfigTest, TheSubdomainTokenIsADirectoryOfOneWildcardRoute) {
  for (const char* upstream : {"unix//s/{subdomain}", "unix//s/x{subdomain}/a.sock", "unix//s/{subdomain}/{subdomain}/a",
                               "unix/s/{subdomain}/a.sock", "unix//s/../{subdomain}/a.sock"}) {
    EXPECT_EQ(RenderStatus(OneRoute({"*.example.com"}, upstream)).code(), Code::kInvalidArgument) << upstream;
  }
  EXPECT_EQ(RenderStatus(OneRoute({"a.example.com"}, "unix//s/{subdomain}/a.sock")).code(), Code::kInvalidArgument)
      << "not a wildcard";
  EXPECT_EQ(RenderStatus(OneRoute({"*.example.com", "*.example.org"}, "unix//s/{subdomain}/a.sock")).code(),
            Code::kInvalidArgument)
      << "two hosts";
  EXPECT_EQ(RenderStatus(OneRoute({"*.example.com"}, "unix//" + std::string(40, 's') + "/{subdomain}/a.sock")).code(),
            Code::kInvalidArgument)
      << "too long for sockaddr_un with a 63-byte subdomain";
}

TEST(CaddyConfigTest, AnswersChallengeOnItsHostAndRedirectsTheRestToHttps) {
  json j = Render({.challenges = {Challenge()}});
  const json& routes = Challenges(j)["routes"];
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0]["match"], json::parse(R"([{"host":["shop.example.com"],
      "path":["/.well-known/acme-challenge/tok_EN-1"]}])"));
  EXPECT_EQ(routes[0]["handle"][0]["status_code"], 200);
  EXPECT_EQ(routes[0]["handle"][0]["body"], "tok_EN-1.thumb_PRINT-2");
  EXPECT_EQ(routes[0]["terminal"], true);
  EXPECT_FALSE(routes[1].contains("match"));
  EXPECT_EQ(routes[1]["handle"][0]["status_code"], 301);
  EXPECT_EQ(routes[1]["handle"][0]["headers"]["Location"],
            json({"https://{http.request.host}:8443{http.request.uri}"}));
}

TEST(CaddyConfigTest, RedirectLeavesOutPort443) {
  CaddySettings s = Settings();
  s.https_port = 443;
  s.http_port = 80;
  json j = Render({}, s);
  EXPECT_EQ(Challenges(j)["routes"][0]["handle"][0]["headers"]["Location"],
            json({"https://{http.request.host}{http.request.uri}"}));
  EXPECT_EQ(Front(j)["listen"], json({":443"}));
  EXPECT_EQ(Challenges(j)["listen"], json({":80"}));
}

TEST(CaddyConfigTest, ListensOnEachBindAddress) {
  CaddySettings s = Settings();
  s.bind_addresses = {"127.0.0.1", "::1"};
  json j = Render({}, s);
  EXPECT_EQ(Front(j)["listen"], json({"127.0.0.1:8443", "[::1]:8443"}));
  EXPECT_EQ(Challenges(j)["listen"], json({"127.0.0.1:8080", "[::1]:8080"}));
}

TEST(CaddyConfigTest, LoadsEveryCertificateAsPem) {
  ProxyConfig config = {.certificates = {{.cert_pem = "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n",
                                          .key_pem = "-----BEGIN PRIVATE KEY-----\nB\n-----END PRIVATE KEY-----\n",
                                          .tags = {"wildcard", "acme.example.com"}}}};
  json j = Render(config);
  const json& pems = j["apps"]["tls"]["certificates"]["load_pem"];
  ASSERT_EQ(pems.size(), 1u);
  EXPECT_EQ(pems[0]["certificate"], config.certificates[0].cert_pem);
  EXPECT_EQ(pems[0]["key"], config.certificates[0].key_pem);
  EXPECT_EQ(pems[0]["tags"], json({"wildcard", "acme.example.com"}));
}

TEST(CaddyConfigTest, LogsToTheFileGiven) {
  CaddySettings s = Settings();
  s.log_file = "/var/log/md/caddy.log";
  EXPECT_EQ(Render({}, s)["logging"]["logs"]["default"]["writer"],
            json({{"output", "file"}, {"filename", "/var/log/md/caddy.log"}}));
}

TEST(CaddyConfigTest, SameInputGivesSameBytes) {
  ProxyConfig config = OneRoute({"a.example.com"});
  config.challenges = {Challenge()};
  EXPECT_EQ(RenderCaddyConfig(Settings(), config).value(), RenderCaddyConfig(Settings(), config).value());
}

TEST(CaddyConfigTest, AcceptsWellFormedHosts) {
  for (const std::string& host : std::vector<std::string>{"a.example.com", "*.example.com", "xn--bcher-kva.example", "a-1.b2.example",
                           std::string(63, 'a') + ".example.com"}) {
    EXPECT_TRUE(RenderStatus(OneRoute({host})).ok()) << host;
  }
}

TEST(CaddyConfigTest, RefusesHostileHosts) {
  for (const std::string& host : std::vector<std::string>{
           "", "example", "*.example", "A.example.com", "a..example.com", ".a.example.com", "a.example.com.",
        "-a.example.com", "a-.example.com", "a_b.example.com", "a example.com", "a.example.com\n",
        "a.example.com:443", "a/b.example.com", "*.*.example.com", "a.*.example.com", "*", "*.",
        "{http.request.host}.example.com", "\xc3\xa9.example.com", std::string(64, 'a') + ".example.com",
        std::string(250, 'a').replace(50, 1, ".").replace(100, 1, ".").replace(150, 1, ".").replace(200, 1, ".") +
            ".com"}) {
    Status s = RenderStatus(OneRoute({host}));
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << host;
    EXPECT_EQ(s.message().find('\n'), std::string::npos) << s.message();
  }
}

TEST(CaddyConfigTest, RefusesUpstreamsOtherThanUnixSockets) {
  for (const std::string& upstream : std::vector<std::string>{"", "127.0.0.1:9001", "[::1]:9001", "10.0.0.1:80", "localhost:80", "unix/",
                               "unix/relative/s", "unix//", "unix//a/../b/s", "unix//a b/s", "unix//a\nb/s",
                               "unix//a/s ", std::string("unix//a/s\0x", 12), "unix//" + std::string(107, 'a')}) {
    EXPECT_EQ(RenderStatus(OneRoute({"a.example.com"}, upstream)).code(), Code::kInvalidArgument) << upstream;
  }
  EXPECT_TRUE(RenderStatus(OneRoute({"a.example.com"}, "unix//" + std::string(106, 'a'))).ok());
}

TEST(CaddyConfigTest, RefusesAHostRoutedTwiceOrARouteWithoutHost) {
  ProxyConfig twice = {.routes = {{.hosts = {"a.example.com"}, .upstream = "unix//srv/md/sockets/a/app.sock"},
                                  {.hosts = {"a.example.com"}, .upstream = "unix//srv/md/sockets/b/app.sock"}}};
  EXPECT_EQ(RenderStatus(twice).code(), Code::kInvalidArgument);
  EXPECT_EQ(RenderStatus(OneRoute({"a.example.com", "a.example.com"})).code(), Code::kInvalidArgument);
  EXPECT_EQ(RenderStatus(OneRoute({})).code(), Code::kInvalidArgument);
}

TEST(CaddyConfigTest, RefusesMalformedChallenges) {
  auto with = [](HttpChallenge c) { return RenderStatus({.challenges = {c}}); };
  HttpChallenge c = Challenge("*.example.com");
  EXPECT_EQ(with(c).code(), Code::kInvalidArgument);
  for (const std::string& token : std::vector<std::string>{"", "a/b", "a.b", "{x}", "a b", "..", std::string(257, 'a')}) {
    c = Challenge();
    c.token = token;
    c.key_authorization = token + ".thumb";
    EXPECT_EQ(with(c).code(), Code::kInvalidArgument) << token;
  }
  for (std::string key_auth : {"", "tok_EN-1", "tok_EN-1.", "other.thumb", "tok_EN-1.th{umb}", "tok_EN-1.a.b"}) {
    c = Challenge();
    c.key_authorization = key_auth;
    EXPECT_EQ(with(c).code(), Code::kInvalidArgument) << key_auth;
  }
  EXPECT_EQ(RenderStatus({.challenges = {Challenge(), Challenge()}}).code(), Code::kInvalidArgument);
  EXPECT_TRUE(RenderStatus({.challenges = {Challenge("a.example.com"), Challenge("b.example.com")}}).ok());
}

TEST(CaddyConfigTest, RefusesCertificatesWithoutPemAndNeverQuotesTheKey) {
  ProxyCertificate cert = {.cert_pem = "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
                           .key_pem = "SECRET-KEY-MATERIAL"};
  Status s = RenderStatus({.certificates = {cert}});
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message().find("SECRET"), std::string::npos) << s.message();
  cert.key_pem = "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n";
  EXPECT_TRUE(RenderStatus({.certificates = {cert}}).ok());
  cert.tags = {"bad tag"};
  EXPECT_EQ(RenderStatus({.certificates = {cert}}).code(), Code::kInvalidArgument);
  cert.tags = {};
  cert.cert_pem = "";
  EXPECT_EQ(RenderStatus({.certificates = {cert}}).code(), Code::kInvalidArgument);
}

TEST(CaddyConfigTest, RefusesUnusableSettings) {
  std::vector<CaddySettings> bad(6, Settings());
  bad[0].state_dir = "relative";
  bad[1].admin_socket = "/" + std::string(107, 's');
  bad[2].http_port = bad[2].https_port;
  bad[3].https_port = 0;
  bad[4].bind_addresses = {"[::1]"};
  bad[5].log_file = "caddy.log";
  for (const CaddySettings& s : bad) EXPECT_EQ(RenderStatus({}, s).code(), Code::kInvalidArgument);
}

TEST(CaddyConfigTest, RunScriptRunsCaddyWithEverythingInItsStateDir) {
  CaddySettings s = Settings();
  s.caddy_binary = "/usr/bin/caddy";
  EXPECT_EQ(RenderCaddyRunScript(s),
            "#!/bin/sh\n"
            "# Caddy, the front proxy. Its files are private and stay in its state dir.\n"
            "umask 077\n"
            "exec 2>&1\n"
            "exec env 'HOME=/srv/md/caddy/own/home' 'XDG_DATA_HOME=/srv/md/caddy/own/data' "
            "'XDG_CONFIG_HOME=/srv/md/caddy/own/config' '/usr/bin/caddy' run --config '/srv/md/caddy/caddy.json'\n");
}

TEST(CaddyConfigTest, RunScriptDropsToItsUserKeepingOnlyTheBindCapability) {
  CaddySettings s = Settings();
  s.run_as = Owner{998, 997};
  std::string script = RenderCaddyRunScript(s);
  EXPECT_NE(script.find("exec /usr/bin/setpriv --reuid=998 --regid=997 --clear-groups "
                        "--inh-caps=-all,+net_bind_service --ambient-caps=-all,+net_bind_service "
                        "--bounding-set=-all,+net_bind_service --no-new-privs -- env 'HOME="),
            std::string::npos)
      << script;
}

TEST(FakeFrontProxyTest, ServesTheLastConfigAndCountsOnlyChanges) {
  FakeFrontProxy proxy;
  EXPECT_FALSE(proxy.serving().has_value());
  ProxyConfig a = OneRoute({"a.example.com"});
  ASSERT_TRUE(proxy.Apply(a).ok());
  ASSERT_TRUE(proxy.Apply(a).ok());
  EXPECT_EQ(proxy.serving(), a);
  EXPECT_EQ(proxy.changes(), 1);
  ASSERT_TRUE(proxy.Apply({}).ok());
  EXPECT_EQ(proxy.serving(), ProxyConfig{});
  EXPECT_EQ(proxy.changes(), 2);
}

TEST(FakeFrontProxyTest, RefusesWhatCaddyRefusesAndKeepsServing) {
  FakeFrontProxy proxy;
  ProxyConfig a = OneRoute({"a.example.com"});
  ASSERT_TRUE(proxy.Apply(a).ok());
  EXPECT_EQ(proxy.Apply(OneRoute({"A.example.com"})).code(), Code::kInvalidArgument);
  EXPECT_EQ(proxy.serving(), a);
}

TEST(FakeFrontProxyTest, FailsOnDemandAndWhenDown) {
  FakeFrontProxy proxy;
  ProxyConfig a = OneRoute({"a.example.com"});
  proxy.FailNext(Internal("boom"));
  EXPECT_EQ(proxy.Apply(a).code(), Code::kInternal);
  EXPECT_FALSE(proxy.serving().has_value());
  EXPECT_TRUE(proxy.Apply(a).ok());
  proxy.SetDown(true);
  EXPECT_EQ(proxy.Ping().code(), Code::kUnavailable);
  EXPECT_EQ(proxy.Apply({}).code(), Code::kUnavailable);
  EXPECT_EQ(proxy.serving(), a);
  proxy.SetDown(false);
  EXPECT_TRUE(proxy.Ping().ok());
}

}  // namespace
}  // namespace md
