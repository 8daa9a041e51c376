// Bad input at every route of the HTTP API (the table below mirrors
// src/api/server.cc): malformed JSON, wrong JSON types, unknown fields, a body
// over 64 KiB and hostile strings (quotes, ';', '..', '/', NUL, 10 000
// characters, non-ASCII, invalid UTF-8) in bodies, paths and queries, sent with
// a valid token. Each must get a 4xx with a JSON error of one line, and the
// FakeController must record no call that changes anything.

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "api/json_codec.h"
#include "api/server.h"
#include "core/strings.h"
#include "fake_controller.h"

namespace md {
namespace {

constexpr const char* kToken = "hostile-test-token";

enum class Param { kNone, kSubdomain, kCluster, kOperationId, kHost };
enum class Body { kNone, kCreate, kChange, kUpgrade, kCluster, kDomain };

struct Route {
  std::string method;
  std::string path;  // "{}" stands for the path parameter, "{2}" for the second one
  Param param = Param::kNone;
  Body body = Body::kNone;
  std::vector<std::string> query;  // the query parameters the route takes
  Param param2 = Param::kNone;
};

// Every route but GET /healthz (which reads no input and needs no token).
const std::vector<Route>& Routes() {
  static const std::vector<Route> routes = {
      {"GET", "/v1/instances"},
      {"POST", "/v1/instances", Param::kNone, Body::kCreate},
      {"GET", "/v1/instances/{}", Param::kSubdomain},
      {"DELETE", "/v1/instances/{}", Param::kSubdomain},
      {"GET", "/v1/instances/{}/status", Param::kSubdomain},
      {"GET", "/v1/instances/{}/logs", Param::kSubdomain, Body::kNone, {"lines", "cursor"}},
      {"GET", "/v1/instances/{}/flags", Param::kSubdomain},
      {"PATCH", "/v1/instances/{}/flags", Param::kSubdomain, Body::kChange},
      {"GET", "/v1/instances/{}/secrets", Param::kSubdomain},
      {"PATCH", "/v1/instances/{}/secrets", Param::kSubdomain, Body::kChange},
      {"POST", "/v1/instances/{}/start", Param::kSubdomain},
      {"POST", "/v1/instances/{}/stop", Param::kSubdomain},
      {"POST", "/v1/instances/{}/restart", Param::kSubdomain},
      {"POST", "/v1/instances/{}/wipe-db", Param::kSubdomain},
      {"POST", "/v1/upgrades", Param::kNone, Body::kUpgrade},
      {"GET", "/v1/certificates"},
      {"GET", "/v1/ca"},
      {"GET", "/v1/domains", Param::kNone, Body::kNone, {"subdomain"}},
      {"POST", "/v1/instances/{}/domains", Param::kSubdomain, Body::kDomain},
      {"DELETE", "/v1/instances/{}/domains/{2}", Param::kSubdomain, Body::kNone, {}, Param::kHost},
      {"GET", "/v1/clusters"},
      {"POST", "/v1/clusters", Param::kNone, Body::kCluster},
      {"POST", "/v1/clusters/{}/drain", Param::kCluster},
      {"DELETE", "/v1/clusters/{}", Param::kCluster},
      {"GET", "/v1/operations", Param::kNone, Body::kNone, {"subdomain", "limit"}},
      {"GET", "/v1/operations/{}", Param::kOperationId},
      {"GET", "/v1/doctor"},
      {"POST", "/v1/doctor/fix"},
  };
  return routes;
}

std::string RouteName(const Route& r) { return r.method + " " + r.path; }

std::string ValidParam(Param p) {
  switch (p) {
    case Param::kNone: return "";
    case Param::kSubdomain: return "acme";
    case Param::kCluster: return "db2";
    case Param::kOperationId: return "1";
    case Param::kHost: return "shop.example.com";
  }
  return "";
}

// The path with valid parameters, or with `param` (already percent-encoded)
// as its first parameter, or as its second one when `second`.
std::string PathOf(const Route& r, const std::string* param = nullptr, bool second = false) {
  std::string first = param && !second ? *param : ValidParam(r.param);
  std::string other = param && second ? *param : ValidParam(r.param2);
  std::string path = r.path;
  auto at = path.find("{}");
  if (at != std::string::npos) path.replace(at, 2, first);
  at = path.find("{2}");
  if (at != std::string::npos) path.replace(at, 3, other);
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
  }
  return "";
}

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
// "acme" serving the custom domain "shop.example.com", a spare cluster "db2"
// and an operation 1.
struct Harness {
  FakeController fake;
  std::unique_ptr<ApiServer> server;
  std::unique_ptr<httplib::Client> client;

  Harness() {
    fake.Seed("acme");
    fake.SeedDomain("acme", "shop.example.com");
    EXPECT_TRUE(fake.AddCluster("db2", "postgresql://admin:pw@db2.example/postgres", 5).ok());
    EXPECT_TRUE(fake.ChangeLifecycle("acme", Lifecycle::kStart).ok());
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

TEST_F(ApiHostileTest, TheValidRequestOfEachRouteIsAccepted) {
  // So that each refusal below is due to its bad input and nothing else.
  for (const Route& route : Routes()) {
    std::vector<Variant> bodies = {{"the valid body", ValidBody(route.body)}};
    for (const Slot& slot : Slots(route.body)) bodies.push_back({"field '" + slot.name + "'", Fill(slot, slot.valid)});
    for (const Variant& body : bodies) {
      Harness h;
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
    if (route.body != Body::kNone) {
      std::string valid = ValidBody(route.body);
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
  }
  return {};
}

TEST_F(ApiHostileTest, RefusesADuplicatedKeyAtAnyDepthNamingIt) {
  for (const Route& route : Routes()) {
    for (const Variant& body : DuplicatedKeyBodies(route.body)) {
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
    for (const Slot& slot : Slots(route.body)) {
      for (const std::string& token : slot.wrong) {
        ExpectRefused(h_, route.method, PathOf(route), Fill(slot, token),
                      RouteName(route) + " field '" + slot.name + "' = " + token.substr(0, 40));
      }
    }
  }
}

TEST_F(ApiHostileTest, RefusesHostileStringsInEveryBodyField) {
  for (const Route& route : Routes()) {
    for (const Slot& slot : Slots(route.body)) {
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
    for (const Slot& slot : Slots(route.body)) {
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
    for (bool second : {false, true}) {
      Param param = second ? route.param2 : route.param;
      if (param == Param::kNone) continue;
      std::vector<Variant> segments = HostileSegments();
      if (param == Param::kSubdomain) segments.push_back({"reserved", "www"});
      if (param == Param::kOperationId) {
        for (const char* id : {"0", "-1", "abc", "1e3", "%2B1", "%201", "1%20", "99999999999999999999", "0x1", "1.0"}) {
          segments.push_back({std::string("id ") + id, id});
        }
      }
      if (param == Param::kHost) {
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
        ExpectRefused(h_, route.method, PathOf(route, &seg.text, second), ValidBody(route.body),
                      RouteName(route) + " with path parameter " + (second ? "2" : "1") + ": " + seg.name);
      }
    }
  }
}

TEST_F(ApiHostileTest, RefusesUnknownRepeatedAndHostileQueryParameters) {
  for (const Route& route : Routes()) {
    std::string path = PathOf(route);
    const std::string body = ValidBody(route.body);
    ExpectRefused(h_, route.method, path + "?zzz=1", body, RouteName(route) + " with an unknown query parameter");
    ExpectRefused(h_, route.method, path + "?%22%3B%00=1", body, RouteName(route) + " with a hostile parameter name");
    ExpectRefused(h_, route.method, path + "?" + kLong + "=1", body, RouteName(route) + " with a long parameter name");
    for (const std::string& param : route.query) {
      // (httplib drops a repeated identical pair, which means the same anyway.)
      std::string one = param == "cursor" ? "c2" : param == "subdomain" ? "acme" : "5";
      std::string other = param == "cursor" ? "c3" : param == "subdomain" ? "beta" : "6";
      ExpectRefused(h_, route.method, path + "?" + param + "=" + one + "&" + param + "=" + other, body,
                    RouteName(route) + " with '" + param + "' twice");
      std::vector<Variant> values;
      if (param == "lines" || param == "limit") {
        for (const char* v : {"", "0", "-1", "abc", "1e3", "%2B5", "5%00", "5%3B", "5%20", "%205", "0x10",
                              "99999999999999999999", "100001", "5.0"}) {
          values.push_back({std::string("value '") + v + "'", v});
        }
      }
      if (param == "cursor") values.push_back({"601 characters", std::string(601, 'c')});
      for (const Variant& seg : HostileSegments()) {
        if (param == "cursor" && (seg.name == "upper case" || seg.name == "leading dash")) continue;  // valid cursors
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

TEST_F(ApiHostileTest, HealthzReadsNoInput) {
  for (const std::string& target :
       std::vector<std::string>{"/healthz", "/healthz?zzz=%00", "/healthz?" + std::string(100, 'q')}) {
    httplib::Result r = h_.client->Get(target);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << target;
  }
  EXPECT_TRUE(h_.fake.mutating_calls().size() == 2u);  // the harness's own setup
}

}  // namespace
}  // namespace md
