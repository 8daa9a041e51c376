// The OpenAPI document: generated from the route table, equal to the
// committed docs/openapi.json, served at /v1/openapi.json, and its schemas
// describe what the codec writes.

#include "api/openapi.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <sstream>

#include "api/schemas.h"
#include "api/server.h"
#include "fake_controller.h"

namespace md {
namespace {

const char* kRegenerate =
    "regenerate it: cmake --build build --target meltanodata-openapi && build/bin/meltanodata-openapi > "
    "docs/openapi.json";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(OpenApi, IsOpenApi3AndParsesAsJson) {
  Json doc = OpenApiDocument(ApiRoutes());
  Result<Json> parsed = ParseJson(DumpJson(doc, 2));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ((*parsed)["openapi"].get<std::string>().rfind("3.0.", 0), 0u);
  EXPECT_TRUE((*parsed)["info"].contains("title"));
  EXPECT_TRUE((*parsed)["info"].contains("version"));
}

TEST(OpenApi, TheCommittedCopyIsWhatTheServerGenerates) {
  std::string committed = ReadFile(std::string(MD_SOURCE_DIR) + "/docs/openapi.json");
  ASSERT_FALSE(committed.empty()) << "docs/openapi.json is missing: " << kRegenerate;
  Result<Json> parsed = ParseJson(committed);
  ASSERT_TRUE(parsed.ok()) << "docs/openapi.json is not JSON: " << kRegenerate;
  EXPECT_TRUE(*parsed == OpenApiDocument(ApiRoutes())) << "docs/openapi.json is out of date: " << kRegenerate;
}

TEST(OpenApi, EveryRouteIsInItWithItsParametersAndAnswers) {
  Json doc = OpenApiDocument(ApiRoutes());
  for (const Route& route : ApiRoutes()) {
    SCOPED_TRACE(RouteName(route));
    ASSERT_TRUE(doc["paths"].contains(route.path));
    const Json& path = doc["paths"][route.path];
    ASSERT_TRUE(path.contains(Lower(route.method)));
    const Json& op = path[Lower(route.method)];
    std::set<std::string> params;
    for (const Json& p : op.value("parameters", Json::array())) {
      params.insert(p["in"].get<std::string>() + ":" + p["name"].get<std::string>());
    }
    for (const std::string& name : PathParamNames(route.path)) EXPECT_TRUE(params.count("path:" + name)) << name;
    for (const QueryParamSpec& q : route.query) EXPECT_TRUE(params.count("query:" + q.name)) << q.name;
    for (int status : route.statuses) EXPECT_TRUE(op["responses"].contains(std::to_string(status))) << status;
    EXPECT_EQ(op.contains("requestBody"), !route.request.empty());
    if (route.open) {
      EXPECT_TRUE(op["security"].empty());
    } else {
      EXPECT_TRUE(op["responses"].contains("401"));
    }
  }
  // And nothing else: every operation of the document is a route.
  size_t operations = 0;
  for (const auto& [path, methods] : doc["paths"].items()) operations += methods.size();
  EXPECT_EQ(operations, ApiRoutes().size());
}

// Every $ref names a schema, and every schema a route names exists.
TEST(OpenApi, EveryReferenceResolves) {
  Json doc = OpenApiDocument(ApiRoutes());
  const Json& schemas = doc["components"]["schemas"];
  std::function<void(const Json&)> walk = [&](const Json& j) {
    if (j.is_object()) {
      if (j.contains("$ref")) {
        std::string ref = j["$ref"];
        const std::string prefix = "#/components/schemas/";
        ASSERT_EQ(ref.rfind(prefix, 0), 0u) << ref;
        EXPECT_TRUE(schemas.contains(ref.substr(prefix.size()))) << ref;
      }
      for (const auto& [k, v] : j.items()) walk(v);
    } else if (j.is_array()) {
      for (const Json& v : j) walk(v);
    }
  };
  walk(doc);
}

// A small validator of the OpenAPI 3.0 subset the schemas use.
void ExpectValid(const Json& value, const Json& schema, const std::string& where) {
  const Json& all = ApiSchemas();
  if (schema.contains("$ref")) {
    std::string name = schema["$ref"].get<std::string>().substr(std::string("#/components/schemas/").size());
    return ExpectValid(value, all.at(name), where);
  }
  if (value.is_null()) {
    EXPECT_TRUE(schema.value("nullable", false)) << where << " is null";
    return;
  }
  std::string type = schema.value("type", "");
  if (type == "object") {
    ASSERT_TRUE(value.is_object()) << where;
    for (const Json& name : schema.value("required", Json::array())) {
      EXPECT_TRUE(value.contains(name.get<std::string>())) << where << " lacks " << name;
    }
    const Json props = schema.value("properties", Json::object());
    for (const auto& [k, v] : value.items()) {
      if (props.contains(k)) {
        ExpectValid(v, props[k], where + "." + k);
      } else if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object()) {
        ExpectValid(v, schema["additionalProperties"], where + "." + k);
      } else {
        EXPECT_FALSE(schema.contains("additionalProperties")) << where << " has an undocumented field " << k;
      }
    }
  } else if (type == "array") {
    ASSERT_TRUE(value.is_array()) << where;
    for (const Json& item : value) ExpectValid(item, schema["items"], where + "[]");
  } else if (type == "string") {
    EXPECT_TRUE(value.is_string()) << where;
    if (schema.contains("enum")) {
      EXPECT_NE(std::find(schema["enum"].begin(), schema["enum"].end(), value), schema["enum"].end())
          << where << " = " << value;
    }
  } else if (type == "integer") {
    EXPECT_TRUE(value.is_number_integer()) << where;
  } else if (type == "boolean") {
    EXPECT_TRUE(value.is_boolean()) << where;
  }
}

void ExpectValid(const Json& value, const std::string& schema) {
  ASSERT_TRUE(ApiSchemas().contains(schema)) << schema;
  ExpectValid(value, ApiSchemas()[schema], schema);
}

void ExpectEach(const Json& array, const std::string& schema) {
  ASSERT_TRUE(array.is_array() && !array.empty()) << schema;
  for (const Json& item : array) ExpectValid(item, schema);
}

TEST(OpenApi, TheSchemasDescribeWhatTheCodecWrites) {
  FakeController fake;
  fake.Seed("acme");
  Instance instance = *fake.GetInstance("acme");
  ExpectValid(ToJson(instance), "Instance");
  instance.file_access = {.host = "acme.md.example", .sftp_port = 2022, .ftp_port = 2021, .username = "acme",
                          .host_keys = {{"ssh-ed25519", "AAAA", "SHA256:x"}}};
  ExpectValid(ToJson(instance), "Instance");
  ExpectValid(ToJson(*fake.GetStatus("acme")), "StatusReport");
  Operation op = *fake.ChangeLifecycle("acme", Lifecycle::kRestart);
  ExpectValid(ToJson(op), "Operation");
  op = *fake.GetOperation(op.id);
  op = *fake.GetOperation(op.id);
  ExpectValid(ToJson(op), "Operation");
  ExpectValid(ToJson(OperationEvent(EventType::kStepDone, op, 0)), "Event");
  ExpectValid(ToJson(InstanceEvent("acme", "running")), "Event");
  ExpectEach(ToJson(*fake.ListClusters()), "Cluster");
  ExpectValid(ToJson(*fake.ReadLogs("acme", 10, "")), "LogChunk");
  ExpectEach(ToJson(*fake.Doctor(false)), "DoctorFinding");
  ExpectEach(ToJson(*fake.ListCertificates()), "Certificate");
  ASSERT_TRUE(fake.ChangeSecrets("acme", {{"admin", "pw"}}, {}).ok());
  ExpectEach(ToJson(*fake.ShowCredentials("acme")), "Credential");
  ExpectEach(ToJson(*fake.KnownHosts("acme")), "KnownHost");
  ExpectValid(ToJson(*fake.AddDomain("acme", "shop.example.com")), "Domain");
  ExpectValid(Json(*fake.ListFlags("acme")), "EnvMap");
  ExpectValid(Json(*fake.ListSecretNames("acme")), "Names");
  BackupInfo backup{.id = "20261125T153000Z-op1", .subdomain = "acme", .created_ms = 1, .reason = "on demand"};
  ExpectValid(ToJson(backup), "Backup");
  AuditEvent audit;
  audit.at_ms = 1;
  ExpectValid(ToJson(audit), "AuditEvent");
  ExpectValid(ToJson(SignupInfo{}), "Signup");
  ExpectValid(ErrorToJson(NotFound("no such thing")), "Error");
  ExpectValid(Json{{"root_pem", "x"}}, "CaRoot");
  // Requests, as the CLI writes them.
  ExpectValid(ToJson(CreateRequest{"acme", "a@b.example", "A", "demo", "1.0"}), "CreateRequest");
  ExpectValid(ToJson(EnvChange{{{"A", "1"}}, {"B"}}), "EnvChange");
  ExpectValid(ToJson(ResourceLimits{256, 100, 50}), "LimitsChange");
  ExpectValid(ToJson(UpgradeRequest{{"acme"}, false, "2.0"}), "UpgradeRequest");
  ExpectValid(ToJson(ClusterSpec{"db2", "postgresql://x@y/z", 5}), "ClusterSpec");
  ExpectValid(ToJson(DomainRequest{"shop.example.com"}), "DomainRequest");
}

TEST(OpenApi, IsServedAtV1OpenapiJsonWithTheToken) {
  FakeController fake;
  ApiServer server(fake, "tok", "127.0.0.1", 0);
  ASSERT_TRUE(server.Start().ok());
  httplib::Client client("127.0.0.1", server.port());
  EXPECT_EQ(client.Get("/v1/openapi.json")->status, 401);
  httplib::Result r = client.Get("/v1/openapi.json", {{"Authorization", "Bearer tok"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  EXPECT_TRUE(Json::parse(r->body) == OpenApiDocument(ApiRoutes()));
  server.Stop();
}

}  // namespace
}  // namespace md
