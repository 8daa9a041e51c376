// SmtpMailer against a real SMTP server (aiosmtpd, tests/support/smtp_server.py)
// that requires STARTTLS and AUTH: a message goes out encrypted and logged
// in; a wrong password, a certificate of another CA and a server that is down
// each give a clear error that never quotes the password.

#include "drivers/mail/smtp_mailer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "core/files.h"
#include "core/random.h"
#include "drivers/certs/local_ca.h"
#include "../support/pebble_fixture.h"
#include "../support/postgres_fixture.h"

namespace md {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A file's text, or "" if it cannot be read.
std::string Slurp(const std::string& path) {
  auto text = ReadFile(path);
  return text.ok() ? *text : "";
}

const char kMessage[] = "From: a@example.test\r\nTo: b@example.test\r\nSubject: hello\r\n\r\nhi there\r\n";

class SmtpMailerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("md-smtp-" + RandomHex(6));
    fs::create_directories(dir_ / "out");
    LocalCa ca((dir_ / "ca").string());
    ASSERT_TRUE(ca.Ensure().ok());
    auto leaf = ca.Issue({"localhost"});
    ASSERT_TRUE(leaf.ok()) << leaf.status().message();
    ASSERT_TRUE(WriteFileAtomic(path("cert.pem"), leaf->cert_pem, 0600).ok());
    ASSERT_TRUE(WriteFileAtomic(path("key.pem"), leaf->key_pem, 0600).ok());
    ASSERT_TRUE(WriteFileAtomic(path("root.pem"), *ca.RootPem(), 0644).ok());
    password_ = "pw-" + RandomHex(8);
    ASSERT_TRUE(WriteFileAtomic(path("password"), password_, 0600).ok());
    port_ = test::FreeTcpPort();
    auto server = test::ChildProcess::Start(
        {"/usr/bin/python3", (fs::path(__FILE__).parent_path().parent_path() / "support/smtp_server.py").string(), std::to_string(port_),
         path("out"), path("cert.pem"), path("key.pem"), path("password")},
        {}, path("server.log"));
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(*server);
    for (int i = 0; i < 100 && Slurp(path("server.log")).find("ready") == std::string::npos; ++i) {
      std::this_thread::sleep_for(50ms);
    }
    ASSERT_NE(Slurp(path("server.log")).find("ready"), std::string::npos)
        << Slurp(path("server.log"));
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  SmtpSettings Settings() const {
    return {.host = "localhost", .port = port_, .username = "md", .password = password_, .starttls = true,
            .ca_file = path("root.pem"), .timeout_ms = 10000};
  }
  // What the server received: each message's login and bytes.
  std::vector<std::pair<std::string, std::string>> Received() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& e : fs::directory_iterator(dir_ / "out")) {
      if (e.path().extension() != ".eml") continue;
      fs::path login = e.path();
      login.replace_extension(".login");
      out.emplace_back(Slurp(login.string()), Slurp(e.path().string()));
    }
    return out;
  }

  fs::path dir_;
  std::string password_;
  int port_ = 0;
  std::unique_ptr<test::ChildProcess> server_;
};

TEST_F(SmtpMailerTest, SendsOverStartTlsWithAuth) {
  Status sent = SmtpMailer(Settings()).Send("a@example.test", "b@example.test", kMessage);
  ASSERT_TRUE(sent.ok()) << sent.message();
  auto received = Received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].first, "md") << "not logged in";
  EXPECT_NE(received[0].second.find("hi there"), std::string::npos);
}

TEST_F(SmtpMailerTest, AWrongPasswordIsRefusedWithoutQuotingIt) {
  SmtpSettings s = Settings();
  s.password = "wrong-" + RandomHex(8);
  Status sent = SmtpMailer(s).Send("a@example.test", "b@example.test", kMessage);
  EXPECT_EQ(sent.code(), Code::kFailedPrecondition) << sent.message();
  EXPECT_EQ(sent.message().find(s.password), std::string::npos);
  EXPECT_TRUE(Received().empty());
}

TEST_F(SmtpMailerTest, ACertificateOfAnotherCaIsRefusedBeforeTheLogin) {
  SmtpSettings s = Settings();
  LocalCa other(path("other-ca"));
  ASSERT_TRUE(other.Ensure().ok());
  ASSERT_TRUE(WriteFileAtomic(path("other-root.pem"), *other.RootPem(), 0644).ok());
  s.ca_file = path("other-root.pem");
  Status sent = SmtpMailer(s).Send("a@example.test", "b@example.test", kMessage);
  EXPECT_FALSE(sent.ok());
  EXPECT_EQ(sent.message().find(password_), std::string::npos);
  EXPECT_TRUE(Received().empty());
}

TEST_F(SmtpMailerTest, AServerThatIsDownIsUnavailableSoTheStepIsRetried) {
  server_.reset();
  std::this_thread::sleep_for(200ms);
  Status sent = SmtpMailer(Settings()).Send("a@example.test", "b@example.test", kMessage);
  EXPECT_EQ(sent.code(), Code::kUnavailable) << sent.message();
}

}  // namespace
}  // namespace md
