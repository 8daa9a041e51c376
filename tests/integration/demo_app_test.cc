// The demo tenant app (apps/demo), run as a real process listening on a unix
// socket, with a temporary project dir. The database-backed endpoints run
// against a throwaway PostgreSQL cluster (tests/support/postgres_fixture).
#include <gtest/gtest.h>
#include <httplib.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "../support/postgres_fixture.h"
#include "core/process.h"
#include "core/unix_http.h"

#ifndef MD_DEMO_BINARY
#error "MD_DEMO_BINARY must name the meltanodata-demo binary"
#endif

namespace md {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::FreeTcpPort;

constexpr char kPassword[] = "correct horse battery";
constexpr char kDbPassword[] = "db-pw-never-logged";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteAll(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// A temporary directory, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "demo_app_test.XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// One demo process; killed (SIGKILL) if a test leaves it running.
// HTTP to the demo's unix socket (the only place it listens), with
// httplib-like calls; an answer, or nothing when none came.
class DemoClient {
 public:
  explicit DemoClient(std::string socket) : socket_(std::move(socket)) {}
  std::optional<HttpAnswer> Get(const std::string& target) const { return Send({.target = target}); }
  std::optional<HttpAnswer> Post(const std::string& target, const std::string& body,
                                 const std::string& content_type) const {
    return Send({.method = "POST", .target = target, .body = body, .content_type = content_type});
  }
  std::optional<HttpAnswer> Post(const std::string& target, const httplib::Params& form) const {
    return Post(target, httplib::detail::params_to_query_str(form), "application/x-www-form-urlencoded");
  }

 private:
  std::optional<HttpAnswer> Send(UnixHttpRequest request) const {
    request.timeout_ms = 10000;
    auto r = SendUnixHttp(socket_, request);
    if (!r.ok()) return std::nullopt;
    return *r;
  }
  std::string socket_;
};

class DemoProcess {
 public:
  // Starts `binary` with exactly `env` (plus PATH) and waits until it answers
  // /version, or until it exits.
  DemoProcess(const std::string& binary, std::vector<std::string> env, std::string socket)
      : socket_(std::move(socket)) {
    env.push_back("PATH=/usr/bin:/bin");
    std::vector<char*> c_env;
    for (auto& e : env) c_env.push_back(e.data());
    c_env.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      // Its stdout repeats the log file, which a failing test prints.
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, STDOUT_FILENO);
      execle(binary.c_str(), binary.c_str(), static_cast<char*>(nullptr), c_env.data());
      _exit(127);
    }
  }
  ~DemoProcess() {
    if (running()) {
      kill(pid_, SIGKILL);
      Wait(5s);
    }
  }

  pid_t pid() const { return pid_; }
  DemoClient Client() const { return DemoClient(socket_); }

  // True once /version answers; false if the process exits or 10 s pass.
  bool WaitReady() {
    for (auto deadline = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < deadline;) {
      if (!running()) return false;
      if (auto r = Client().Get("/version"); r && r->status == 200) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  bool running() {
    if (exited_) return false;
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exited_ = true;
      status_ = status;
    }
    return !exited_;
  }

  // Waits for the process to exit; its wait status, or -1 on timeout.
  int Wait(std::chrono::milliseconds timeout) {
    for (auto deadline = std::chrono::steady_clock::now() + timeout; std::chrono::steady_clock::now() < deadline;) {
      if (!running()) return status_;
      std::this_thread::sleep_for(10ms);
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  std::string socket_;
  bool exited_ = false;
  int status_ = 0;
};

class DemoAppTest : public ::testing::Test {
 protected:
  std::string project() const { return dir_.path() + "/project"; }
  std::string log_path() const { return project() + "/.meltano/run/meltano-ui.log"; }

  void SetUp() override { fs::create_directories(project()); }

  // The demo with DEMO_VERSION `version` and `database_url` (default: a
  // closed port, so the database is down).
  std::unique_ptr<DemoProcess> Start(const std::string& version = "3.1.4", std::string database_url = "",
                                     const std::string& binary = MD_DEMO_BINARY) {
    if (database_url.empty()) {
      database_url = "postgresql://tenant:" + std::string(kDbPassword) + "@127.0.0.1:" +
                     std::to_string(FreeTcpPort()) + "/tenant";
    }
    std::string socket = dir_.path() + "/app.sock";
    std::vector<std::string> env = {"SOCKET=" + socket, "DATABASE_URL=" + database_url,
                                    "ADMIN_PASSWORD=" + std::string(kPassword), "MELTANO_PROJECT_ROOT=" + project()};
    if (!version.empty()) env.push_back("DEMO_VERSION=" + version);
    auto demo = std::make_unique<DemoProcess>(binary, env, socket);
    EXPECT_TRUE(demo->WaitReady()) << "the demo did not start; log:\n" << ReadAll(log_path());
    return demo;
  }

  TempDir dir_;
};

TEST_F(DemoAppTest, HealthzIs503WhileTheDatabaseIsDown) {
  auto demo = Start();
  auto r = demo->Client().Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  auto schemas = demo->Client().Get("/schemas");
  ASSERT_TRUE(schemas);
  EXPECT_EQ(schemas->status, 503);
}

TEST_F(DemoAppTest, VersionIsTheBareDemoVersion) {
  auto demo = Start("2.0.0-rc.1");
  auto r = demo->Client().Get("/version");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "2.0.0-rc.1");
}

TEST_F(DemoAppTest, VersionIsTheInstallDirectoryName) {
  // As the demo profile installs it: app/VERSION/bin/meltanodata-demo, run
  // through the `current` symlink.
  std::string app = dir_.path() + "/app";
  fs::create_directories(app + "/4.5.6/bin");
  fs::copy_file(MD_DEMO_BINARY, app + "/4.5.6/bin/meltanodata-demo");
  fs::create_directory_symlink("4.5.6", app + "/current");
  auto demo = Start(/*version=*/"", "", app + "/current/bin/meltanodata-demo");
  auto r = demo->Client().Get("/version");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "4.5.6");
}

TEST_F(DemoAppTest, UnhealthyVersionNeverPassesHealth) {
  auto demo = Start("2.0.0-unhealthy");
  auto r = demo->Client().Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, "unhealthy version");
}

TEST_F(DemoAppTest, FlagsReflectDotEnvAndReloadOnSighupInTheSameProcess) {
  WriteAll(project() + "/.env",
           "# feature flags\n"
           "MELTANO_UI_READONLY=true\n"
           "export MELTANO_UI_NOTIFICATION = 'on' \n"
           "MELTANO_DISABLE_AIRFLOW=\"a \\\"quoted\\\" value\"\n"
           "PLAIN=x # trailing comment\n"
           "not a flag line\n");
  auto demo = Start();
  auto r = demo->Client().Get("/flags");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(nlohmann::json::parse(r->body), (nlohmann::json{{"MELTANO_UI_READONLY", "true"},
                                                            {"MELTANO_UI_NOTIFICATION", "on"},
                                                            {"MELTANO_DISABLE_AIRFLOW", "a \"quoted\" value"},
                                                            {"PLAIN", "x"}}));

  WriteAll(project() + "/.env", "MELTANO_UI_READONLY=false\n");
  // Not re-read until SIGHUP.
  EXPECT_EQ(nlohmann::json::parse(demo->Client().Get("/flags")->body)["MELTANO_UI_READONLY"], "true");
  ASSERT_EQ(kill(demo->pid(), SIGHUP), 0);
  nlohmann::json flags;
  for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;) {
    flags = nlohmann::json::parse(demo->Client().Get("/flags")->body);
    if (flags["MELTANO_UI_READONLY"] == "false") break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(flags, (nlohmann::json{{"MELTANO_UI_READONLY", "false"}}));
  EXPECT_TRUE(demo->running()) << "SIGHUP must not end the process";
  std::string log = ReadAll(log_path());
  EXPECT_NE(log.find("reloaded flags: MELTANO_UI_READONLY"), std::string::npos) << log;
  EXPECT_NE(log.find("[" + std::to_string(demo->pid()) + "] reloaded flags"), std::string::npos) << log;
}

TEST_F(DemoAppTest, LoginAcceptsOnlyTheAdminPassword) {
  auto demo = Start();
  auto page = demo->Client().Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("name=\"password\""), std::string::npos);

  auto ok = demo->Client().Post("/login", httplib::Params{{"password", kPassword}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "welcome");
  for (const std::string& wrong : {std::string(""), std::string("correct horse"), std::string(kPassword) + "!"}) {
    auto r = demo->Client().Post("/login", httplib::Params{{"password", wrong}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << wrong;
  }
}

TEST_F(DemoAppTest, LoadRefusesBadSchemaNames) {
  auto demo = Start();
  for (const std::string& bad : std::vector<std::string>{"", "Sales", "1abc", "a-b", "a;drop", "pg_x",
                                                        "information_schema", std::string(64, 'a')}) {
    auto r = demo->Client().Post("/load?schema=" + httplib::detail::encode_query_param(bad), "", "text/plain");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad;
  }
}

TEST_F(DemoAppTest, LogsRequestsAndEventsButNeverSecrets) {
  auto demo = Start("7.7.7");
  demo->Client().Get("/healthz");
  demo->Client().Post("/login", httplib::Params{{"password", kPassword}});
  ASSERT_EQ(kill(demo->pid(), SIGTERM), 0);
  ASSERT_NE(demo->Wait(5s), -1);
  std::string log = ReadAll(log_path());
  EXPECT_NE(log.find("started version 7.7.7"), std::string::npos) << log;
  EXPECT_NE(log.find("GET /healthz 503"), std::string::npos) << log;
  EXPECT_NE(log.find("POST /login 200"), std::string::npos) << log;
  EXPECT_NE(log.find("stopping on SIGTERM"), std::string::npos) << log;
  EXPECT_EQ(log.find(kPassword), std::string::npos) << log;
  EXPECT_EQ(log.find(kDbPassword), std::string::npos) << log;
  EXPECT_EQ(log.find("postgresql://"), std::string::npos) << log;
}

TEST_F(DemoAppTest, ExitsCleanlyOnSigterm) {
  auto demo = Start();
  ASSERT_EQ(kill(demo->pid(), SIGTERM), 0);
  int status = demo->Wait(5s);
  ASSERT_NE(status, -1) << "still running 5 s after SIGTERM";
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(DemoAppTest, RefusesToStartWithoutASocket) {
  DemoProcess demo(MD_DEMO_BINARY, {"MELTANO_PROJECT_ROOT=" + project()}, "");
  int status = demo.Wait(5s);
  ASSERT_NE(status, -1);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

// Against a real PostgreSQL: a database and role for the tenant, as the
// controller would make them.
class DemoAppDatabaseTest : public DemoAppTest {
 protected:
  void SetUp() override {
    DemoAppTest::SetUp();
    std::string error;
    pg_ = test::SharedPostgres(&error);
    if (pg_ == nullptr) GTEST_SKIP() << "no PostgreSQL: " << error;
    db_ = "demo_" + std::to_string(getpid());
    Psql("CREATE ROLE " + db_ + " LOGIN PASSWORD '" + kDbPassword + "'");
    Psql("CREATE DATABASE " + db_ + " OWNER " + db_);
  }
  void TearDown() override {
    if (pg_ == nullptr) return;
    Psql("DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE)");
    Psql("DROP ROLE IF EXISTS " + db_);
  }

  void Psql(const std::string& sql) {
    auto r = RunChecked({"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", pg_->admin_url(), "-c", sql});
    ASSERT_TRUE(r.ok()) << r.status().message();
  }
  std::string TenantUrl() const {
    return "postgresql://" + db_ + ":" + kDbPassword + "@127.0.0.1:" + std::to_string(pg_->port()) + "/" + db_;
  }

  test::PostgresFixture* pg_ = nullptr;
  std::string db_;
};

TEST_F(DemoAppDatabaseTest, HealthzIsOkWhenTheDatabaseAnswers) {
  auto demo = Start("1.0.0", TenantUrl());
  auto r = demo->Client().Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok");
}

TEST_F(DemoAppDatabaseTest, LoadCreatesASchemaWithRowsAndSchemasListsIt) {
  auto demo = Start("1.0.0", TenantUrl());
  auto before = demo->Client().Get("/schemas");
  ASSERT_TRUE(before);
  ASSERT_EQ(before->status, 200);
  EXPECT_EQ(nlohmann::json::parse(before->body), nlohmann::json({"public"}));

  for (int i = 0; i < 2; ++i) {  // a second load changes nothing
    auto r = demo->Client().Post("/load?schema=tap_sales", "", "text/plain");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(nlohmann::json::parse(r->body), (nlohmann::json{{"schema", "tap_sales"}, {"rows", 3}}));
  }
  ASSERT_EQ(demo->Client().Post("/load?schema=_raw", "", "text/plain")->status, 200);
  auto after = demo->Client().Get("/schemas");
  ASSERT_TRUE(after);
  EXPECT_EQ(nlohmann::json::parse(after->body), nlohmann::json({"_raw", "public", "tap_sales"}));
}

}  // namespace
}  // namespace md
