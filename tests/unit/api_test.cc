// The HTTP API against an in-memory FakeController: auth, routes, status
// codes, body checks, JSON shapes, and that no secret ever leaves.

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/json_codec.h"
#include "api/audit_throttle.h"
#include "api/server.h"
#include "fake_controller.h"

namespace md {
namespace {

constexpr const char* kToken = "test-admin-token";

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ApiServer>(fake_, kToken, "127.0.0.1", 0);
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_GT(server_->port(), 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(10, 0);
  }
  void TearDown() override { server_->Stop(); }

  httplib::Headers Auth(const std::string& token = kToken) { return {{"Authorization", "Bearer " + token}}; }

  httplib::Result Get(const std::string& path) { return client_->Get(path, Auth()); }
  httplib::Result Post(const std::string& path, const std::string& body = "") {
    return client_->Post(path, Auth(), body, "application/json");
  }
  httplib::Result Patch(const std::string& path, const std::string& body) {
    return client_->Patch(path, Auth(), body, "application/json");
  }
  httplib::Result Delete(const std::string& path) { return client_->Delete(path, Auth()); }

  static Json Body(const httplib::Result& r) { return Json::parse(r->body); }

  static std::string ErrorCode(const httplib::Result& r) { return Body(r)["error"]["code"].get<std::string>(); }
  static std::string ErrorMessage(const httplib::Result& r) {
    return Body(r)["error"]["message"].get<std::string>();
  }

  FakeController fake_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

const char* kCreateBody = R"({"subdomain":"acme","email":"ops@acme.com","name":"Acme Inc","app":"demo"})";

TEST_F(ApiTest, HealthzNeedsNoToken) {
  auto r = client_->Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Body(r)["ok"], true);
}

TEST_F(ApiTest, RefusesRequestWithoutToken) {
  auto r = client_->Get("/v1/instances");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(ErrorCode(r), "unauthenticated");
  EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(fake_.calls(), 0);
}

TEST_F(ApiTest, RefusesWrongToken) {
  for (const httplib::Headers& headers :
       {Auth("nope"), Auth(std::string(kToken) + "x"), Auth(""), httplib::Headers{{"Authorization", kToken}},
        httplib::Headers{{"Authorization", std::string("Basic ") + kToken}}}) {
    auto r = client_->Get("/v1/instances", headers);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(ErrorCode(r), "unauthenticated");
  }
  auto post = client_->Post("/v1/instances", Auth("nope"), kCreateBody, "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 401);
  EXPECT_EQ(fake_.calls(), 0);
}

TEST_F(ApiTest, EmptyAdminTokenRefusesEveryone) {
  FakeController fake;
  ApiServer server(fake, "", "127.0.0.1", 0);
  ASSERT_TRUE(server.Start().ok());
  httplib::Client c("127.0.0.1", server.port());
  auto r = c.Get("/v1/instances", {{"Authorization", "Bearer "}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  server.Stop();
}

TEST_F(ApiTest, CreateAnswers202WithTheOperation) {
  auto r = Post("/v1/instances", kCreateBody);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  Json op = Body(r);
  EXPECT_EQ(op["kind"], "create");
  EXPECT_EQ(op["subdomain"], "acme");
  EXPECT_EQ(op["state"], "queued");
  EXPECT_TRUE(op["steps"].is_array());
  EXPECT_EQ(r->get_header_value("Location"), "/v1/operations/" + std::to_string(op["id"].get<int64_t>()));
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
}

TEST_F(ApiTest, RefusesMalformedJsonWithoutQuotingIt) {
  auto r = Post("/v1/instances", R"({"subdomain":"acme","email": hunter2-secret)");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(ErrorCode(r), "invalid_argument");
  EXPECT_NE(ErrorMessage(r).find("malformed JSON"), std::string::npos);
  EXPECT_EQ(r->body.find("hunter2"), std::string::npos);
  EXPECT_EQ(fake_.calls(), 0);
}

TEST_F(ApiTest, RefusesUnknownFieldsWrongTypesAndMissingFields) {
  auto unknown = Post("/v1/instances",
                      R"({"subdomain":"acme","email":"a@b.co","name":"A","colour":"red"})");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_NE(ErrorMessage(unknown).find("unknown field 'colour'"), std::string::npos);

  auto wrong_type = Post("/v1/instances", R"({"subdomain":42,"email":"a@b.co","name":"A"})");
  ASSERT_TRUE(wrong_type);
  EXPECT_EQ(wrong_type->status, 400);
  EXPECT_NE(ErrorMessage(wrong_type).find("'subdomain'"), std::string::npos);

  auto missing = Post("/v1/instances", R"({"subdomain":"acme","name":"A"})");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_NE(ErrorMessage(missing).find("missing field 'email'"), std::string::npos);

  auto not_object = Post("/v1/instances", "[1,2]");
  ASSERT_TRUE(not_object);
  EXPECT_EQ(not_object->status, 400);

  auto empty = Post("/v1/instances", "");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 400);
  EXPECT_EQ(fake_.calls(), 0);
}

TEST_F(ApiTest, RefusesInvalidSubdomainBeforeTheController) {
  for (const char* sub : {"Acme", "www", "-acme", "a_b", "xn--abc"}) {
    Json body = {{"subdomain", sub}, {"email", "a@b.co"}, {"name", "A"}};
    auto r = Post("/v1/instances", body.dump());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << sub;
  }
  auto show = Get("/v1/instances/Bad_Name");
  ASSERT_TRUE(show);
  EXPECT_EQ(show->status, 400);
  EXPECT_EQ(fake_.calls(), 0);
}

TEST_F(ApiTest, RefusesOversizedBodyWith413) {
  std::string big = R"({"subdomain":"acme","email":"a@b.co","name":")" + std::string(100 * 1024, 'x') + "\"}";
  auto r = Post("/v1/instances", big);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(ErrorCode(r), "invalid_argument");
  EXPECT_EQ(fake_.calls(), 0);
}

TEST_F(ApiTest, ConflictsAre409) {
  fake_.Seed("acme");
  auto exists = Post("/v1/instances", kCreateBody);
  ASSERT_TRUE(exists);
  EXPECT_EQ(exists->status, 409);
  EXPECT_EQ(ErrorCode(exists), "already_exists");

  fake_.clusters_full = true;
  auto full = Post("/v1/instances", R"({"subdomain":"beta","email":"a@b.co","name":"B"})");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->status, 409);
  EXPECT_EQ(ErrorCode(full), "failed_precondition");
  EXPECT_NE(ErrorMessage(full).find("meltanodata clusters add"), std::string::npos);
}

TEST_F(ApiTest, ShowHasTheContractFields) {
  fake_.Seed("acme");
  auto r = Get("/v1/instances/acme");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  Json j = Body(r);
  for (const char* field : {"subdomain", "name", "email", "app", "app_version", "status", "url", "unix_user",
                            "created_at"}) {
    EXPECT_TRUE(j.contains(field)) << field;
  }
  EXPECT_EQ(j["subdomain"], "acme");
  EXPECT_EQ(j["status"], "running");
  EXPECT_EQ(j["database"]["cluster"], "main");
  EXPECT_EQ(j["database"]["name"], "md_acme");
  EXPECT_EQ(j["url"], "https://acme.md.example/");  // public; the app's socket is internal
  EXPECT_FALSE(j.contains("port"));
  EXPECT_EQ(j["created_at"], "2026-01-01T00:00:00.000Z");
}

TEST_F(ApiTest, UnknownInstanceIs404) {
  auto r = Get("/v1/instances/nobody");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(ErrorCode(r), "not_found");
  for (std::string path : {"/v1/instances/nobody/status", "/v1/instances/nobody/flags",
                                  "/v1/instances/nobody/secrets", "/v1/instances/nobody/logs"}) {
    auto g = Get(path);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->status, 404) << path;
  }
  auto d = Delete("/v1/instances/nobody");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, 404);
}

TEST_F(ApiTest, ListIsAnArrayOfWhatShowGives) {
  fake_.Seed("acme");
  fake_.Seed("beta");
  auto list = Get("/v1/instances");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200);
  Json array = Body(list);
  ASSERT_TRUE(array.is_array());
  ASSERT_EQ(array.size(), 2u);
  EXPECT_EQ(array[0], Body(Get("/v1/instances/acme")));
  EXPECT_EQ(array[1], Body(Get("/v1/instances/beta")));
}

TEST_F(ApiTest, StatusAddsProcessAndHealth) {
  fake_.Seed("acme");
  auto r = Get("/v1/instances/acme/status");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  Json j = Body(r);
  EXPECT_EQ(j["subdomain"], "acme");
  EXPECT_EQ(j["pid"], 4242);
  EXPECT_EQ(j["health"], 200);
  EXPECT_EQ(j["up"], true);
  EXPECT_EQ(j["uptime_s"], 3725);
  EXPECT_TRUE(j.contains("database"));
}

TEST_F(ApiTest, InstancesListPagesFiltersAndSaysTheTotal) {
  for (const char* s : {"delta", "alpha", "charlie", "bravo"}) fake_.Seed(s);
  auto page = Get("/v1/instances?limit=2&offset=1&sort=-subdomain");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200) << page->body;
  Json list = Body(page);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["subdomain"], "charlie");
  EXPECT_EQ(list[1]["subdomain"], "bravo");
  EXPECT_EQ(page->get_header_value("X-Total-Count"), "4");
  auto found = Get("/v1/instances?q=HARL&status=running");
  ASSERT_TRUE(found);
  EXPECT_EQ(Body(found).size(), 1u);
  EXPECT_EQ(found->get_header_value("X-Total-Count"), "1");
  auto all = Get("/v1/instances");
  EXPECT_EQ(Body(all).size(), 4u);
  for (const char* bad : {"limit=0", "limit=1001", "offset=-1", "sort=email", "sort=--name", "status=asleep", "q=",
                          "q=%0A"}) {
    auto r = Get(std::string("/v1/instances?") + bad);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad;
  }
}

TEST_F(ApiTest, LogsPassLinesAndCursor) {
  fake_.Seed("acme");
  auto first = Get("/v1/instances/acme/logs?lines=5");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200);
  EXPECT_EQ(fake_.last_log_lines, 5);
  EXPECT_EQ(Body(first)["text"], "line one\nline two\n");
  EXPECT_EQ(Body(first)["cursor"], "c2");
  auto next = Get("/v1/instances/acme/logs?cursor=c2");
  ASSERT_TRUE(next);
  EXPECT_EQ(Body(next)["text"], "line three\n");
  for (const char* bad : {"lines=0", "lines=abc", "lines=1000001", "lines=-3"}) {
    auto r = Get(std::string("/v1/instances/acme/logs?") + bad);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad;
  }
}

TEST_F(ApiTest, FlagsCanBeReadSetAndUnset) {
  fake_.Seed("acme");
  auto before = Get("/v1/instances/acme/flags");
  ASSERT_TRUE(before);
  EXPECT_EQ(Body(before), Json({{"MELTANO_UI_READONLY", "false"}}));
  auto patch = Patch("/v1/instances/acme/flags", R"({"set":{"MELTANO_UI_ANALYSIS":"true"},"unset":["MELTANO_UI_READONLY"]})");
  ASSERT_TRUE(patch);
  EXPECT_EQ(patch->status, 202);
  EXPECT_EQ(Body(patch)["kind"], "flags");
  EXPECT_EQ(Body(Get("/v1/instances/acme/flags")), Json({{"MELTANO_UI_ANALYSIS", "true"}}));

  for (const char* bad : {R"({})", R"({"set":{"1BAD":"x"}})", R"({"set":{"A":1}})", R"({"set":{"A":"x"},"what":1})",
                          R"({"unset":"A"})", R"({"set":{"A":"x"},"unset":["A"]})"}) {
    auto r = Patch("/v1/instances/acme/flags", bad);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad;
  }
}

TEST_F(ApiTest, SecretsListGivesNamesOnly) {
  fake_.Seed("acme");
  auto r = Get("/v1/instances/acme/secrets");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(Body(r), Json({"DB_PASSWORD", "SECRET_KEY"}));
  EXPECT_EQ(r->body.find(FakeController::kSecretValue), std::string::npos);
}

TEST_F(ApiTest, SecretValueErrorsNeverEchoTheValue) {
  fake_.Seed("acme");
  Json body = {{"set", {{"API_KEY", "leaky-value\nsecond-line"}}}};
  auto r = Patch("/v1/instances/acme/secrets", body.dump());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->body.find("leaky-value"), std::string::npos);
  EXPECT_NE(ErrorMessage(r).find("API_KEY"), std::string::npos);

  auto ok = Patch("/v1/instances/acme/secrets", R"({"set":{"API_KEY":"fine-value"}})");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 202);
  EXPECT_EQ(ok->body.find("fine-value"), std::string::npos);
  EXPECT_EQ(fake_.SecretsOf("acme")["API_KEY"], "fine-value");
}

TEST_F(ApiTest, LifecycleWipeAndDeleteEnqueueOperations) {
  fake_.Seed("acme");
  for (const char* verb : {"start", "stop", "restart"}) {
    auto r = Post(std::string("/v1/instances/acme/") + verb);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 202) << verb;
    EXPECT_EQ(Body(r)["kind"], verb);
  }
  auto wipe = Post("/v1/instances/acme/wipe-db", "{}");
  ASSERT_TRUE(wipe);
  EXPECT_EQ(wipe->status, 202);
  auto with_body = Post("/v1/instances/acme/start", R"({"force":true})");
  ASSERT_TRUE(with_body);
  EXPECT_EQ(with_body->status, 400);
  auto unknown = Post("/v1/instances/acme/explode");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(ErrorCode(unknown), "not_found");
  auto del = Delete("/v1/instances/acme");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 202);
  EXPECT_EQ(Body(del)["kind"], "delete");
}

TEST_F(ApiTest, UpgradesOneOrAll) {
  fake_.Seed("acme");
  fake_.Seed("beta");
  auto one = Post("/v1/upgrades", R"({"subdomains":["acme"],"version":"2.0"})");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 202);
  ASSERT_EQ(Body(one).size(), 1u);
  EXPECT_EQ(Body(one)[0]["kind"], "upgrade");
  auto all = Post("/v1/upgrades", R"({"all":true,"version":"2.0"})");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->status, 202);
  EXPECT_EQ(Body(all).size(), 2u);
  for (const char* bad : {R"({"all":true,"subdomains":["acme"],"version":"2.0"})", R"({"version":"2.0"})",
                          R"({"all":true,"version":"bad version"})", R"({"all":true})"}) {
    auto r = Post("/v1/upgrades", bad);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad;
  }
  auto missing = Post("/v1/upgrades", R"({"subdomains":["nobody"],"version":"2.0"})");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(ApiTest, ClustersHaveTheContractFieldsAndNoPassword) {
  fake_.Seed("acme");
  auto r = Get("/v1/clusters");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  Json array = Body(r);
  ASSERT_EQ(array.size(), 1u);
  Json c = array[0];
  EXPECT_EQ(c["name"], "main");
  EXPECT_EQ(c["used"], 1);
  EXPECT_EQ(c["capacity"], 10);
  EXPECT_EQ(c["full"], false);
  EXPECT_EQ(c["draining"], false);
  EXPECT_EQ(c["embedded"], true);
  EXPECT_EQ(c["address"], "127.0.0.1:5432");
  EXPECT_FALSE(c.contains("admin_url"));
  EXPECT_EQ(r->body.find(FakeController::kClusterPassword), std::string::npos);
  EXPECT_EQ(r->body.find("admin:"), std::string::npos);
}

TEST_F(ApiTest, ClustersCanBeAddedDrainedAndRemoved) {
  auto add = Post("/v1/clusters", R"({"name":"db2","url":"postgresql://root:pw-db2-secret@db2.example:5433/postgres","capacity":3})");
  ASSERT_TRUE(add);
  EXPECT_EQ(add->status, 201);
  EXPECT_EQ(Body(add)["address"], "db2.example:5433");
  EXPECT_EQ(add->body.find("pw-db2-secret"), std::string::npos);
  EXPECT_EQ(Get("/v1/clusters")->body.find("pw-db2-secret"), std::string::npos);

  auto dup = Post("/v1/clusters", R"({"name":"db2","url":"postgresql://x@y/z","capacity":3})");
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->status, 409);
  for (const char* bad : {R"({"name":"db3","url":"postgresql://x@y/z","capacity":0})",
                          R"({"name":"Bad Name","url":"postgresql://x@y/z","capacity":3})",
                          R"({"name":"db3","url":"","capacity":3})", R"({"name":"db3","capacity":3})",
                          R"({"name":"db3","url":"u","capacity":"3"})"}) {
    auto r = Post("/v1/clusters", bad);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad;
  }

  auto drain = Post("/v1/clusters/db2/drain");
  ASSERT_TRUE(drain);
  EXPECT_EQ(drain->status, 200);
  EXPECT_EQ(Body(drain)["draining"], true);
  auto remove = Delete("/v1/clusters/db2");
  ASSERT_TRUE(remove);
  EXPECT_EQ(remove->status, 204);
  EXPECT_TRUE(remove->body.empty());
  auto again = Delete("/v1/clusters/db2");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);
}

TEST_F(ApiTest, RemovingAClusterInUseIs409) {
  fake_.Seed("acme");
  auto r = Delete("/v1/clusters/main");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(ErrorCode(r), "failed_precondition");
}

TEST_F(ApiTest, OperationsCanBeListedAndRead) {
  ASSERT_EQ(Post("/v1/instances", kCreateBody)->status, 202);
  auto list = Get("/v1/operations?subdomain=acme&limit=10");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200);
  ASSERT_EQ(Body(list).size(), 1u);
  int64_t id = Body(list)[0]["id"];
  auto op = Get("/v1/operations/" + std::to_string(id));
  ASSERT_TRUE(op);
  ASSERT_EQ(op->status, 200);
  EXPECT_EQ(Body(op)["state"], "running");
  auto op2 = Get("/v1/operations/" + std::to_string(id));
  Json step = Body(op2)["steps"][0];
  EXPECT_EQ(step["state"], "done");
  EXPECT_EQ(step["duration_ms"], 120);
  EXPECT_EQ(step["started_at"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(step["finished_at"], "2026-01-01T00:00:00.120Z");

  EXPECT_EQ(Get("/v1/operations/abc")->status, 400);
  EXPECT_EQ(Get("/v1/operations/0")->status, 400);
  EXPECT_EQ(Get("/v1/operations/999")->status, 404);
  EXPECT_EQ(Get("/v1/operations?limit=0")->status, 400);
  EXPECT_EQ(Get("/v1/operations?subdomain=BAD")->status, 400);
}

TEST_F(ApiTest, DoctorReportsAndFixes) {
  auto report = Get("/v1/doctor");
  ASSERT_TRUE(report);
  ASSERT_EQ(report->status, 200);
  EXPECT_EQ(Body(report)[0]["kind"], "drift");
  EXPECT_EQ(Body(report)[0]["fixed"], false);
  auto fix = Post("/v1/doctor/fix");
  ASSERT_TRUE(fix);
  ASSERT_EQ(fix->status, 200);
  EXPECT_EQ(Body(fix)[0]["fixed"], true);
}

// --- the front door ---

TEST_F(ApiTest, StatusReportsTheFrontDoor) {
  fake_.Seed("acme");
  Json j = Body(Get("/v1/instances/acme/status"));
  EXPECT_EQ(j["url"], "https://acme.md.example/");
  EXPECT_EQ(j["https"], Json({{"url", "https://acme.md.example/"}, {"code", 200}, {"error", ""}}));
  EXPECT_EQ(j["certificate"],
            Json({{"issuer", "Fake ACME R3"}, {"not_after", "2026-04-01T00:00:00.000Z"}, {"trusted", true}}));

  fake_.https_error = "certificate signed by unknown authority";
  fake_.wildcard_trusted = false;
  j = Body(Get("/v1/instances/acme/status"));
  EXPECT_EQ(j["https"]["code"], 0);
  EXPECT_EQ(j["https"]["error"], "certificate signed by unknown authority");
  EXPECT_EQ(j["certificate"]["trusted"], false);
  EXPECT_EQ(j["certificate"]["issuer"], "MeltanoData local CA");
}

TEST_F(ApiTest, CertificatesListTheWildcardAndEachCustomDomain) {
  fake_.Seed("acme");
  fake_.SeedDomain("acme", "shop.example.com");
  auto r = Get("/v1/certificates");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  Json array = Body(r);
  ASSERT_EQ(array.size(), 2u);
  EXPECT_EQ(array[0], Json({{"names", {"*.md.example", "md.example"}},
                            {"purpose", "wildcard"},
                            {"subdomain", ""},
                            {"issuer", "Fake ACME R3"},
                            {"trusted", true},
                            {"not_before", "2026-01-01T00:00:00.000Z"},
                            {"not_after", "2026-04-01T00:00:00.000Z"},
                            {"next_order_at", "2026-03-02T00:00:00.000Z"},
                            {"last_error", ""}}));
  EXPECT_EQ(array[1]["names"], Json({"shop.example.com"}));
  EXPECT_EQ(array[1]["purpose"], "custom");
  EXPECT_EQ(array[1]["subdomain"], "acme");
  EXPECT_EQ(array[1]["trusted"], false);
  EXPECT_EQ(array[1]["next_order_at"], "2026-01-01T01:00:00.000Z");
  EXPECT_EQ(Get("/v1/certificates?subdomain=acme")->status, 400);
}

TEST_F(ApiTest, CaAnswersTheRootPem) {
  auto r = Get("/v1/ca");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(Body(r), Json({{"root_pem", FakeController::kRootPem}}));
}

TEST_F(ApiTest, DomainsCanBeAddedListedAndRemoved) {
  fake_.Seed("acme");
  fake_.Seed("beta");
  auto add = Post("/v1/instances/acme/domains", R"({"host":"shop.example.com"})");
  ASSERT_TRUE(add);
  EXPECT_EQ(add->status, 201);
  EXPECT_EQ(add->get_header_value("Location"), "/v1/instances/acme/domains/shop.example.com");
  EXPECT_EQ(Body(add),
            Json({{"subdomain", "acme"}, {"host", "shop.example.com"}, {"created_at", "2026-01-01T00:00:00.000Z"}}));

  auto all = Get("/v1/domains");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->status, 200);
  EXPECT_EQ(Body(all), Json::array({Body(add)}));
  EXPECT_EQ(Body(Get("/v1/domains?subdomain=acme")).size(), 1u);
  EXPECT_EQ(Body(Get("/v1/domains?subdomain=beta")), Json::array());

  auto remove = Delete("/v1/instances/acme/domains/shop.example.com");
  ASSERT_TRUE(remove);
  EXPECT_EQ(remove->status, 204);
  EXPECT_TRUE(remove->body.empty());
  EXPECT_EQ(Body(Get("/v1/domains")), Json::array());
  auto again = Delete("/v1/instances/acme/domains/shop.example.com");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);
}

TEST_F(ApiTest, DomainsOfAnUnknownInstanceAre404) {
  auto add = Post("/v1/instances/ghost/domains", R"({"host":"shop.example.com"})");
  ASSERT_TRUE(add);
  EXPECT_EQ(add->status, 404);
  EXPECT_EQ(ErrorCode(add), "not_found");
  EXPECT_EQ(Delete("/v1/instances/ghost/domains/shop.example.com")->status, 404);
  EXPECT_EQ(Get("/v1/domains?subdomain=ghost")->status, 404);
}

TEST_F(ApiTest, AHostServingAnotherInstanceIs409) {
  fake_.Seed("acme");
  fake_.Seed("beta");
  fake_.SeedDomain("beta", "shop.example.com");
  auto r = Post("/v1/instances/acme/domains", R"({"host":"shop.example.com"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(ErrorCode(r), "already_exists");
  EXPECT_NE(ErrorMessage(r).find("beta"), std::string::npos);
}

TEST_F(ApiTest, RefusesBadHostsBeforeTheController) {
  fake_.Seed("acme");
  fake_.SeedDomain("acme", "shop.example.com");
  for (const char* bad : {R"({"host":"Shop.Example.com"})", R"({"host":"localhost"})", R"({"host":"*.example.com"})",
                          R"({"host":"example.com."})", R"({"host":"-shop.example.com"})", R"({"host":""})",
                          R"({"host":42})", R"({})", R"({"host":"shop.example.com","tls":"off"})", ""}) {
    auto r = Post("/v1/instances/acme/domains", bad);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_EQ(ErrorCode(r), "invalid_argument") << bad;
  }
  auto unknown = Post("/v1/instances/acme/domains", R"({"host":"shop2.example.com","tls":"off"})");
  EXPECT_NE(ErrorMessage(unknown).find("unknown field 'tls'"), std::string::npos);
  for (const char* bad : {"Shop.Example.com", "localhost", "shop..example.com", "shop.example.com.", "a%20b.com"}) {
    auto r = Delete(std::string("/v1/instances/acme/domains/") + bad);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad;
  }
  EXPECT_EQ(Post("/v1/instances/Bad_Sub/domains", R"({"host":"shop2.example.com"})")->status, 400);
  EXPECT_EQ(Get("/v1/domains?subdomain=Bad_Sub")->status, 400);
  EXPECT_TRUE(fake_.mutating_calls().empty());
}

TEST_F(ApiTest, UnknownRouteIsJson404) {
  auto r = Get("/v1/nothing-here");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(ErrorCode(r), "not_found");
}

TEST_F(ApiTest, PutIsNotAllowed) {
  auto r = client_->Put("/v1/instances/acme", Auth(), "{}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(ErrorCode(r), "invalid_argument");
}

TEST_F(ApiTest, UnauthenticatedOversizedBodyIs401) {
  auto r = client_->Post("/v1/instances", std::string(100 * 1024, 'x'), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

TEST_F(ApiTest, NoResponseEverCarriesASecret) {
  fake_.Seed("acme");
  ASSERT_EQ(Patch("/v1/instances/acme/secrets", R"({"set":{"TOKEN_X":"zz-secret-zz"}})")->status, 202);
  for (std::string path :
       {"/v1/instances", "/v1/instances/acme", "/v1/instances/acme/status", "/v1/instances/acme/logs",
        "/v1/instances/acme/flags", "/v1/instances/acme/secrets", "/v1/clusters", "/v1/operations",
        "/v1/operations/1", "/v1/doctor", "/v1/certificates", "/v1/ca", "/v1/domains"}) {
    auto r = Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_EQ(r->body.find(FakeController::kSecretValue), std::string::npos) << path;
    EXPECT_EQ(r->body.find(FakeController::kClusterPassword), std::string::npos) << path;
    EXPECT_EQ(r->body.find("zz-secret-zz"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("admin_url"), std::string::npos) << path;
  }
}

TEST_F(ApiTest, StartFailsWhenThePortIsTaken) {
  FakeController fake;
  ApiServer second(fake, kToken, "127.0.0.1", server_->port());
  Status s = second.Start();
  EXPECT_EQ(s.code(), Code::kFailedPrecondition);
  EXPECT_NE(s.message().find(std::to_string(server_->port())), std::string::npos);
}

TEST_F(ApiTest, StopIsIdempotent) {
  server_->Stop();
  server_->Stop();
  EXPECT_FALSE(client_->Get("/healthz"));
}

// --- the codec on its own ---

TEST(JsonCodec, TimestampsRoundTrip) {
  for (int64_t ms : {int64_t{1767225600000}, int64_t{1767225600123}, int64_t{946684799999}}) {
    int64_t back = 0;
    ASSERT_TRUE(ParseTimestamp(FormatTimestamp(ms), &back));
    EXPECT_EQ(back, ms);
  }
  int64_t t = 0;
  EXPECT_TRUE(ParseTimestamp("2026-01-01T00:00:00Z", &t));
  EXPECT_EQ(t, 1767225600000);
  EXPECT_FALSE(ParseTimestamp("2026-01-01 00:00:00", &t));
  EXPECT_FALSE(ParseTimestamp("yesterday", &t));
}

TEST(JsonCodec, RedactsClusterUrls) {
  EXPECT_EQ(RedactedClusterAddress("postgresql://admin:pw@db.example:5432/postgres"), "db.example:5432");
  EXPECT_EQ(RedactedClusterAddress("postgres://admin:p%40ss@10.0.0.5/postgres?sslmode=require"), "10.0.0.5");
  EXPECT_EQ(RedactedClusterAddress("postgresql://admin:pw@[::1]:5433/db"), "[::1]:5433");
  EXPECT_EQ(RedactedClusterAddress("postgresql:///postgres?host=/run/pg&port=5433&password=pw"), "/run/pg:5433");
  EXPECT_EQ(RedactedClusterAddress("host=127.0.0.1 port=5432 user=admin password=pw dbname=postgres"),
            "127.0.0.1:5432");
  EXPECT_EQ(RedactedClusterAddress("password=pw"), "");
}

TEST(JsonCodec, OperationRoundTrips) {
  Operation op;
  op.id = 7;
  op.kind = "upgrade";
  op.subdomain = "acme";
  op.params = R"({"version":"2.0"})";
  op.state = OperationState::kFailed;
  op.error = "health check failed";
  op.created_ms = 1767225600000;
  op.started_ms = 1767225600100;
  op.finished_ms = 1767225601100;
  StepRecord s;
  s.name = "health_check";
  s.state = StepState::kFailed;
  s.attempts = 3;
  s.error = "503";
  s.started_ms = 1767225600200;
  s.finished_ms = 1767225601100;
  op.steps = {s};
  Operation back;
  ASSERT_TRUE(FromJson(ToJson(op), &back).ok());
  EXPECT_EQ(ToJson(back), ToJson(op));
  EXPECT_EQ(back.params, op.params);
  EXPECT_EQ(back.steps[0].attempts, 3);
}

TEST(JsonCodec, InstanceRoundTrips) {
  Instance in;
  in.subdomain = "acme";
  in.name = "Acme";
  in.email = "a@acme.com";
  in.app = "demo";
  in.app_version = "1.2";
  in.status = InstanceStatus::kDegraded;
  in.cluster = "main";
  in.db_name = "md_acme";
  in.db_role = "md_acme";
  in.unix_user = "md-acme";
  in.url = "https://acme.md.example/";
  in.created_ms = 1767225600000;
  Instance back;
  ASSERT_TRUE(FromJson(ToJson(in), &back).ok());
  EXPECT_EQ(ToJson(back), ToJson(in));
}

TEST(JsonCodec, ResponsesIgnoreUnknownFieldsRequestsDoNot) {
  Json j = {{"subdomain", "acme"}, {"new_field", 1}};
  Instance in;
  EXPECT_TRUE(FromJson(j, &in).ok());
  CreateRequest req;
  Status s = FromJson(Json{{"subdomain", "a"}, {"email", "e"}, {"name", "n"}, {"new_field", 1}}, &req);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
}

TEST(JsonCodec, CertificateInfoRoundTripsWithNullForNoNextOrder) {
  CertificateInfo c;
  c.names = {"shop.example.com"};
  c.purpose = "custom";
  c.subdomain = "acme";
  c.issuer = "MeltanoData local CA";
  c.not_before_ms = 1767225600000;
  c.not_after_ms = 1767830400000;
  c.last_error = "rateLimited: too many certificates";
  Json j = ToJson(c);
  EXPECT_TRUE(j["next_order_at"].is_null());
  EXPECT_EQ(j["not_after"], "2026-01-08T00:00:00.000Z");
  CertificateInfo back;
  ASSERT_TRUE(FromJson(j, &back).ok());
  EXPECT_EQ(ToJson(back), j);
  EXPECT_EQ(back.next_order_ms, 0);
}

TEST(JsonCodec, CustomDomainAndStatusReportRoundTrip) {
  CustomDomain d{"acme", "shop.example.com", 1767225600000};
  CustomDomain d2;
  ASSERT_TRUE(FromJson(ToJson(d), &d2).ok());
  EXPECT_EQ(ToJson(d2), ToJson(d));

  InstanceStatusReport r;
  r.instance.subdomain = "acme";
  r.instance.url = "https://acme.md.example/";
  r.url = "https://acme.md.example/";
  r.https_code = 0;
  r.https_error = "connection refused";
  r.cert_issuer = "MeltanoData local CA";
  r.cert_not_after_ms = 1767830400000;
  InstanceStatusReport back;
  ASSERT_TRUE(FromJson(ToJson(r), &back).ok());
  EXPECT_EQ(ToJson(back), ToJson(r));
  EXPECT_EQ(back.url, r.url);
  EXPECT_EQ(back.https_error, r.https_error);
  EXPECT_EQ(back.cert_not_after_ms, r.cert_not_after_ms);
  // An older server's report (no front door) still decodes.
  InstanceStatusReport old;
  EXPECT_TRUE(FromJson(Json{{"subdomain", "acme"}, {"up", true}}, &old).ok());
  EXPECT_TRUE(old.url.empty());
}

TEST(JsonCodec, DomainRequestIsStrict) {
  DomainRequest req;
  EXPECT_TRUE(FromJson(Json{{"host", "shop.example.com"}}, &req).ok());
  EXPECT_EQ(req.host, "shop.example.com");
  EXPECT_EQ(FromJson(Json{{"host", "shop.example.com"}, {"x", 1}}, &req).code(), Code::kInvalidArgument);
  EXPECT_EQ(FromJson(Json::object(), &req).code(), Code::kInvalidArgument);
}

TEST(JsonCodec, ErrorsMapBothWays) {
  Status s = StatusFromHttpError(409, DumpJson(ErrorToJson(AlreadyExists("taken"))));
  EXPECT_EQ(s.code(), Code::kAlreadyExists);
  EXPECT_EQ(s.message(), "taken");
  EXPECT_EQ(StatusFromHttpError(502, "<html>bad gateway</html>").code(), Code::kUnavailable);
  EXPECT_EQ(HttpStatusForCode(Code::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusForCode(Code::kUnavailable), 503);
}

TEST(JsonCodec, ParseRefusesAKeyTwiceInOneObjectAtAnyDepth) {
  for (const char* twice : {R"({"a":1,"a":1})", R"({"x":{"a":1,"b":2,"a":3}})", R"({"x":[1,{"y":[{"a":1,"a":2}]}]})",
                            R"([{"a":1,"a":1}])"}) {
    Result<Json> j = ParseJson(twice);
    ASSERT_FALSE(j.ok()) << twice;
    EXPECT_EQ(j.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(j.status().message(), "duplicate key 'a'") << twice;
  }
  // The same key in different objects is fine.
  for (const char* once : {R"({"a":{"a":1},"b":{"a":2}})", R"([{"a":1},{"a":1}])", R"({"a":[{"a":1}],"b":[]})"}) {
    EXPECT_TRUE(ParseJson(once).ok()) << once;
  }
  Result<Json> hostile = ParseJson("{\"\\n\\u0000x\":1,\"\\n\\u0000x\":2}");
  ASSERT_FALSE(hostile.ok());
  EXPECT_EQ(hostile.status().message(), "duplicate key '\\x0a\\x00x'") << "control characters escaped";
}

TEST(JsonCodec, DumpNeverThrowsOnInvalidUtf8) {
  LogChunk chunk{"bad \xff\xfe bytes\n", "c"};
  std::string text = DumpJson(ToJson(chunk));
  EXPECT_NE(text.find("bytes"), std::string::npos);
}

// --- credentials and the audit log ---------------------------------------------------------

// Keeps what the server records.
class RecordingAudit final : public Audit {
 public:
  void Record(AuditEvent event) override {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(event));
  }
  std::vector<AuditEvent> events() {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  std::mutex mu_;
  std::vector<AuditEvent> events_;
};

class AuditedApiTest : public ApiTest {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ApiServer>(fake_, kToken, "127.0.0.1", 0, &audit_);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(10, 0);
    ASSERT_EQ(Post("/v1/instances", kCreateBody)->status, 202);
  }
  RecordingAudit audit_;
};

TEST_F(AuditedApiTest, RecordsChangesCredentialReadsAndRefusedTokensButNoValue) {
  const std::string value = "v4lue-never-logged";
  ASSERT_EQ(Patch("/v1/instances/acme/secrets", R"({"set":{"API_KEY":")" + value + R"("}})")->status, 202);
  ASSERT_EQ(Patch("/v1/instances/acme/secrets", R"({"set":{"db":"pw-for-db"}})")->status, 202);
  auto shown = Get("/v1/instances/acme/credentials");
  ASSERT_EQ(shown->status, 200);
  ASSERT_EQ(Body(shown)[0]["password"], "pw-for-db") << "credentials show carries the value";
  ASSERT_EQ(Get("/v1/instances")->status, 200);  // a plain read: not recorded
  ASSERT_EQ(Post("/v1/instances/acme/credentials/rotate?kind=db")->status, 202);
  ASSERT_EQ(Post("/v1/instances/acme/credentials/rotate?kind=root")->status, 400);
  ASSERT_EQ(client_->Post("/v1/instances/acme/stop", Auth("wrong"), "", "application/json")->status, 401);

  // Recorded before the answer: all there once the last answer came.
  std::vector<AuditEvent> events = audit_.events();
  ASSERT_EQ(events.size(), 7u);
  EXPECT_EQ(events[0].action, "POST /v1/instances");
  EXPECT_EQ(events[0].subdomain, "acme") << "from the answer, not the body";
  EXPECT_EQ(events[1].action, "PATCH /v1/instances/acme/secrets");
  EXPECT_EQ(events[3].action, "GET /v1/instances/acme/credentials");
  EXPECT_EQ(events[3].status, 200);
  EXPECT_EQ(events[4].action, "POST /v1/instances/acme/credentials/rotate");
  EXPECT_EQ(events[4].status, 202);
  EXPECT_EQ(events[5].outcome, "invalid_argument");
  EXPECT_EQ(events[6].actor, "") << "a wrong token is nobody";
  EXPECT_EQ(events[6].status, 401);
  EXPECT_EQ(events[6].outcome, "unauthenticated");
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(events[i].actor, "admin");
  for (const AuditEvent& e : events) {
    EXPECT_EQ(e.client, "127.0.0.1");
    EXPECT_EQ(e.subdomain, "acme");
    std::string all = DumpJson(ToJson(e));
    EXPECT_EQ(all.find(value), std::string::npos) << all;
    EXPECT_EQ(all.find("pw-for-db"), std::string::npos) << all;
  }
}

TEST_F(AuditedApiTest, RecordsRefusedRequestsOncePerClientAMinute) {
  size_t before = audit_.events().size();
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(client_->Post("/v1/instances/acme/stop", Auth("wrong"), "", "application/json")->status, 401);
  }
  ASSERT_EQ(client_->Get("/v1/instances")->status, 401);  // no token at all
  std::vector<AuditEvent> events = audit_.events();
  ASSERT_EQ(events.size(), before + 1) << "one row for six refusals within the minute";
  EXPECT_EQ(events.back().outcome, "unauthenticated");
  ASSERT_EQ(Post("/v1/instances/acme/stop")->status, 202);
  EXPECT_EQ(audit_.events().size(), before + 2) << "the admin's own requests are not throttled";
}

TEST(AuditThrottle, OneRowPerClientAWindowThenSaysHowManyWereNot) {
  AuditThrottle throttle(/*window_ms=*/1000, /*max_clients=*/2);
  int64_t unrecorded = -1;
  EXPECT_TRUE(throttle.Admit("a", 0, &unrecorded));
  EXPECT_EQ(unrecorded, 0);
  EXPECT_FALSE(throttle.Admit("a", 10, &unrecorded));
  EXPECT_FALSE(throttle.Admit("a", 999, &unrecorded));
  EXPECT_TRUE(throttle.Admit("b", 20, &unrecorded)) << "another client has its own";
  EXPECT_TRUE(throttle.Admit("a", 1000, &unrecorded));
  EXPECT_EQ(unrecorded, 2);
  // Full (a, b): new addresses share one bucket, so memory stays bounded.
  EXPECT_TRUE(throttle.Admit("c", 1010, &unrecorded));
  EXPECT_FALSE(throttle.Admit("d", 1020, &unrecorded));
  EXPECT_FALSE(throttle.Admit("e", 1030, &unrecorded));
  // Once a's and b's windows are over, their places are free again.
  EXPECT_TRUE(throttle.Admit("f", 2500, &unrecorded));
  EXPECT_EQ(unrecorded, 0);
}

TEST_F(AuditedApiTest, AuditRouteFiltersAndChecksItsQuery) {
  fake_.audit_events = {{.id = 1, .at_ms = 1772366400000, .actor = "admin", .action = "POST /v1/instances",
                         .subdomain = "acme", .client = "127.0.0.1", .status = 202, .outcome = "ok"}};
  auto r = Get("/v1/audit?subdomain=acme&since=2026-03-01T00:00:00Z&limit=5");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(Body(r)[0]["action"], "POST /v1/instances");
  EXPECT_EQ(Body(r)[0]["at"], "2026-03-01T12:00:00.000Z");
  EXPECT_EQ(fake_.last_audit_query.subdomain, "acme");
  EXPECT_EQ(fake_.last_audit_query.since_ms, 1772323200000);
  EXPECT_EQ(fake_.last_audit_query.limit, 5);
  EXPECT_EQ(Get("/v1/audit?since=yesterday")->status, 400);
  EXPECT_EQ(Get("/v1/audit?subdomain=Bad_Name")->status, 400);
  EXPECT_EQ(Get("/v1/audit?limit=0")->status, 400);
  EXPECT_EQ(Get("/v1/audit?what=1")->status, 400);
}

}  // namespace
}  // namespace md

namespace md {

TEST(MetricsRoute, ServesPrometheusTextToTheTokenOnly) {
  FakeController controller;
  FakeMetrics& metrics = controller.fixed_metrics;
  ApiServer server(controller, kToken, "127.0.0.1", 0);
  ASSERT_TRUE(server.Start().ok());
  httplib::Client client("127.0.0.1", server.port());
  auto anonymous = client.Get("/metrics");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  httplib::Headers auth = {{"Authorization", std::string("Bearer ") + kToken}};
  auto r = client.Get("/metrics", auth);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r->body, "# TYPE md_up gauge\nmd_up 1\n");
  auto query = client.Get("/metrics?x=1", auth);
  ASSERT_TRUE(query);
  EXPECT_EQ(query->status, 400);
  metrics.page = Unavailable("store is locked");
  auto failed = client.Get("/metrics", auth);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 503);
}

TEST(MetricsRoute, IsAbsentWithoutASource) {
  FakeController controller;
  controller.metrics = nullptr;
  ApiServer server(controller, kToken, "127.0.0.1", 0);
  ASSERT_TRUE(server.Start().ok());
  httplib::Client client("127.0.0.1", server.port());
  auto r = client.Get("/metrics", {{"Authorization", std::string("Bearer ") + kToken}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

}  // namespace md
