// The command line: argument parsing and exit codes, then every verb group
// against a FakeController behind a real ApiServer on a free port.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "api/json_codec.h"
#include "api/server.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "fake_controller.h"

namespace md {
namespace {

constexpr const char* kToken = "cli-test-token";

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

// A loopback port nothing listens on (bound, then released).
int UnusedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

Outcome RunRaw(const std::vector<std::string>& args, const std::string& stdin_text = "") {
  std::ostringstream out, err;
  std::istringstream in(stdin_text);
  Outcome o;
  o.code = RunCli(args, out, err, in);
  o.out = out.str();
  o.err = err.str();
  return o;
}

size_t CountLines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("MELTANODATA_URL");
    unsetenv("MELTANODATA_TOKEN");
    setenv("MELTANODATA_POLL_MS", "5", 1);
    fake_.AdvanceEvery(std::chrono::milliseconds(5));
    server_ = std::make_unique<ApiServer>(fake_, kToken, "127.0.0.1", 0);
    ASSERT_TRUE(server_->Start().ok());
    url_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  void TearDown() override {
    server_->Stop();
    unsetenv("MELTANODATA_URL");
    unsetenv("MELTANODATA_TOKEN");
  }

  // Runs the CLI against the test server, with the token in the environment
  // (a --token on the command line adds a warning).
  Outcome Run(std::vector<std::string> args, const std::string& stdin_text = "") {
    setenv("MELTANODATA_TOKEN", kToken, 1);
    args.insert(args.end(), {"--server", url_});
    return RunRaw(args, stdin_text);
  }

  FakeController fake_;
  std::unique_ptr<ApiServer> server_;
  std::string url_;
};

// --- parsing and usage, no server needed ---

TEST(CliArgs, ParsesFlagsInEitherForm) {
  auto parsed = cli::ParseArgs({"create", "--name=Acme Inc", "--email", "a@b.co", "--no-wait", "x"},
                               {{"--name", true}, {"--email", true}, {"--no-wait", false}});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->Get("--name"), "Acme Inc");
  EXPECT_EQ(parsed->Get("--email"), "a@b.co");
  EXPECT_TRUE(parsed->Has("--no-wait"));
  EXPECT_EQ(parsed->positional, (std::vector<std::string>{"create", "x"}));
  EXPECT_FALSE(cli::ParseArgs({"--bogus"}, {}).ok());
  EXPECT_FALSE(cli::ParseArgs({"--name"}, {{"--name", true}}).ok());
  EXPECT_FALSE(cli::ParseArgs({"--no-wait=1"}, {{"--no-wait", false}}).ok());
  auto dashdash = cli::ParseArgs({"--", "--not-a-flag"}, {});
  ASSERT_TRUE(dashdash.ok());
  EXPECT_EQ(dashdash->positional, (std::vector<std::string>{"--not-a-flag"}));
}

TEST(CliUsage, NoArgumentsIsUsageError) {
  Outcome o = RunRaw({});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("usage:"), std::string::npos);
}

TEST(CliUsage, HelpExitsZero) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"help"}, {"--help"}, {"help", "create"},
                                                                 {"create", "--help"}, {"clusters", "-h"}}) {
    Outcome o = RunRaw(args);
    EXPECT_EQ(o.code, 0) << args[0];
    EXPECT_NE(o.out.find("meltanodata"), std::string::npos);
  }
  EXPECT_NE(RunRaw({"help", "create"}).out.find("--subdomain SUB"), std::string::npos);
}

TEST(CliUsage, UnknownCommandOrOptionIsUsageError) {
  Outcome unknown = RunRaw({"frobnicate"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_EQ(unknown.err.rfind("error: ", 0), 0u);
  EXPECT_EQ(RunRaw({"list", "--colour", "red"}).code, 2);
  EXPECT_EQ(RunRaw({"flags"}).code, 2);
  EXPECT_EQ(RunRaw({"flags", "paint", "acme"}).code, 2);
  EXPECT_EQ(RunRaw({"list", "-o", "yaml"}).code, 2);
  EXPECT_EQ(RunRaw({"show"}).code, 2);
  EXPECT_EQ(RunRaw({"show", "a", "b"}).code, 2);
}

TEST_F(CliTest, InvalidInputExits2WithoutContactingTheServer) {
  const std::vector<std::vector<std::string>> cases = {
      {"create", "--subdomain", "Bad_Sub", "--email", "a@b.co", "--name", "A"},
      {"create", "--subdomain", "www", "--email", "a@b.co", "--name", "A"},
      {"create", "--subdomain", "acme", "--email", "not-an-email", "--name", "A"},
      {"create", "--subdomain", "acme", "--email", "a@b.co"},
      {"create", "--subdomain", "acme", "--email", "a@b.co", "--name", "A", "--version", "bad version"},
      {"show", "-acme"},
      {"flags", "set", "acme", "1BAD=x"},
      {"flags", "set", "acme", "NOEQUALS"},
      {"secrets", "set", "acme", "KEY=line\rbreak"},
      {"upgrade", "acme"},
      {"upgrade", "acme", "--all", "--to", "2.0"},
      {"upgrade", "--to", "2.0"},
      {"logs", "acme", "--lines", "0"},
      {"delete", "acme"},
      {"delete", "acme", "Bad!", "--yes"},
      {"wipe-db", "acme"},
      {"clusters", "add", "db2", "--url", "postgresql://u:p@h/d"},
      {"clusters", "add", "db2", "--url", "postgresql://u:p@h/d", "--capacity", "zero"},
      {"clusters", "add", "Bad Name", "--url", "postgresql://u:p@h/d", "--capacity", "3"},
      {"ops", "show", "abc"},
      {"ops", "list", "--limit", "0"},
      {"domains", "add", "acme", "not a host"},
      {"domains", "add", "acme", "localhost"},
      {"domains", "add", "acme", "*.example.com"},
      {"domains", "add", "acme", "shop..example.com"},
      {"domains", "add", "acme", "sh\xc3\xb6p.example.com"},
      {"domains", "add", "Bad_Sub", "shop.example.com"},
      {"domains", "add", "acme"},
      {"domains", "add", "acme", "shop.example.com", "extra"},
      {"domains", "remove", "acme", "-shop.example.com"},
      {"domains", "remove", "www", "shop.example.com"},
      {"domains", "list", "Bad_Sub"},
      {"domains", "list", "acme", "beta"},
      {"certs", "list", "acme"},
      {"ca", "extra"},
  };
  for (const auto& args : cases) {
    Outcome o = Run(args);
    EXPECT_EQ(o.code, 2) << args[0] << " " << args[1] << ": " << o.err;
    EXPECT_EQ(o.err.rfind("error: ", 0), 0u) << o.err;
    EXPECT_EQ(CountLines(o.err), 1u) << o.err;
  }
  EXPECT_EQ(fake_.calls(), 0);
}

TEST_F(CliTest, UsageErrorsNeverEchoASecretValue) {
  Outcome o = Run({"secrets", "set", "acme", "API_KEY=very-secret\rvalue"});
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err.find("very-secret"), std::string::npos);
  EXPECT_NE(o.err.find("API_KEY"), std::string::npos);
}

TEST(CliConnection, UnreachableControllerSaysHowToStartIt) {
  std::string url = "http://127.0.0.1:" + std::to_string(UnusedPort());
  setenv("MELTANODATA_TOKEN", "t", 1);
  Outcome o = RunRaw({"list", "--server", url});
  unsetenv("MELTANODATA_TOKEN");
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.err.find(url), std::string::npos);
  EXPECT_NE(o.err.find("meltanodata serve"), std::string::npos);
  EXPECT_EQ(CountLines(o.err), 1u);
}

TEST(CliConnection, BadServerUrlIsUsageError) {
  EXPECT_EQ(RunRaw({"list", "--server", "ftp://x", "--token", "t"}).code, 2);
  EXPECT_EQ(RunRaw({"list", "--server", "http://h:1/path", "--token", "t"}).code, 2);
}

// --- against the fake controller ---

TEST_F(CliTest, CreateWaitsAndPrintsEachStep) {
  Outcome o = Run({"create", "--subdomain", "acme", "--email", "ops@acme.com", "--name", "Acme Inc"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(o.err.empty()) << o.err;
  for (const char* step : {"create_database", "create_user", "write_files", "start_service", "health_check"}) {
    EXPECT_NE(o.out.find(std::string("✓ ") + step), std::string::npos) << step << "\n" << o.out;
  }
  EXPECT_NE(o.out.find("0.12s"), std::string::npos);
  EXPECT_NE(o.out.find("create acme (operation #1)"), std::string::npos);
  EXPECT_NE(o.out.find("✓ acme is running at https://acme.md.example/"), std::string::npos) << o.out;
}

TEST_F(CliTest, WaitingFollowsTheEventStreamNotPolls) {
  Outcome o = Run({"create", "--subdomain", "acme", "--email", "ops@acme.com", "--name", "Acme Inc"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("✓ health_check"), std::string::npos) << o.out;
  std::vector<std::string> calls = fake_.call_log();
  // One read of the operation as the wait starts; every step after came as an event.
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "GetOperation"), 1) << o.out;
}

TEST_F(CliTest, WaitingReadsTheOperationAgainWhenTheStreamComesBack) {
  // The operation ends while the controller is away; the stream it comes back
  // with cannot replay that (the CLI had seen no event id to resume from).
  fake_.held_kinds = {"create"};
  std::promise<Outcome> done;
  std::thread cli([&] { done.set_value(Run({"create", "--subdomain", "acme", "--email", "o@acme.com", "--name", "A"})); });
  std::vector<std::string> calls;
  for (int i = 0; i < 500 && std::count(calls.begin(), calls.end(), "GetOperation") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    calls = fake_.call_log();
  }
  const int port = server_->port();
  server_->Stop();
  fake_.Release("create");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the ticker finishes it, unseen
  server_ = std::make_unique<ApiServer>(fake_, kToken, "127.0.0.1", port);
  ASSERT_TRUE(server_->Start().ok());
  std::future<Outcome> outcome = done.get_future();
  const bool ended = outcome.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  if (!ended) server_->Stop();  // the CLI gives up on a lost controller after a minute
  cli.join();
  ASSERT_TRUE(ended) << "the CLI still waited 20 s after the controller came back";
  Outcome o = outcome.get();
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("✓ acme is running"), std::string::npos) << o.out;
}

TEST_F(CliTest, WaitingPollsAControllerWithoutEvents) {
  fake_.publishes_events = false;  // the stream is refused (503), as by a controller without events
  Outcome o = Run({"create", "--subdomain", "acme", "--email", "ops@acme.com", "--name", "Acme Inc"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("✓ acme is running at https://acme.md.example/"), std::string::npos) << o.out;
}

TEST_F(CliTest, CreateNoWaitPrintsTheOperationId) {
  Outcome o = Run({"create", "--subdomain", "acme", "--email", "ops@acme.com", "--name", "Acme", "--no-wait"});
  EXPECT_EQ(o.code, 0);
  EXPECT_NE(o.out.find("operation #1"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("✓ create_database"), std::string::npos);
}

TEST_F(CliTest, WaitingSaysWhatAQueuedOperationIsBehind) {
  fake_.Seed("acme");
  fake_.held_kinds = {"stop"};
  fake_.queued_polls = 20;                                 // 100 ms: the wait reads it queued
  ASSERT_EQ(Run({"stop", "acme", "--no-wait"}).code, 0);  // operation #1, left queued
  Outcome o = Run({"restart", "acme"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("queued behind operation #1 (stop acme, queued)"), std::string::npos) << o.out;
}

TEST_F(CliTest, FailedCreateExits1WithOneErrorLine) {
  fake_.failing = {"acme"};
  Outcome o = Run({"create", "--subdomain", "acme", "--email", "ops@acme.com", "--name", "Acme"});
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.out.find("✓ create_database"), std::string::npos);
  EXPECT_NE(o.out.find("✗ create_user"), std::string::npos);
  EXPECT_EQ(CountLines(o.err), 1u) << o.err;
  EXPECT_EQ(o.err.rfind("error: create acme failed", 0), 0u) << o.err;
  EXPECT_NE(o.err.find("boom"), std::string::npos);
  EXPECT_NE(o.err.find("meltanodata ops show 1"), std::string::npos);
}

TEST_F(CliTest, DeleteOfTwoWhereOneFailsExits1AndDeletesTheOther) {
  fake_.Seed("alpha");
  fake_.Seed("beta");
  fake_.failing = {"beta"};
  Outcome o = Run({"delete", "alpha", "beta", "--yes"});
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.out.find("✓ alpha deleted"), std::string::npos) << o.out;
  EXPECT_NE(o.err.find("delete beta failed"), std::string::npos) << o.err;
  EXPECT_EQ(CountLines(o.err), 1u);
  EXPECT_EQ(Run({"show", "alpha"}).code, 3);
  EXPECT_EQ(Run({"show", "beta"}).code, 0);
}

TEST_F(CliTest, DeleteGoesOnPastAMissingInstance) {
  fake_.Seed("alpha");
  Outcome o = Run({"delete", "ghost", "alpha", "--yes"});
  EXPECT_EQ(o.code, 3);
  EXPECT_NE(o.err.find("ghost"), std::string::npos);
  EXPECT_NE(o.out.find("✓ alpha deleted"), std::string::npos);
}

TEST_F(CliTest, NotFoundExits3) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"show", "ghost"}, {"status", "ghost"}, {"logs", "ghost"}, {"flags", "list", "ghost"},
           {"restart", "ghost"}, {"ops", "show", "99"}, {"clusters", "drain", "nope"}}) {
    Outcome o = Run(args);
    EXPECT_EQ(o.code, 3) << args[0];
    EXPECT_EQ(CountLines(o.err), 1u);
  }
}

TEST_F(CliTest, ConflictExits4) {
  fake_.Seed("acme");
  Outcome exists = Run({"create", "--subdomain", "acme", "--email", "a@b.co", "--name", "A"});
  EXPECT_EQ(exists.code, 4);
  EXPECT_NE(exists.err.find("already exists"), std::string::npos);
  fake_.clusters_full = true;
  Outcome full = Run({"create", "--subdomain", "beta", "--email", "a@b.co", "--name", "B"});
  EXPECT_EQ(full.code, 4);
  EXPECT_NE(full.err.find("meltanodata clusters add"), std::string::npos);
  EXPECT_EQ(Run({"clusters", "remove", "main"}).code, 4);
}

TEST_F(CliTest, WrongTokenExits2AndSaysWhereTheTokenIs) {
  Outcome o = RunRaw({"list", "--server", url_, "--token", "wrong"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("admin.token"), std::string::npos);
}

TEST_F(CliTest, ATokenOnTheCommandLineWorksButWarnsThatOthersCanSeeIt) {
  fake_.Seed("acme");
  Outcome o = RunRaw({"list", "--server", url_, "--token", kToken});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("acme"), std::string::npos);
  EXPECT_EQ(o.err.rfind("warning: --token is visible to other users", 0), 0u) << o.err;
  EXPECT_NE(o.err.find("/proc"), std::string::npos);
  EXPECT_NE(o.err.find("MELTANODATA_TOKEN"), std::string::npos);
  EXPECT_NE(o.err.find("admin.token"), std::string::npos);
  EXPECT_EQ(o.err.find(kToken), std::string::npos) << "the warning does not repeat the token";
  EXPECT_EQ(CountLines(o.err), 1u);
}

TEST_F(CliTest, ServerAndTokenComeFromTheEnvironment) {
  setenv("MELTANODATA_URL", url_.c_str(), 1);
  setenv("MELTANODATA_TOKEN", kToken, 1);
  fake_.Seed("acme");
  Outcome o = RunRaw({"list"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("acme"), std::string::npos);
}

TEST_F(CliTest, ListShowStatusJsonParse) {
  fake_.Seed("acme");
  fake_.Seed("beta");
  Outcome list = Run({"list", "-o", "json"});
  ASSERT_EQ(list.code, 0);
  Json array = Json::parse(list.out);
  ASSERT_TRUE(array.is_array());
  ASSERT_EQ(array.size(), 2u);
  Outcome show = Run({"show", "acme", "-o", "json"});
  ASSERT_EQ(show.code, 0);
  Json instance = Json::parse(show.out);
  EXPECT_EQ(instance, array[0]);
  for (const char* field : {"subdomain", "name", "email", "app", "app_version", "status", "url"}) {
    EXPECT_TRUE(instance.contains(field)) << field;
  }
  EXPECT_EQ(instance["database"]["cluster"], "main");
  Outcome status = Run({"status", "acme", "-o", "json"});
  ASSERT_EQ(status.code, 0);
  Json report = Json::parse(status.out);
  EXPECT_EQ(report["pid"], 4242);
  EXPECT_EQ(report["health"], 200);
}

TEST_F(CliTest, TablesShowTheInstances) {
  fake_.Seed("acme");
  Outcome list = Run({"list"});
  ASSERT_EQ(list.code, 0);
  EXPECT_EQ(list.out.rfind("SUBDOMAIN", 0), 0u);
  EXPECT_NE(list.out.find("acme"), std::string::npos);
  Outcome status = Run({"status", "acme"});
  ASSERT_EQ(status.code, 0);
  EXPECT_NE(status.out.find("up, pid 4242, for 1h02m"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("HTTP 200"), std::string::npos);
}

TEST_F(CliTest, ClustersNeverShowThePassword) {
  Outcome add = Run({"clusters", "add", "db2", "--url", "postgresql://root:pw-of-db2@db2.example:5432/postgres",
                     "--capacity", "5"});
  EXPECT_EQ(add.code, 0) << add.err;
  EXPECT_NE(add.out.find("db2.example:5432"), std::string::npos);
  for (const auto& args : std::vector<std::vector<std::string>>{{"clusters", "list"}, {"clusters", "list", "-o", "json"}}) {
    Outcome o = Run(args);
    EXPECT_EQ(o.code, 0);
    EXPECT_EQ(o.out.find("pw-of-db2"), std::string::npos);
    EXPECT_EQ(o.out.find(FakeController::kClusterPassword), std::string::npos);
  }
  Json clusters = Json::parse(Run({"clusters", "list", "-o", "json"}).out);
  ASSERT_EQ(clusters.size(), 2u);
  for (const char* field : {"name", "used", "capacity", "full", "draining"}) {
    EXPECT_TRUE(clusters[0].contains(field)) << field;
  }
  EXPECT_EQ(Run({"clusters", "drain", "db2"}).code, 0);
  EXPECT_EQ(Run({"clusters", "remove", "db2"}).code, 0);
  EXPECT_EQ(Run({"clusters", "remove", "db2"}).code, 3);
}

TEST_F(CliTest, SecretsListShowsNamesNeverValues) {
  fake_.Seed("acme");
  Outcome set = Run({"secrets", "set", "acme", "API_KEY=k-123-secret", "FROM_STDIN"}, "stdin-secret\n");
  EXPECT_EQ(set.code, 0) << set.err;
  EXPECT_EQ(set.out.find("k-123-secret"), std::string::npos);
  EXPECT_EQ(fake_.SecretsOf("acme")["FROM_STDIN"], "stdin-secret");
  for (const auto& args : std::vector<std::vector<std::string>>{{"secrets", "list", "acme"},
                                                                {"secrets", "list", "acme", "-o", "json"}}) {
    Outcome o = Run(args);
    EXPECT_EQ(o.code, 0);
    EXPECT_NE(o.out.find("API_KEY"), std::string::npos);
    EXPECT_NE(o.out.find("DB_PASSWORD"), std::string::npos);
    EXPECT_EQ(o.out.find(FakeController::kSecretValue), std::string::npos);
    EXPECT_EQ(o.out.find("k-123-secret"), std::string::npos);
    EXPECT_EQ(o.out.find("stdin-secret"), std::string::npos);
  }
  EXPECT_EQ(Run({"secrets", "unset", "acme", "API_KEY"}).code, 0);
  EXPECT_EQ(Run({"secrets", "list", "acme"}).out.find("API_KEY"), std::string::npos);
}

TEST_F(CliTest, FlagsSetListUnset) {
  fake_.Seed("acme");
  Outcome set = Run({"flags", "set", "acme", "MELTANO_UI_ANALYSIS=true", "EMPTY="});
  EXPECT_EQ(set.code, 0) << set.err;
  EXPECT_NE(set.out.find("✓ flags of acme updated"), std::string::npos) << set.out;
  Outcome list = Run({"flags", "list", "acme"});
  EXPECT_NE(list.out.find("MELTANO_UI_ANALYSIS=true\n"), std::string::npos);
  EXPECT_NE(list.out.find("EMPTY=\n"), std::string::npos);
  EXPECT_EQ(Run({"flags", "unset", "acme", "EMPTY"}).code, 0);
  Json flags = Json::parse(Run({"flags", "list", "acme", "-o", "json"}).out);
  EXPECT_FALSE(flags.contains("EMPTY"));
  EXPECT_EQ(flags["MELTANO_UI_ANALYSIS"], "true");
}

TEST_F(CliTest, SecretsSetTakesOneLineOfStdinPerBareKeyWithoutAWarning) {
  fake_.Seed("acme");
  Outcome o = Run({"secrets", "set", "acme", "FIRST", "SECOND", "EMPTY"}, "one two\r\nsecond-value\n\n");
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.err, "");
  EnvMap secrets = fake_.SecretsOf("acme");
  EXPECT_EQ(secrets["FIRST"], "one two");
  EXPECT_EQ(secrets["SECOND"], "second-value");
  EXPECT_EQ(secrets["EMPTY"], "");
  EXPECT_EQ(o.out.find("second-value"), std::string::npos);
  // A last line without its newline, from a pipe such as `printf %s "$v"`.
  EXPECT_EQ(Run({"secrets", "set", "acme", "FIRST"}, "no-newline").code, 0);
  EXPECT_EQ(fake_.SecretsOf("acme")["FIRST"], "no-newline");
}

TEST_F(CliTest, SecretsSetRefusesMissingOrLeftOverStdinAndSetsNothing) {
  fake_.Seed("acme");
  for (const auto& [args, input] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"secrets", "set", "acme", "A_KEY", "B_KEY"}, "only-one\n"},
           {{"secrets", "set", "acme", "A_KEY"}, ""},
           {{"secrets", "set", "acme", "A_KEY"}, "-----BEGIN KEY-----\nbody-line\n-----END KEY-----\n"},
           {{"secrets", "set", "acme", "A_KEY", "BAD-NAME"}, "v1\nv2\n"}}) {
    Outcome o = Run(args, input);
    EXPECT_EQ(o.code, 2) << input << ": " << o.err;
    EXPECT_EQ(CountLines(o.err), 1u) << o.err;
    EXPECT_EQ(o.err.find("body-line"), std::string::npos) << o.err;
  }
  EXPECT_EQ(fake_.SecretsOf("acme").count("A_KEY"), 0u);
  EXPECT_EQ(fake_.mutating_calls().size(), 0u);
}

TEST_F(CliTest, OperatorsAddReadsThePasswordFromStdinNeverArgvAndNeverPrintsIt) {
  Outcome o = Run({"operators", "add", "ann"}, "a long enough password\n");
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out.find("a long enough password"), std::string::npos);
  Result<bool> ok = fake_.CheckOperatorPassword("ann", "a long enough password");
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(*ok);
  EXPECT_EQ(Run({"operators", "add", "ann", "a-password-in-argv"}, "").code, 2);  // no place for it
  Outcome shorter = Run({"operators", "add", "bob"}, "short\n");
  EXPECT_EQ(shorter.code, 2);
  EXPECT_EQ(shorter.err.find("short\n"), std::string::npos);
  EXPECT_EQ(Run({"operators", "add", "ann"}, "another long password\n").code, 4);  // taken
  Outcome list = Run({"operators", "list"});
  EXPECT_EQ(list.code, 0);
  EXPECT_NE(list.out.find("ann"), std::string::npos);
  EXPECT_EQ(list.out.find("password"), std::string::npos);
  EXPECT_EQ(Run({"operators", "remove", "ann"}).code, 0);
  EXPECT_EQ(Run({"operators", "remove", "ann"}).code, 3);
  EXPECT_EQ(Run({"operators", "remove", "Not Valid"}).code, 2);
}

TEST_F(CliTest, SecretsSetWithAValueInArgvWorksButWarns) {
  fake_.Seed("acme");
  Outcome o = Run({"secrets", "set", "acme", "API_KEY=k-456-secret"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(fake_.SecretsOf("acme")["API_KEY"], "k-456-secret");
  EXPECT_EQ(o.err.rfind("warning: ", 0), 0u) << o.err;
  EXPECT_NE(o.err.find("/proc"), std::string::npos);
  EXPECT_NE(o.err.find("shell history"), std::string::npos);
  EXPECT_EQ(o.err.find("k-456-secret"), std::string::npos);
  EXPECT_EQ(CountLines(o.err), 1u);
  EXPECT_EQ(Run({"flags", "set", "acme", "MELTANO_X=1"}).err, "") << "flags are not secret";
}

TEST_F(CliTest, HelpSaysWhereSecretsAndTheTokenShouldComeFrom) {
  Outcome secrets = RunRaw({"help", "secrets", "set"});
  EXPECT_NE(secrets.out.find("stdin"), std::string::npos) << secrets.out;
  EXPECT_NE(secrets.out.find("/proc"), std::string::npos) << secrets.out;
  Outcome all = RunRaw({"help"});
  EXPECT_NE(all.out.find("--token TOKEN    its admin token; visible to other users in /proc"), std::string::npos)
      << all.out;
}

TEST_F(CliTest, UpgradeWaitsForEveryOperation) {
  fake_.Seed("alpha");
  fake_.Seed("beta");
  Outcome all = Run({"upgrade", "--all", "--to", "2.0"});
  EXPECT_EQ(all.code, 0) << all.err;
  EXPECT_NE(all.out.find("✓ alpha upgraded to 2.0"), std::string::npos) << all.out;
  EXPECT_NE(all.out.find("✓ beta upgraded to 2.0"), std::string::npos);
  fake_.failing = {"beta"};
  Outcome some = Run({"upgrade", "alpha", "beta", "--to", "3.0"});
  EXPECT_EQ(some.code, 1);
  EXPECT_NE(some.out.find("✓ alpha upgraded to 3.0"), std::string::npos);
  EXPECT_NE(some.err.find("upgrade beta failed"), std::string::npos);
  Outcome json = Run({"upgrade", "alpha", "--to", "4.0", "-o", "json"});
  EXPECT_EQ(json.code, 0);
  Json ops = Json::parse(json.out);
  ASSERT_TRUE(ops.is_array());
  EXPECT_EQ(ops[0]["state"], "succeeded");
}

TEST_F(CliTest, LifecycleAndWipeWait) {
  fake_.Seed("acme");
  EXPECT_EQ(Run({"stop", "acme"}).code, 0);
  EXPECT_NE(Run({"show", "acme"}).out.find("stopped"), std::string::npos);
  EXPECT_EQ(Run({"start", "acme"}).code, 0);
  Outcome wipe = Run({"wipe-db", "acme", "--yes"});
  EXPECT_EQ(wipe.code, 0);
  EXPECT_NE(wipe.out.find("✓ drop_schemas"), std::string::npos);
}

TEST_F(CliTest, ListLimit) {
  for (const char* s : {"delta", "alpha", "charlie"}) fake_.Seed(s);
  Json two = Json::parse(Run({"list", "--limit", "2", "-o", "json"}).out);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0]["subdomain"], "alpha");
  EXPECT_EQ(two[1]["subdomain"], "charlie");
  EXPECT_EQ(Run({"list", "--limit", "0"}).code, 2);
  EXPECT_EQ(Run({"list"}).out.find("delta") != std::string::npos, true);
}

TEST_F(CliTest, LogsPrintTheText) {
  fake_.Seed("acme");
  Outcome o = Run({"logs", "acme", "--lines", "20"});
  EXPECT_EQ(o.code, 0);
  EXPECT_EQ(o.out, "line one\nline two\n");
  EXPECT_EQ(fake_.last_log_lines, 20);
  Json chunk = Json::parse(Run({"logs", "acme", "-o", "json"}).out);
  EXPECT_EQ(chunk["cursor"], "c2");
}

TEST_F(CliTest, OpsListAndShow) {
  fake_.Seed("acme");
  ASSERT_EQ(Run({"restart", "acme"}).code, 0);
  Outcome list = Run({"ops", "list"});
  EXPECT_EQ(list.code, 0);
  EXPECT_NE(list.out.find("restart"), std::string::npos);
  EXPECT_NE(list.out.find("succeeded"), std::string::npos);
  Json ops = Json::parse(Run({"ops", "list", "--subdomain", "acme", "-o", "json"}).out);
  ASSERT_EQ(ops.size(), 1u);
  Outcome show = Run({"ops", "show", "1"});
  EXPECT_EQ(show.code, 0);
  EXPECT_NE(show.out.find("restart_service"), std::string::npos);
  EXPECT_NE(show.out.find("#1 restart acme"), std::string::npos);
  EXPECT_EQ(Json::parse(Run({"ops", "show", "1", "-o", "json"}).out)["id"], 1);
}

TEST_F(CliTest, DoctorReportsAndFixes) {
  Outcome report = Run({"doctor"});
  EXPECT_EQ(report.code, 0);
  EXPECT_NE(report.out.find("drift"), std::string::npos);
  EXPECT_NE(report.out.find("doctor --fix"), std::string::npos);
  Json fixed = Json::parse(Run({"doctor", "--fix", "-o", "json"}).out);
  EXPECT_EQ(fixed[0]["fixed"], true);
}

// --- the front door ---

TEST_F(CliTest, StatusShowsTheFrontDoorAfterTheExistingLines) {
  fake_.Seed("acme");
  Outcome o = Run({"status", "acme"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("url:          https://acme.md.example/\n"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("health:       HTTP 200\n"
                       "https:        HTTP 200\n"
                       "certificate:  Fake ACME R3, expires 2026-04-01 00:00:00Z, trusted\n"),
            std::string::npos)
      << o.out;

  fake_.https_error = "certificate signed by unknown authority";
  fake_.wildcard_trusted = false;
  o = Run({"status", "acme"});
  EXPECT_NE(o.out.find("https:        no answer (certificate signed by unknown authority)\n"), std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("certificate:  MeltanoData local CA, expires 2026-04-01 00:00:00Z, local CA stand-in\n"),
            std::string::npos)
      << o.out;
  Json report = Json::parse(Run({"status", "acme", "-o", "json"}).out);
  EXPECT_EQ(report["https"]["url"], "https://acme.md.example/");
  EXPECT_EQ(report["certificate"]["trusted"], false);
}

TEST_F(CliTest, CertsListShowsTrustExpiryAndNextOrder) {
  fake_.Seed("acme");
  fake_.SeedDomain("acme", "shop.example.com");
  fake_.custom_cert_error = "rateLimited: too many new orders";
  Outcome o = Run({"certs", "list"});
  ASSERT_EQ(o.code, 0) << o.err;
  std::istringstream lines(o.out);
  std::string header, wildcard, custom, extra;
  std::getline(lines, header);
  std::getline(lines, wildcard);
  std::getline(lines, custom);
  EXPECT_FALSE(std::getline(lines, extra)) << o.out;
  for (const char* column : {"NAMES", "PURPOSE", "ISSUER", "TRUSTED", "EXPIRES", "NEXT ORDER", "ERROR"}) {
    EXPECT_NE(header.find(column), std::string::npos) << column;
  }
  for (const char* cell : {"*.md.example, md.example", "wildcard", "Fake ACME R3", "  yes  ", "2026-04-01 00:00:00Z",
                           "2026-03-02 00:00:00Z"}) {
    EXPECT_NE(wildcard.find(cell), std::string::npos) << cell << "\n" << o.out;
  }
  for (const char* cell : {"shop.example.com", "custom (acme)", "MeltanoData local CA", "no (local CA)",
                           "2026-01-08 00:00:00Z", "2026-01-01 01:00:00Z", "rateLimited: too many new orders"}) {
    EXPECT_NE(custom.find(cell), std::string::npos) << cell << "\n" << o.out;
  }
  Outcome json = Run({"certs", "list", "-o", "json"});
  ASSERT_EQ(json.code, 0);
  Json certs = Json::parse(json.out);
  ASSERT_EQ(certs.size(), 2u);
  EXPECT_EQ(certs[1]["trusted"], false);
  EXPECT_EQ(certs[1]["subdomain"], "acme");
}

TEST_F(CliTest, CaPrintsTheRootPemByteForByte) {
  Outcome o = Run({"ca"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, FakeController::kRootPem);
  EXPECT_TRUE(o.err.empty());
  Json j = Json::parse(Run({"ca", "-o", "json"}).out);
  EXPECT_EQ(j["root_pem"], FakeController::kRootPem);
}

TEST_F(CliTest, DomainsAddListRemove) {
  fake_.Seed("acme");
  fake_.Seed("beta");
  Outcome add = Run({"domains", "add", "acme", "shop.example.com"});
  EXPECT_EQ(add.code, 0) << add.err;
  EXPECT_EQ(CountLines(add.out), 1u) << add.out;
  EXPECT_NE(add.out.find("shop.example.com now serves acme (certificate: local CA stand-in until the trusted one is "
                         "issued"),
            std::string::npos)
      << add.out;
  Json added = Json::parse(Run({"domains", "add", "beta", "www.beta.example", "-o", "json"}).out);
  EXPECT_EQ(added["host"], "www.beta.example");
  EXPECT_EQ(added["subdomain"], "beta");

  Outcome list = Run({"domains", "list"});
  EXPECT_EQ(list.code, 0);
  EXPECT_EQ(list.out.rfind("HOST", 0), 0u) << list.out;
  EXPECT_EQ(CountLines(list.out), 3u) << list.out;
  Outcome acme = Run({"domains", "list", "acme"});
  EXPECT_NE(acme.out.find("shop.example.com  acme"), std::string::npos) << acme.out;
  EXPECT_EQ(acme.out.find("www.beta.example"), std::string::npos);
  EXPECT_EQ(Json::parse(Run({"domains", "list", "beta", "-o", "json"}).out).size(), 1u);

  Outcome remove = Run({"domains", "remove", "acme", "shop.example.com"});
  EXPECT_EQ(remove.code, 0) << remove.err;
  EXPECT_EQ(remove.out, "✓ shop.example.com no longer serves acme\n");
  EXPECT_NE(Run({"domains", "list", "acme"}).out.find("no custom domains"), std::string::npos);
}

TEST_F(CliTest, DomainsAddLowerCasesTheHost) {
  fake_.Seed("acme");
  Outcome o = Run({"domains", "add", "acme", "Shop.Example.COM"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("shop.example.com now serves acme"), std::string::npos) << o.out;
  EXPECT_EQ(Json::parse(Run({"domains", "list", "-o", "json"}).out)[0]["host"], "shop.example.com");
}

TEST_F(CliTest, DomainsRefusedByTheControllerGiveTheirExitCodes) {
  fake_.Seed("acme");
  fake_.Seed("beta");
  fake_.SeedDomain("beta", "shop.example.com");
  Outcome taken = Run({"domains", "add", "acme", "shop.example.com"});
  EXPECT_EQ(taken.code, 4);
  EXPECT_NE(taken.err.find("beta"), std::string::npos) << taken.err;
  EXPECT_EQ(CountLines(taken.err), 1u);
  EXPECT_EQ(Run({"domains", "add", "ghost", "new.example.com"}).code, 3);
  EXPECT_EQ(Run({"domains", "remove", "acme", "shop.example.com"}).code, 3);
  EXPECT_EQ(Run({"domains", "list", "ghost"}).code, 3);
}

TEST_F(CliTest, ABadHostIsNamedInOneLine) {
  Outcome o = Run({"domains", "add", "acme", "Shop_Example.com"});
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err.rfind("error: 'Shop_Example.com': host name must be", 0), 0u) << o.err;
  EXPECT_EQ(CountLines(o.err), 1u);
  EXPECT_EQ(fake_.calls(), 0);
}

TEST(CliUsage, FrontDoorGroupsNeedASubcommand) {
  EXPECT_EQ(RunRaw({"domains"}).code, 2);
  EXPECT_EQ(RunRaw({"certs"}).code, 2);
  Outcome help = RunRaw({"help", "domains"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("domains add SUB HOST"), std::string::npos);
  EXPECT_NE(RunRaw({"help"}).out.find("certs list"), std::string::npos);
}

TEST(CliOutput, FormatsDurations) {
  EXPECT_EQ(cli::FormatDurationMs(120), "0.12s");
  EXPECT_EQ(cli::FormatDurationMs(12345), "12.3s");
  EXPECT_EQ(cli::FormatDurationMs(125000), "2m05s");
  EXPECT_EQ(cli::FormatUptime(3725), "1h02m");
}

TEST(CliReference, EveryCommandHasExamplesItsHelpShows) {
  for (const cli::Command& c : cli::Commands()) {
    EXPECT_FALSE(c.examples.empty()) << c.words;
    std::vector<std::string> args;
    std::istringstream words(c.words);
    for (std::string w; words >> w;) args.push_back(w);
    args.push_back("--help");
    Outcome o = RunRaw(args);
    EXPECT_EQ(o.code, 0) << c.words;
    EXPECT_EQ(o.out.rfind("usage: meltanodata " + c.usage + "\n", 0), 0u) << o.out;
    for (const std::string& e : c.examples) EXPECT_NE(o.out.find("\n  " + e + "\n"), std::string::npos) << o.out;
  }
}

TEST(CliReference, CompletionAndManPageNameEveryCommand) {
  Outcome completion = RunRaw({"completion", "bash"});
  ASSERT_EQ(completion.code, 0);
  EXPECT_NE(completion.out.find("complete -F _meltanodata meltanodata"), std::string::npos);
  Outcome man = RunRaw({"manpage"});
  ASSERT_EQ(man.code, 0);
  EXPECT_EQ(man.out.rfind(".TH MELTANODATA 1", 0), 0u);
  for (const cli::Command& c : cli::Commands()) {
    std::string first = c.words.substr(0, c.words.find(' '));
    EXPECT_NE(completion.out.find(first), std::string::npos) << c.words;
    for (const cli::FlagSpec& f : c.flags) EXPECT_NE(completion.out.find(f.name), std::string::npos) << f.name;
    std::string roff;  // as the man page spells it: hyphens escaped
    for (char ch : c.usage) roff += ch == '-' ? std::string("\\-") : std::string(1, ch);
    EXPECT_NE(man.out.find(".B " + roff + "\n"), std::string::npos) << roff;
  }
  EXPECT_NE(completion.out.find("[flags]='list set unset'"), std::string::npos) << completion.out;
  EXPECT_EQ(RunRaw({"completion", "zsh"}).code, 2);
}

TEST(CliReference, ServeAndHaltAreNotClientVerbs) {
  Outcome o = RunRaw({"halt"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("run by the meltanodata binary itself"), std::string::npos) << o.err;
}

// A failed upgrade as the controller reports it: the health gate's error,
// with the app's last log lines, inside the operation's error.
Operation FailedUpgrade() {
  Operation op{.id = 7, .kind = "upgrade", .subdomain = "acme", .state = OperationState::kFailed};
  const std::string health = "demo 2.0 not healthy after 5 s: /healthz answered 503; last log lines:\n"
                             "app: starting\napp: \x1b[31mdatabase gone\n";
  op.error = "upgrade to 2.0 failed; rolled back to 1.0, which is serving; " + health;
  op.steps = {{.name = "switch_version", .state = StepState::kDone, .started_ms = 1000, .finished_ms = 1200},
              {.name = "wait_healthy", .state = StepState::kFailed, .error = health, .started_ms = 1200,
               .finished_ms = 6200}};
  return op;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(Progress, AFailedUpgradePrintsItsErrorAndTheAppsLogLinesOnce) {
  std::ostringstream out, err;
  {
    cli::Progress view(out, err, 0);
    Operation op = FailedUpgrade();
    view.Update("", op);
    EXPECT_EQ(view.Failed(op), 1);
  }
  EXPECT_EQ(out.str(), "  ✓ switch_version  0.20s\n  ✗ wait_healthy    5.00s\n");
  EXPECT_EQ(err.str(),
            "error: upgrade acme failed at step wait_healthy: upgrade to 2.0 failed; rolled back to 1.0, which is "
            "serving; demo 2.0 not healthy after 5 s: /healthz answered 503; last log lines: (details: `meltanodata "
            "ops show 7`)\n"
            "    app: starting\n"
            "    app: ?[31mdatabase gone\n")
      << "no terminal escape of the app reaches the operator's terminal";
  EXPECT_EQ(Count(out.str() + err.str(), "database gone"), 1u);
  EXPECT_EQ(Count(out.str() + err.str(), "answered 503"), 1u);
}

TEST(Progress, OnATerminalASpinnerShowsTheRunningStepAndIsErasedBeforeEachLine) {
  std::ostringstream out, err;
  cli::Progress view(out, err, 40);
  Operation op{.id = 3, .kind = "create", .subdomain = "acme", .state = OperationState::kRunning};
  op.steps = {{.name = "create_database", .state = StepState::kRunning, .started_ms = 1}};
  view.Update("", op);
  EXPECT_NE(out.str().find("\r\033[K"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("create_database 0.00s"), std::string::npos) << out.str();
  op.steps[0] = {.name = "create_database", .state = StepState::kDone, .started_ms = 1, .finished_ms = 301};
  op.state = OperationState::kSucceeded;
  op.finished_ms = 400;
  out.str("");
  view.Update("", op);
  view.Succeeded(op, "acme is running");
  EXPECT_EQ(out.str(), "\r\033[K  ✓ create_database  0.30s\n✓ acme is running (0.40s)\n") << "the spinner erased, nothing left";
}

TEST(Progress, OffATerminalOnlyPlainLines) {
  std::ostringstream out, err;
  cli::Progress view(out, err, 0);
  Operation op{.id = 3, .kind = "create", .subdomain = "acme", .state = OperationState::kRunning};
  op.steps = {{.name = "create_database", .state = StepState::kRunning, .started_ms = 1}};
  view.Update("", op);
  view.Tick();
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace md
