#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "profile/profile.h"

namespace md {
namespace {

namespace fs = std::filesystem;

TemplateVars TenantVars() {
  return {{"subdomain", "acme"},
          {"version", "1.47.0"},
          {"app_dir", "/d/tenants/acme/app/1.47.0"},
          {"project_dir", "/d/tenants/acme/project"},
          {"tenant_dir", "/d/tenants/acme"},
          {"socket", "/d/sockets/acme/app.sock"},
          {"database_url", "postgresql://t_acme:pw@127.0.0.1:5432/t_acme"},
          {"admin_password", "s3cret"},
          {"user", "md-acme"},
          {"libexec", "/usr/lib/meltanodata"},
          {"secret_key", "key123"},
          {"password_salt", "salt456"}};
}

// A minimal valid profile; `extra` is appended as more TOML lines.
std::string MinimalProfile(const std::string& extra = "") {
  return "name = \"tiny\"\n"
         "default_version = \"1.0\"\n"
         "install = [[\"mkdir\", \"-p\", \"{{app_dir}}\"]]\n"
         "start = [\"{{app_dir}}/run\"]\n" +
         extra;
}

// A temporary directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "profile_test.XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }
  void Write(const std::string& name, const std::string& text) const { std::ofstream(path_ + "/" + name) << text; }

 private:
  std::string path_;
};

TEST(RenderTemplate, ReplacesVariablesWithOrWithoutSpaces) {
  auto r = RenderTemplate("{{tenant_dir}}/x:{{ subdomain }}:{{  subdomain}}", TenantVars());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, "/d/tenants/acme/x:acme:acme");
}

TEST(RenderTemplate, LeavesTextWithoutVariablesAlone) {
  auto r = RenderTemplate("plain {single} } { text", TenantVars());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "plain {single} } { text");
}

TEST(RenderTemplate, RefusesUnknownVariableNamingIt) {
  auto r = RenderTemplate("a {{nope}} b", TenantVars());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("nope"), std::string::npos);
}

TEST(RenderTemplate, RefusesUnterminatedOrEmptyVariable) {
  EXPECT_EQ(RenderTemplate("a {{socket", TenantVars()).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(RenderTemplate("a {{ }}", TenantVars()).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(RenderTemplate("a {{po-rt}}", TenantVars()).status().code(), Code::kInvalidArgument);
}

TEST(RenderTemplate, DoesNotExpandValuesRecursively) {
  TemplateVars vars = {{"admin_password", "{{socket}}"}, {"socket", "1"}};
  auto r = RenderTemplate("pw={{admin_password}}", vars);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "pw={{socket}}");
}

TEST(RenderArgv, RendersEveryElementAndKeepsValuesAsOneArgument) {
  TemplateVars vars = TenantVars();
  vars["admin_password"] = "a b; rm -rf /";
  auto r = RenderArgv({"x", "{{admin_password}}"}, vars);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (Argv{"x", "a b; rm -rf /"}));
}

TEST(RenderEnv, NamesTheKeyOfAFailingValue) {
  auto r = RenderEnv({{"GOOD", "{{socket}}"}, {"BAD", "{{missing}}"}}, TenantVars());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("BAD"), std::string::npos);
  EXPECT_NE(r.status().message().find("missing"), std::string::npos);
}

TEST(ParseProfile, ReadsAMinimalProfileWithDefaults) {
  auto p = ParseProfile(MinimalProfile(), "tiny.toml");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->name, "tiny");
  EXPECT_EQ(p->upgrade, UpgradeMode::kRestart);
  EXPECT_EQ(p->health_path, "/healthz");
  EXPECT_EQ(p->health_timeout_s, 60);
  EXPECT_TRUE(p->init.empty());
  EXPECT_TRUE(p->reload_pid_file.empty());
  EXPECT_TRUE(p->flags.empty()) << "no `flags` key: no flag is accepted";
  EXPECT_EQ(p->limits.memory_mb, 512);
  EXPECT_EQ(p->limits.pids, 256);
  EXPECT_EQ(p->limits.cpu_weight, 100);
}

TEST(ParseProfile, ReadsFlagNamesAndPrefixGlobs) {
  auto p = ParseProfile(MinimalProfile("flags = [\"MELTANO_*\", \"FEATURE_X\"]\n"), "tiny.toml");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->flags, (std::vector<std::string>{"MELTANO_*", "FEATURE_X"}));
}

TEST(ParseProfile, ReadsLimitsKeepingDefaultsForWhatItLeavesOut) {
  auto p = ParseProfile(MinimalProfile("[limits]\nmemory_mb = 64\ncpu_weight = 200\n"), "tiny.toml");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->limits.memory_mb, 64);
  EXPECT_EQ(p->limits.pids, 256);
  EXPECT_EQ(p->limits.cpu_weight, 200);
}

// Each case: TOML text, the field its error must name.
struct BadProfile {
  std::string toml;
  std::string field;
};

TEST(ParseProfile, ErrorsNameTheSourceAndTheField) {
  const std::string valid_install = "install = [[\"mkdir\", \"{{app_dir}}\"]]\n";
  const std::vector<BadProfile> cases = {
      {"default_version = \"1\"\n" + valid_install + "start = [\"x\"]\n", "name"},
      {"name = \"Bad Name\"\ndefault_version = \"1\"\n" + valid_install + "start = [\"x\"]\n", "name"},
      {"name = \"t\"\n" + valid_install + "start = [\"x\"]\n", "default_version"},
      {"name = \"t\"\ndefault_version = \"1\"\n" + valid_install, "start"},
      {"name = \"t\"\ndefault_version = \"1\"\n" + valid_install + "start = []\n", "start"},
      {"name = \"t\"\ndefault_version = \"1\"\n" + valid_install + "start = [\"\"]\n", "start[0]"},
      {"name = \"t\"\ndefault_version = \"1\"\n" + valid_install + "start = [\"x\", 3]\n", "start[1]"},
      {"name = \"t\"\ndefault_version = \"1\"\nstart = [\"x\"]\n", "install"},
      {"name = \"t\"\ndefault_version = \"1\"\ninstall = [[\"true\"]]\nstart = [\"x\"]\n", "install"},
      {MinimalProfile("upgrade = \"rolling\"\n"), "upgrade"},
      {MinimalProfile("health_path = \"healthz\"\n"), "health_path"},
      {MinimalProfile("health_timeout_s = 0\n"), "health_timeout_s"},
      {MinimalProfile("app_log = \"{{logdir}}/x.log\"\n"), "app_log"},
      {MinimalProfile("init = [[\"{{nope}}\"]]\n"), "init[0][0]"},
      {MinimalProfile("helth_path = \"/\"\n"), "helth_path"},
      {MinimalProfile("[environment]\n\"1BAD\" = \"x\"\n"), "environment.1BAD"},
      {MinimalProfile("[environment]\nA = 1\n"), "environment.A"},
      {MinimalProfile("[environment]\nA = \"1\"\n[secret_environment]\nA = \"2\"\n"), "secret_environment.A"},
      {MinimalProfile("flags = \"MELTANO_*\"\n"), "flags"},
      {MinimalProfile("flags = [\"*\"]\n"), "flags[0]"},
      {MinimalProfile("flags = [\"A_*\", \"*_B\"]\n"), "flags[1]"},
      {MinimalProfile("flags = [\"A*B*\"]\n"), "flags[0]"},
      {MinimalProfile("flags = [\"A-B\"]\n"), "flags[0]"},
      {MinimalProfile("flags = [3]\n"), "flags[0]"},
      {MinimalProfile("flags = [\"LD_*\"]\n"), "flags[0]"},
      {MinimalProfile("flags = [\"PATH\"]\n"), "flags[0]"},
      {MinimalProfile("flags = [\"PYTHONPATH\"]\n"), "flags[0]"},
      {MinimalProfile("[limits]\nmemory = 64\n"), "limits.memory"},
      {MinimalProfile("[limits]\nmemory_mb = 8\n"), "limits"},
      {MinimalProfile("[limits]\npids = \"many\"\n"), "pids"},
      {MinimalProfile("limits = 3\n"), "limits"},
  };
  for (const auto& c : cases) {
    auto p = ParseProfile(c.toml, "src.toml");
    ASSERT_FALSE(p.ok()) << c.toml;
    EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(p.status().message().rfind("src.toml: " + c.field + ": ", 0), 0u)
        << "want field " << c.field << ", got: " << p.status().message();
  }
}

TEST(ParseProfile, ReportsTomlSyntaxErrorsWithSourceAndLine) {
  auto p = ParseProfile("name = \"t\"\nstart = [\n", "broken.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(p.status().message().rfind("broken.toml:", 0), 0u) << p.status().message();
}

TEST(ProfileCatalog, ShipsDemoAndMeltano) {
  ProfileCatalog catalog;
  EXPECT_EQ(catalog.Names(), (std::vector<std::string>{"demo", "meltano"}));
  for (const auto& name : catalog.Names()) {
    auto p = catalog.Find(name);
    ASSERT_TRUE(p.ok()) << p.status().message();
    EXPECT_EQ(p->name, name);
    // Every template of a built-in profile renders with the documented variables.
    TemplateVars vars = TenantVars();
    for (const auto& argv : p->install) EXPECT_TRUE(RenderArgv(argv, vars).ok());
    for (const auto& argv : p->init) EXPECT_TRUE(RenderArgv(argv, vars).ok());
    EXPECT_TRUE(RenderArgv(p->start, vars).ok());
    EXPECT_TRUE(RenderEnv(p->environment, vars).ok());
    EXPECT_TRUE(RenderEnv(p->secret_environment, vars).ok());
    EXPECT_TRUE(RenderTemplate(p->app_log, vars).ok());
  }
}

TEST(ProfileCatalog, BothShippedProfilesTakeMeltanoFlagsOnly) {
  for (const char* name : {"demo", "meltano"}) {
    auto p = ProfileCatalog().Find(name);
    ASSERT_TRUE(p.ok()) << p.status().message();
    EXPECT_EQ(p->flags, (std::vector<std::string>{"MELTANO_*"})) << name;
  }
}

TEST(ProfileCatalog, UnknownNameIsNotFoundListingKnownNames) {
  ProfileCatalog catalog;
  auto p = catalog.Find("wordpress");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Code::kNotFound);
  EXPECT_NE(p.status().message().find("demo, meltano"), std::string::npos) << p.status().message();
  EXPECT_EQ(catalog.Find("../etc/passwd").status().code(), Code::kNotFound);
}

TEST(DemoProfile, InstallsTheDemoBinaryAndPassesItsSettings) {
  auto p = ProfileCatalog().Find("demo");
  ASSERT_TRUE(p.ok()) << p.status().message();
  TemplateVars vars = TenantVars();
  vars["app_dir"] = "/d/tenants/acme/app/2.0.0";
  ASSERT_EQ(p->install.size(), 1u);
  EXPECT_EQ(*RenderArgv(p->install[0], vars),
            (Argv{"install", "-D", "-m", "0755", "/usr/lib/meltanodata/meltanodata-demo",
                  "/d/tenants/acme/app/2.0.0/bin/meltanodata-demo"}));
  EXPECT_EQ(*RenderArgv(p->start, vars), (Argv{"/d/tenants/acme/app/current/bin/meltanodata-demo"}));
  EXPECT_EQ(*RenderEnv(p->environment, vars),
            (EnvMap{{"SOCKET", "/d/sockets/acme/app.sock"}, {"MELTANO_PROJECT_ROOT", "/d/tenants/acme/project"}}));
  EXPECT_EQ(*RenderEnv(p->secret_environment, vars),
            (EnvMap{{"DATABASE_URL", "postgresql://t_acme:pw@127.0.0.1:5432/t_acme"}, {"ADMIN_PASSWORD", "s3cret"}}));
  EXPECT_EQ(p->upgrade, UpgradeMode::kRestart);
  EXPECT_EQ(p->health_path, "/healthz");
  EXPECT_EQ(*RenderTemplate(p->app_log, vars), "/d/tenants/acme/project/.meltano/run/meltano-ui.log");
  EXPECT_TRUE(p->reload_pid_file.empty());
}

TEST(MeltanoProfile, RendersTheCommandsOfTheDesignFacts) {
  auto p = ProfileCatalog().Find("meltano");
  ASSERT_TRUE(p.ok()) << p.status().message();
  TemplateVars vars = TenantVars();
  const std::string venv = "/d/tenants/acme/app/1.47.0/venv";

  std::vector<Argv> install;
  for (const auto& argv : p->install) install.push_back(*RenderArgv(argv, vars));
  ASSERT_EQ(install.size(), 3u);
  EXPECT_EQ(install[0], (Argv{"python3", "-m", "venv", venv}));
  EXPECT_EQ(install[2], (Argv{venv + "/bin/pip", "install", "meltano==1.47.0"}));

  std::vector<Argv> init;
  for (const auto& argv : p->init) init.push_back(*RenderArgv(argv, vars));
  ASSERT_EQ(init.size(), 5u);
  EXPECT_EQ(init[0], (Argv{"rm", "-rf", ".meltano-init"}));
  EXPECT_EQ(init[1], (Argv{venv + "/bin/meltano", "init", ".meltano-init", "--no_usage_stats"}));
  EXPECT_EQ(init[2], (Argv{"cp", "-a", ".meltano-init/.", "."}));
  EXPECT_EQ(init[3], (Argv{"rm", "-rf", ".meltano-init"}));
  // The admin password reaches `user add` through the environment only.
  ASSERT_EQ(init[4].size(), 3u);
  EXPECT_EQ(init[4][0], venv + "/bin/python");
  EXPECT_NE(init[4][2].find("os.environ['ADMIN_PASSWORD']"), std::string::npos);
  for (const auto& argv : init)
    for (const auto& arg : argv) EXPECT_EQ(arg.find("s3cret"), std::string::npos) << arg;

  EXPECT_EQ(*RenderArgv(p->start, vars), (Argv{"/d/tenants/acme/app/current/venv/bin/meltano", "ui"}));

  EnvMap env = *RenderEnv(p->environment, vars);
  EXPECT_EQ(env["GUNICORN_CMD_ARGS"], "--bind unix:/d/sockets/acme/app.sock");
  EXPECT_EQ(env["MELTANO_PROJECT_ROOT"], "/d/tenants/acme/project");
  EXPECT_EQ(env.count("MELTANO_UI_SERVER_NAME"), 0u);
  EXPECT_EQ(env["PATH"].rfind("/d/tenants/acme/app/current/venv/bin:", 0), 0u);

  EnvMap secrets = *RenderEnv(p->secret_environment, vars);
  EXPECT_EQ(secrets, (EnvMap{{"MELTANO_DATABASE_URI", "postgresql://t_acme:pw@127.0.0.1:5432/t_acme"},
                             {"MELTANO_UI_SECRET_KEY", "key123"},
                             {"MELTANO_UI_PASSWORD_SALT", "salt456"},
                             {"ADMIN_PASSWORD", "s3cret"}}));
  // No secret leaks into the non-secret environment or the commands run as root.
  for (const auto& [key, value] : env) EXPECT_EQ(value.find("s3cret"), std::string::npos) << key;
  for (const auto& argv : install)
    for (const auto& arg : argv) EXPECT_EQ(arg.find("pw@"), std::string::npos);

  EXPECT_EQ(*RenderTemplate(p->app_log, vars), "/d/tenants/acme/project/.meltano/run/meltano-ui.log");
  EXPECT_EQ(*RenderTemplate(p->reload_pid_file, vars), "/d/tenants/acme/project/.meltano/run/gunicorn.pid");
  EXPECT_EQ(p->health_path, "/api/health");
  EXPECT_EQ(p->upgrade, UpgradeMode::kRestart);
}

TEST(ProfileCatalog, OverrideDirReplacesAndAddsProfiles) {
  TempDir dir;
  dir.Write("demo.toml", "name = \"demo\"\ndefault_version = \"9.9\"\n"
                         "install = [[\"mkdir\", \"{{app_dir}}\"]]\nstart = [\"/bin/true\"]\n");
  dir.Write("tiny.toml", MinimalProfile());
  dir.Write("notes.txt", "not a profile");
  ProfileCatalog catalog(dir.path());
  EXPECT_EQ(catalog.Names(), (std::vector<std::string>{"demo", "meltano", "tiny"}));
  auto demo = catalog.Find("demo");
  ASSERT_TRUE(demo.ok()) << demo.status().message();
  EXPECT_EQ(demo->default_version, "9.9");
  EXPECT_TRUE(catalog.Find("tiny").ok());
  auto meltano = catalog.Find("meltano");
  ASSERT_TRUE(meltano.ok());
  EXPECT_EQ(meltano->default_version, "1.47.0");
}

TEST(ProfileCatalog, OverrideWithAnotherNameOrBadTomlIsAnErrorNamingTheFile) {
  TempDir dir;
  dir.Write("demo.toml", MinimalProfile());  // says name = "tiny"
  dir.Write("broken.toml", "name = \n");
  ProfileCatalog catalog(dir.path());
  auto demo = catalog.Find("demo");
  ASSERT_FALSE(demo.ok());
  EXPECT_NE(demo.status().message().find("demo.toml"), std::string::npos) << demo.status().message();
  auto broken = catalog.Find("broken");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("broken.toml"), std::string::npos) << broken.status().message();
}

TEST(ProfileCatalog, MissingOverrideDirMeansBuiltInsOnly) {
  ProfileCatalog catalog("/nonexistent/profiles");
  EXPECT_EQ(catalog.Names(), (std::vector<std::string>{"demo", "meltano"}));
  EXPECT_TRUE(catalog.Find("demo").ok());
}

}  // namespace
}  // namespace md
