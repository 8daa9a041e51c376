// Bad input at every route of the HTTP API (the route table of
// src/api/routes.h, which every test here iterates): malformed JSON, wrong
// JSON types, unknown fields, a body over 64 KiB and hostile strings (quotes,
// ';', '..', '/', NUL, 10 000 characters, non-ASCII, invalid UTF-8) in bodies,
// paths and queries, sent with a valid token. Each must get a 4xx with a JSON
// error of one line, and the FakeController must record no call that changes
// anything. Each route of the table needs its entry in RouteTests().

#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "api/json_codec.h"
#include "api/routes.h"
#include "api/server.h"
#include "core/strings.h"
#include "fake_controller.h"

namespace md {
namespace {

constexpr const char* kToken = "hostile-test-token";

// The request bodies the tests know, by the schema a route takes (Route::request).
enum class Body { kNone, kCreate, kChange, kUpgrade, kCluster, kDomain, kLimits, kOperator };

// What the tests need to know of a route beyond the table.
struct RouteTest {
  bool open = false;    // reads no input: tested by HealthzReadsNoInput only
  bool stream = false;  // answers a stream: the valid request is read up to its status
};

// One entry per route of the table, by RouteName.
const std::map<std::string, RouteTest>& RouteTests() {
  static const std::map<std::string, RouteTest> tests = {
      {"GET /healthz", {.open = true}},
      {"GET /metrics", {}},
      {"GET /v1/openapi.json", {}},
      {"GET /v1/events", {.stream = true}},
      {"GET /v1/instances", {}},
      {"POST /v1/instances", {}},
      {"GET /v1/instances/{subdomain}", {}},
      {"DELETE /v1/instances/{subdomain}", {}},
      {"GET /v1/instances/{subdomain}/status", {}},
      {"GET /v1/instances/{subdomain}/logs", {}},
      {"GET /v1/instances/{subdomain}/logs/stream", {.stream = true}},
      {"GET /v1/instances/{subdomain}/flags", {}},
      {"PATCH /v1/instances/{subdomain}/flags", {}},
      {"PATCH /v1/instances/{subdomain}/limits", {}},
      {"GET /v1/instances/{subdomain}/secrets", {}},
      {"PATCH /v1/instances/{subdomain}/secrets", {}},
      {"GET /v1/instances/{subdomain}/credentials", {}},
      {"POST /v1/instances/{subdomain}/credentials/rotate", {}},
      {"POST /v1/instances/{subdomain}/start", {}},
      {"POST /v1/instances/{subdomain}/stop", {}},
      {"POST /v1/instances/{subdomain}/restart", {}},
      {"POST /v1/instances/{subdomain}/wipe-db", {}},
      {"POST /v1/instances/{subdomain}/backups", {}},
      {"POST /v1/instances/{subdomain}/restore", {}},
      {"GET /v1/backups", {}},
      {"POST /v1/upgrades", {}},
      {"GET /v1/certificates", {}},
      {"GET /v1/ca", {}},
      {"GET /v1/known-hosts", {}},
      {"GET /v1/domains", {}},
      {"POST /v1/instances/{subdomain}/domains", {}},
      {"DELETE /v1/instances/{subdomain}/domains/{host}", {}},
      {"GET /v1/signups", {}},
      {"POST /v1/instances/{subdomain}/welcome", {}},
      {"GET /v1/clusters", {}},
      {"POST /v1/clusters", {}},
      {"POST /v1/clusters/{cluster}/drain", {}},
      {"DELETE /v1/clusters/{cluster}", {}},
      {"GET /v1/operators", {}},
      {"POST /v1/operators", {}},
      {"DELETE /v1/operators/{operator}", {}},
      {"GET /v1/operations", {}},
      {"GET /v1/operations/{id}", {}},
      {"GET /v1/audit", {}},
      {"GET /v1/doctor", {}},
      {"POST /v1/doctor/fix", {}},
  };
  return tests;
}

const RouteTest& TestOf(const Route& route) {
  static const RouteTest kMissing;
  auto it = RouteTests().find(RouteName(route));
  return it == RouteTests().end() ? kMissing : it->second;
}

// Every route of the table that reads input and needs the token.
std::vector<Route> Routes() {
  std::vector<Route> routes;
  for (const Route& route : ApiRoutes()) {
    if (!route.open) routes.push_back(route);
  }
  return routes;
}

Body BodyOf(const Route& route) {
  static const std::map<std::string, Body> kBodies = {
      {"", Body::kNone},         {"CreateRequest", Body::kCreate}, {"EnvChange", Body::kChange},
      {"UpgradeRequest", Body::kUpgrade}, {"ClusterSpec", Body::kCluster}, {"DomainRequest", Body::kDomain},
      {"LimitsChange", Body::kLimits}, {"OperatorRequest", Body::kOperator}};
  auto it = kBodies.find(route.request);
  EXPECT_NE(it, kBodies.end()) << RouteName(route) << " takes a body the tests do not know: " << route.request;
  return it == kBodies.end() ? Body::kNone : it->second;
}

std::string ValidParam(const std::string& name) {
  static const std::map<std::string, std::string> kValid = {
      {"subdomain", "acme"}, {"cluster", "db2"}, {"id", "1"}, {"host", "shop.example.com"}, {"operator", "ann"}};
  auto it = kValid.find(name);
  EXPECT_NE(it, kValid.end()) << "no valid value for path parameter " << name;
  return it == kValid.end() ? "" : it->second;
}

// The path with valid parameters, or with `param` (already percent-encoded)
// as its parameter number `which`.
std::string PathOf(const Route& r, const std::string* param = nullptr, size_t which = 0) {
  std::string path = r.path;
  std::vector<std::string> names = PathParamNames(r.path);
  for (size_t i = 0; i < names.size(); ++i) {
    std::string braced = "{" + names[i] + "}";
    path.replace(path.find(braced), braced.size(), param && i == which ? *param : ValidParam(names[i]));
  }
  return path;
}

const char* ValidBody(Body body) {
  switch (body) {
    case Body::kNone: return "";
    case Body::kCreate: return R"({"subdomain":"newco","email":"ops@newco.example","name":"New Co","app":"demo","version":"1.2"})";
    case Body::kChange: return R"({"set":{"FEATURE_X":"on"},"unset":["OLD_FLAG"]})";
    case Body::kUpgrade: return R"({"subdomains":["acme"],"version":"2.0"})";
    case Body::kCluster: return R"({"name":"db3","url":"postgresql://admin:pw@db3.example:5432/postgres","capacity":5})";
    case Body::kDomain: return R"({"host":"www.newco.example"})";
    case Body::kLimits: return R"({"memory_mb":256,"pids":100,"cpu_weight":50})";
    case Body::kOperator: return R"({"name":"bob","password":"correct horse battery"})";
  }
  return "";
}
const char* ValidBody(const Route& route) { return ValidBody(BodyOf(route)); }

struct Variant {
  std::string name;
  std::string text;
};

// Hostile strings, as raw bytes.
const std::string kLong(10000, 'a');
std::vector<Variant> HostileStrings() {
  return {{"double and single quotes", "ac\"me'x"},
          {"semicolon", "acme;rm -rf /"},
          {"dot-dot path", "../../etc/passwd"},
          {"dot-dot alone", ".."},
          {"slash", "a/b"},
          {"backslash", "a\\b"},
          {"NUL", std::string("a\0b", 3)},
          {"newline", "a\nb"},
          {"10 000 characters", kLong},
          {"non-ASCII", "\xc3\xa7me-\xc3\xbcnicode"},
          {"invalid UTF-8", "a\xff\xfe" "b"},
          {"overlong UTF-8 dots", "\xc0\xae\xc0\xae"}};
}

// Hostile strings that are valid in some fields: a display name, a flag or
// secret value and a cluster URL may hold punctuation and non-ASCII text.
const std::set<std::string> kPunctuationAndText = {"double and single quotes", "semicolon", "dot-dot path",
                                                   "dot-dot alone",            "slash",     "backslash",
                                                   "non-ASCII"};

// The JSON token for a string: escaped when it is valid UTF-8 (NUL becomes
// \u0000), else the raw bytes between quotes, which no JSON parser may accept.
std::string JsonToken(const std::string& s) {
  try {
    return Json(s).dump();
  } catch (const Json::exception&) {
    return "\"" + s + "\"";
  }
}

// The same strings inside a URL path segment or query value.
std::vector<Variant> HostileSegments() {
  return {{"quotes", "%22acme%27"},     {"semicolon", "acme%3Brm"},     {"dot-dot", ".."},
          {"encoded dot-dot", "%2E%2E"}, {"encoded slash", "a%2Fb"},     {"backslash", "a%5Cb"},
          {"NUL", "a%00b"},              {"newline", "a%0Ab"},           {"10 000 characters", kLong},
          {"non-ASCII", "%C3%A7a"},      {"invalid UTF-8", "%FF%FE"},    {"overlong dots", "%C0%AE%C0%AE"},
          {"upper case", "ACME"},        {"space", "%20acme"},           {"leading dash", "-x-"}};
}

// A field of a request body: `body` has <> where the tested JSON token goes.
struct Slot {
  std::string name;
  std::string body;
  std::string valid;               // a token the route accepts here
  std::vector<std::string> wrong;  // tokens of the wrong type or refused values
  bool string = true;              // whether hostile strings go here
  std::set<std::string> allowed;   // hostile strings that are valid here
};

std::string Fill(const Slot& slot, const std::string& token) {
  std::string body = slot.body;
  body.replace(body.find("<>"), 2, token);
  return body;
}

const std::vector<std::string> kNotString = {"42", "1.5", "true", "[]", "{}", R"(["x"])"};

std::vector<Slot> Slots(Body body) {
  auto with = [](std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  switch (body) {
    case Body::kNone: return {};
    case Body::kCreate: {
      const std::string email = R"("email":"ops@newco.example")", name = R"("name":"New Co")";
      return {
          {"subdomain", R"({"subdomain":<>,)" + email + "," + name + "}", R"("newco")", with(kNotString, {"null", R"("")", R"("www")"})},
          {"email", R"({"subdomain":"newco",)" + name + R"(,"email":<>})", R"("ops@newco.example")", with(kNotString, {"null", R"("")", R"("a@b")"})},
          {"name", R"({"subdomain":"newco",)" + email + R"(,"name":<>})", R"("New Co")", with(kNotString, {"null", R"("")"}), true,
           kPunctuationAndText},
          {"app", R"({"subdomain":"newco",)" + email + "," + name + R"(,"app":<>})", R"("demo")", with(kNotString, {R"("")"})},
          {"version", R"({"subdomain":"newco",)" + email + "," + name + R"(,"version":<>})", R"("1.2")",
           with(kNotString, {"2", R"("-1")"})},
      };
    }
    case Body::kChange:
      return {
          {"set value", R"({"set":{"FEATURE_X":<>}})", R"("on")", with(kNotString, {"null"}), true, kPunctuationAndText},
          {"set key", R"({"set":{<>:"on"}})", R"("FEATURE_X")", {R"("")", R"("1BAD")", R"("A-B")", R"("A=B")"}},
          {"set", R"({"set":<>})", R"({"A":"1"})", {"[]", R"("A=1")", "42", "true", "null", "{}", R"([["A","1"]])"}, false},
          {"unset item", R"({"unset":[<>]})", R"("OLD")", with(kNotString, {"null", R"("")"})},
          {"unset", R"({"unset":<>})", R"(["OLD"])", {R"("OLD_FLAG")", R"({"OLD_FLAG":true})", "42", "null", "[]"}, false},
          {"set and unset", R"({"set":{"A":"1"},"unset":[<>]})", R"("B")", {R"("A")"}, false},
      };
    case Body::kUpgrade:
      return {
          {"subdomains item", R"({"subdomains":[<>],"version":"2.0"})", R"("acme")", with(kNotString, {"null", R"("www")"})},
          {"subdomains", R"({"subdomains":<>,"version":"2.0"})", R"(["acme"])",
           {R"("acme")", R"({"acme":true})", "42", "true", "[]", "null", R"(["acme","acme"])"}, false},
          {"version", R"({"subdomains":["acme"],"version":<>})", R"("2.0")", with(kNotString, {"2", "null", R"("")"})},
          {"all", R"({"all":<>,"version":"2.0"})", "true", {R"("true")", "1", "[]", "{}", "null", "false"}, false},
          {"all with subdomains", R"({"all":true,"subdomains":<>,"version":"2.0"})", "[]", {R"(["acme"])"}, false},
      };
    case Body::kCluster: {
      const std::string url = R"("url":"postgresql://admin:pw@db3.example:5432/postgres")";
      return {
          {"name", R"({"name":<>,)" + url + R"(,"capacity":5})", R"("db3")", with(kNotString, {"null", R"("")", R"("DB3")", R"("3db")"})},
          {"url", R"({"name":"db3","capacity":5,"url":<>})", R"("postgresql://x@y/z")", with(kNotString, {"null", R"("")"}), true,
           kPunctuationAndText},
          {"capacity", R"({"name":"db3",)" + url + R"(,"capacity":<>})", "5",
           {R"("5")", "5.5", "true", "null", "[]", "{}", "0", "-1", "100001", "2147483648", "18446744073709551616",
            "1e400", "-9223372036854775809"},
           false},
      };
    }
    case Body::kLimits:
      return {
          {"memory_mb", R"({"memory_mb":<>})", "256", {R"("256")", "1.5", "true", "[]", "{}"}, false},
          {"pids", R"({"pids":<>})", "100", {R"("100")", "1e400", "false", "[1]"}, false},
          {"cpu_weight", R"({"cpu_weight":<>})", "50", {R"("50")", "18446744073709551616", "{}"}, false},
      };
    case Body::kOperator:
      return {
          {"name", R"({"name":<>,"password":"correct horse battery"})", R"("bob")",
           with(kNotString, {"null", R"("")", R"("Bob")", R"("1bob")"})},
          {"password", R"({"name":"bob","password":<>})", R"("correct horse battery")",
           with(kNotString, {"null", R"("")", R"("short")"}), true, {"semicolon", "dot-dot path", "non-ASCII"}},
      };
    case Body::kDomain:
      return {
          {"host", R"({"host":<>})", R"("www.newco.example")",
           with(kNotString, {"null", R"("")", R"("newco")", R"("*.newco.example")", R"("WWW.newco.example")",
                             R"("www.newco.example.")", R"("www..newco.example")", R"("-www.newco.example")",
                             R"("www-.newco.example")", R"("www.newco.example:443")", R"("https://www.newco.example/")",
                             "\"" + std::string(64, 'a') + ".example\""})},
      };
  }
  return {};
}

// Bodies no route may accept.
std::vector<Variant> MalformedBodies() {
  std::string deep = std::string(30000, '[') + std::string(30000, ']');
  return {{"truncated object", "{"},
          {"truncated field", R"({"subdomain":"acme")"},
          {"truncated array", "[1,2"},
          {"bare word", "nul"},
          {"trailing comma", R"({"a":1,})"},
          {"single quotes", "{'a':1}"},
          {"two documents", R"({"a":1}{})"},
          {"trailing garbage", "{} x"},
          {"comment", "{/* x */}"},
          {"only whitespace", "   "},
          {"raw invalid UTF-8", "\xff\xfe"},
          {"invalid UTF-8 in a string", "{\"a\":\"\xff\"}"},
          {"overlong UTF-8 in a string", "{\"a\":\"\xc0\xaf\"}"},
          {"lone surrogate escape", R"({"a":"\ud800"})"},
          {"NUL byte", std::string("{\0}", 3)},
          {"unclosed nesting", std::string(60000, '[')},
          {"array", "[]"},
          {"string", R"("{}")"},
          {"number", "42"},
          {"null", "null"},
          {"true", "true"},
          {"30 000 nested arrays", deep},
          {"unknown field", R"({"zzz":1})"},
          {"64 KiB + 1 bytes", R"({"zzz":")" + std::string(ApiServer::kMaxBodyBytes + 1 - 10, 'x') + "\"}"}};
}

// A server on a free port in front of a FakeController with an instance
// "acme" serving the custom domain "shop.example.com" and with a backup, a
// spare cluster "db2" and an operation 1.
struct Harness {
  FakeController fake;
  std::unique_ptr<ApiServer> server;
  std::unique_ptr<httplib::Client> client;

  Harness() {
    fake.Seed("acme");
    fake.SeedDomain("acme", "shop.example.com");
    BackupInfo backup;
    backup.id = "20261125T153000Z-op1";
    backup.subdomain = "acme";
    fake.SeedBackup(backup);
    EXPECT_TRUE(fake.AddCluster("db2", "postgresql://admin:pw@db2.example/postgres", 5).ok());
    EXPECT_TRUE(fake.ChangeLifecycle("acme", Lifecycle::kStart).ok());
    EXPECT_TRUE(fake.AddOperator("ann", "ann's long password").ok());
    server = std::make_unique<ApiServer>(fake, kToken, "127.0.0.1", 0);
    EXPECT_TRUE(server->Start().ok());
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
    client->set_read_timeout(10, 0);
    client->set_url_encode(false);  // targets are sent exactly as written
  }
  ~Harness() { server->Stop(); }

  httplib::Result Send(const std::string& method, const std::string& target, const std::string& body) {
    httplib::Request req;
    req.method = method;
    req.path = target;
    req.headers = {{"Authorization", std::string("Bearer ") + kToken}};
    if (!body.empty()) {
      req.body = body;
      req.headers.emplace("Content-Type", "application/json");
    }
    return client->send(req);
  }
};

// Sends one request of bad input and checks the contract: a 4xx, a JSON error
// with a message of one line that quotes no long input, nothing changed.
void ExpectRefused(Harness& h, const std::string& method, const std::string& target, const std::string& body,
                   const std::string& what) {
  SCOPED_TRACE(what);
  size_t before = h.fake.mutating_calls().size();
  httplib::Result r = h.Send(method, target, body);
  ASSERT_TRUE(r) << "no answer: " << httplib::to_string(r.error());
  EXPECT_GE(r->status, 400);
  EXPECT_LT(r->status, 500);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  Result<Json> j = ParseJson(r->body);
  ASSERT_TRUE(j.ok()) << "not JSON: " << r->body.substr(0, 200);
  ASSERT_TRUE(j->is_object() && j->contains("error") && (*j)["error"].is_object()) << r->body.substr(0, 200);
  const Json& error = (*j)["error"];
  ASSERT_TRUE(error.contains("code") && error["code"].is_string());
  ASSERT_TRUE(error.contains("message") && error["message"].is_string());
  std::string code = error["code"].get<std::string>();
  std::string message = error["message"].get<std::string>();
  EXPECT_TRUE(code == "invalid_argument" || code == "not_found") << code << ": " << message;
  EXPECT_FALSE(message.empty());
  EXPECT_LE(message.size(), 400u) << message.substr(0, 200);
  for (char c : message) {
    ASSERT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f) << "control character in: " << message;
  }
  EXPECT_EQ(r->body.find(std::string(100, 'a')), std::string::npos) << "the answer quotes a long input";
  std::vector<std::string> calls = h.fake.mutating_calls();
  EXPECT_EQ(calls.size(), before) << "the controller was asked to " << (calls.empty() ? "" : calls.back());
}

class ApiHostileTest : public ::testing::Test {
 protected:
  Harness h_;
};

TEST(ApiHostileTable, EveryRouteOfTheTableHasATestEntryAndNoOther) {
  std::set<std::string> table;
  for (const Route& route : ApiRoutes()) {
    table.insert(RouteName(route));
    EXPECT_TRUE(RouteTests().count(RouteName(route)))
        << RouteName(route) << " has no entry in RouteTests() of " << __FILE__;
    EXPECT_EQ(TestOf(route).open, route.open) << RouteName(route);
    BodyOf(route);  // a body the tests know
    for (const std::string& name : PathParamNames(route.path)) ValidParam(name);
  }
  for (const auto& [name, test] : RouteTests()) EXPECT_TRUE(table.count(name)) << name << " is not a route any more";
}

TEST_F(ApiHostileTest, TheValidRequestOfEachRouteIsAccepted) {
  // So that each refusal below is due to its bad input and nothing else.
  for (const Route& route : Routes()) {
    std::vector<Variant> bodies = {{"the valid body", ValidBody(route)}};
    for (const Slot& slot : Slots(BodyOf(route))) bodies.push_back({"field '" + slot.name + "'", Fill(slot, slot.valid)});
    for (const Variant& body : bodies) {
      Harness h;
      if (TestOf(route).stream) {  // read up to the status, then hang up
        int status = 0;
        h.client->Get(PathOf(route), {{"Authorization", std::string("Bearer ") + kToken}},
                      [&](const httplib::Response& res) {
                        status = res.status;
                        return false;
                      },
                      [](const char*, size_t) { return false; });
        EXPECT_EQ(status, 200) << RouteName(route);
        continue;
      }
      httplib::Result r = h.Send(route.method, PathOf(route), body.text);
      ASSERT_TRUE(r) << RouteName(route);
      EXPECT_GE(r->status, 200) << RouteName(route) << " " << body.name << ": " << r->body;
      EXPECT_LT(r->status, 300) << RouteName(route) << " " << body.name << ": " << r->body;
    }
  }
}

TEST_F(ApiHostileTest, RefusesMalformedNonObjectUnknownAndOversizedBodiesOnEveryRoute) {
  for (const Route& route : Routes()) {
    std::vector<Variant> bodies = MalformedBodies();
    if (BodyOf(route) != Body::kNone) {
      std::string valid = ValidBody(route);
      bodies.push_back({"empty", ""});
      bodies.push_back({"valid plus an unknown field", valid.substr(0, valid.size() - 1) + R"(,"zzz":1})"});
      bodies.push_back({"a duplicated unknown field", R"({"zzz":1,"zzz":2})"});
    }
    for (const Variant& body : bodies) {
      ExpectRefused(h_, route.method, PathOf(route), body.text, RouteName(route) + " with body: " + body.name);
    }
  }
}

// The valid body of `body` with one key twice, at the top and deeper down.
std::vector<Variant> DuplicatedKeyBodies(Body body) {
  switch (body) {
    case Body::kNone: return {};
    case Body::kCreate:
      return {{"subdomain", R"({"subdomain":"newco","email":"ops@newco.example","name":"New Co","subdomain":"acme"})"}};
    case Body::kChange:
      return {{"FEATURE_X", R"({"set":{"FEATURE_X":"on","FEATURE_X":"off"}})"},
              {"set", R"({"set":{"FEATURE_X":"on"},"set":{"PATH":"/tmp"}})"},
              {"unset", R"({"unset":["A"],"set":{"FEATURE_X":"on"},"unset":["B"]})"}};
    case Body::kUpgrade: return {{"version", R"({"subdomains":["acme"],"version":"2.0","version":"3.0"})"}};
    case Body::kCluster:
      return {{"url", R"({"name":"db3","url":"postgresql://a:pw@db3:5432/p","capacity":5,"url":"postgresql://x@y/z"})"}};
    case Body::kDomain: return {{"host", R"({"host":"www.newco.example","host":"127.0.0.1"})"}};
    case Body::kLimits: return {{"memory_mb", R"({"memory_mb":256,"pids":5,"memory_mb":512})"}};
    case Body::kOperator: return {{"name", R"({"name":"bob","password":"correct horse battery","name":"root"})"}};
  }
  return {};
}

TEST_F(ApiHostileTest, RefusesADuplicatedKeyAtAnyDepthNamingIt) {
  for (const Route& route : Routes()) {
    for (const Variant& body : DuplicatedKeyBodies(BodyOf(route))) {
      ExpectRefused(h_, route.method, PathOf(route), body.text, RouteName(route) + " with '" + body.name + "' twice");
      httplib::Result r = h_.Send(route.method, PathOf(route), body.text);
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 400) << RouteName(route) << ": " << r->body;
      EXPECT_NE(r->body.find("duplicate key '" + body.name + "'"), std::string::npos) << r->body;
    }
  }
  // Also on routes that take no body: `{}` is all they accept.
  ExpectRefused(h_, "POST", "/v1/instances/acme/start", R"({"a":{"b":1,"b":1}})", "start with a nested duplicate");
}

TEST_F(ApiHostileTest, RefusesWrongTypesAndBadValuesInEveryBodyField) {
  for (const Route& route : Routes()) {
    for (const Slot& slot : Slots(BodyOf(route))) {
      for (const std::string& token : slot.wrong) {
        ExpectRefused(h_, route.method, PathOf(route), Fill(slot, token),
                      RouteName(route) + " field '" + slot.name + "' = " + token.substr(0, 40));
      }
    }
  }
}

TEST_F(ApiHostileTest, RefusesHostileStringsInEveryBodyField) {
  for (const Route& route : Routes()) {
    for (const Slot& slot : Slots(BodyOf(route))) {
      if (!slot.string) continue;
      for (const Variant& s : HostileStrings()) {
        if (slot.allowed.count(s.name)) continue;
        ExpectRefused(h_, route.method, PathOf(route), Fill(slot, JsonToken(s.text)),
                      RouteName(route) + " field '" + slot.name + "': " + s.name);
      }
    }
  }
}

TEST_F(ApiHostileTest, PunctuationAndTextAreValidInNamesValuesAndUrls) {
  // Not refusals: a display name, a flag value or a cluster URL may hold these,
  // and they reach the controller as they were sent.
  for (const Route& route : Routes()) {
    for (const Slot& slot : Slots(BodyOf(route))) {
      for (const Variant& s : HostileStrings()) {
        if (!slot.allowed.count(s.name)) continue;
        Harness h;
        httplib::Result r = h.Send(route.method, PathOf(route), Fill(slot, JsonToken(s.text)));
        ASSERT_TRUE(r);
        EXPECT_GE(r->status, 200) << RouteName(route) << " " << slot.name << ": " << s.name << ": " << r->body;
        EXPECT_LT(r->status, 300) << RouteName(route) << " " << slot.name << ": " << s.name << ": " << r->body;
      }
    }
  }
  Harness h;
  ASSERT_EQ(h.Send("PATCH", "/v1/instances/acme/flags", R"({"set":{"NOTE":"it's \"x\"; ../ \u00e7a"}})")->status, 202);
  EXPECT_EQ(Json::parse(h.Send("GET", "/v1/instances/acme/flags", "")->body)["NOTE"], "it's \"x\"; ../ \u00e7a");
}

TEST_F(ApiHostileTest, NamesRefuseUnicodeControlsAndLineSeparators) {
  for (const char* bad : {"a\xc2\x85" "b", "a\xc2\x9b" "b", "a\xe2\x80\xa8" "b", "a\xe2\x80\xa9" "b", "a\x7f" "b"}) {
    Slot name = Slots(Body::kCreate)[2];
    ExpectRefused(h_, "POST", "/v1/instances", Fill(name, JsonToken(bad)), "name with a control or separator");
  }
}

TEST_F(ApiHostileTest, RefusesHostilePathParameters) {
  for (const Route& route : Routes()) {
    std::vector<std::string> names = PathParamNames(route.path);
    for (size_t which = 0; which < names.size(); ++which) {
      const std::string& param = names[which];
      std::vector<Variant> segments = HostileSegments();
      if (param == "subdomain") segments.push_back({"reserved", "www"});
      if (param == "id") {
        for (const char* id : {"0", "-1", "abc", "1e3", "%2B1", "%201", "1%20", "99999999999999999999", "0x1", "1.0"}) {
          segments.push_back({std::string("id ") + id, id});
        }
      }
      if (param == "host") {
        for (const char* host : {"acme", "%2A.example.com", "example.com.", "a..b.com", "a.-b.com", "a-.b.com",
                                 "SHOP.example.com", "shop.example.com%3A443", "shop.example.com%00",
                                 "_dmarc.example.com"}) {
          segments.push_back({std::string("host ") + host, host});
        }
        segments.push_back({"a 64-byte label", std::string(64, 'a') + ".example.com"});
        segments.push_back({"254 bytes", std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                                             std::string(63, 'c') + "." + std::string(58, 'd') + ".com"});
      }
      for (const Variant& seg : segments) {
        ExpectRefused(h_, route.method, PathOf(route, &seg.text, which), ValidBody(route),
                      RouteName(route) + " with path parameter " + param + ": " + seg.name);
      }
    }
  }
}

TEST_F(ApiHostileTest, RefusesUnknownRepeatedAndHostileQueryParameters) {
  for (const Route& route : Routes()) {
    std::string path = PathOf(route);
    const std::string body = ValidBody(route);
    ExpectRefused(h_, route.method, path + "?zzz=1", body, RouteName(route) + " with an unknown query parameter");
    ExpectRefused(h_, route.method, path + "?%22%3B%00=1", body, RouteName(route) + " with a hostile parameter name");
    ExpectRefused(h_, route.method, path + "?" + kLong + "=1", body, RouteName(route) + " with a long parameter name");
    for (const QueryParamSpec& spec : route.query) {
      const std::string& param = spec.name;
      // Two valid values of each parameter. (httplib drops a repeated
      // identical pair, which means the same anyway.)
      static const std::map<std::string, std::pair<std::string, std::string>> kTwo = {
          {"cursor", {"c2", "c3"}},
          {"subdomain", {"acme", "beta"}},
          {"backup", {"true", "false"}},
          {"kind", {"admin", "db"}},
          {"from", {"20261125T153000Z-op1", "20261125T153000Z-op2"}},
          {"since", {"2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"}},
          {"sort", {"name", "-created"}},
          {"status", {"running", "stopped"}},
          {"q", {"acme", "beta"}}};
      auto two = kTwo.count(param) ? kTwo.at(param) : std::pair<std::string, std::string>{"5", "6"};
      const std::string& one = two.first;
      const std::string& other = two.second;
      ExpectRefused(h_, route.method, path + "?" + param + "=" + one + "&" + param + "=" + other, body,
                    RouteName(route) + " with '" + param + "' twice");
      std::vector<Variant> values;
      if (spec.type == ParamType::kInteger) {
        for (const char* v : {"", "0", "-1", "abc", "1e3", "%2B5", "5%00", "5%3B", "5%20", "%205", "0x10",
                              "99999999999999999999", "100001", "5.0"}) {
          values.push_back({std::string("value '") + v + "'", v});
        }
      }
      if (param == "cursor") values.push_back({"601 characters", std::string(601, 'c')});
      if (param == "offset") {  // any count of instances to skip is valid, 0 too
        std::erase_if(values, [](const Variant& v) { return v.text == "0" || v.text == "100001"; });
      }
      for (const Variant& seg : HostileSegments()) {
        if (param == "cursor" && (seg.name == "upper case" || seg.name == "leading dash")) continue;  // valid cursors
        // A search text is data (bound, never interpreted): only what is not text is refused.
        static const std::set<std::string> kNotText = {"NUL", "newline", "10 000 characters", "invalid UTF-8",
                                                       "overlong dots"};
        if (param == "q" && !kNotText.count(seg.name)) continue;
        values.push_back(seg);
      }
      for (const Variant& v : values) {
        ExpectRefused(h_, route.method, path + "?" + param + "=" + v.text, body,
                      RouteName(route) + " with query parameter '" + param + "': " + v.name);
      }
    }
  }
}

TEST_F(ApiHostileTest, RefusesMethodsARouteDoesNotHave) {
  for (const Route& route : Routes()) {
    ExpectRefused(h_, "PUT", PathOf(route), "{}", "PUT " + route.path);
  }
  ExpectRefused(h_, "DELETE", "/v1/doctor", "", "DELETE /v1/doctor");
  ExpectRefused(h_, "PATCH", "/v1/clusters", "{}", "PATCH /v1/clusters");
  ExpectRefused(h_, "POST", "/v1/operations/1", "", "POST /v1/operations/1");
}

TEST_F(ApiHostileTest, UnknownRoutesWithHostilePathsAreJson404s) {
  for (const Variant& seg : HostileSegments()) {
    ExpectRefused(h_, "GET", "/v1/" + seg.text, "", "GET /v1/" + seg.name);
    ExpectRefused(h_, "POST", "/v1/instances/acme/" + seg.text, "{}", "POST /v1/instances/acme/" + seg.name);
  }
}

TEST_F(ApiHostileTest, TheEventStreamRefusesABadLastEventId) {
  for (const char* id : {"abc", "-1", "1e3", "99999999999999999999"}) {
    httplib::Result r = h_.client->Get("/v1/events", {{"Authorization", std::string("Bearer ") + kToken},
                                                      {"Last-Event-ID", id}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << id;
  }
}

TEST_F(ApiHostileTest, HealthzReadsNoInput) {
  for (const std::string& target :
       std::vector<std::string>{"/healthz", "/healthz?zzz=%00", "/healthz?" + std::string(100, 'q')}) {
    httplib::Result r = h_.client->Get(target);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << target;
  }
  EXPECT_TRUE(h_.fake.mutating_calls().size() == 3u);  // the harness's own setup
}

}  // namespace
}  // namespace md
