// The public listener under slow and oversized clients: a few clients that
// send their body slowly must not hold up the webhook and credential pages.

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "api/public_server.h"
#include "core/unix_http.h"

namespace md {
namespace {

using std::chrono::steady_clock;

// Answers every signup as admitted; never called for an unknown token shape.
class StubEndpoints final : public PublicEndpoints {
 public:
  Result<SignupReceipt> Signup(const SignupRequest&) override { return SignupReceipt{.signup_id = 1, .state = "provisioning"}; }
  Result<CredentialView> Credentials(const std::string&, bool, const std::string&) override {
    return CredentialView{.state = "unknown"};
  }
};

class PublicServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/md-public-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    socket_ = dir_ + "/public.sock";
    server_ = std::make_unique<PublicServer>(endpoints_, PublicServerSettings{.socket_path = socket_,
                                                                              .signup_secret = "s3cret"});
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override {
    for (int fd : slow_) close(fd);
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A client that sends its headers and a little of the body it announced, then nothing.
  int OpenSlowClient() {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    socket_.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    const std::string start = "POST /v1/signup HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"a\":";
    EXPECT_EQ(write(fd, start.data(), start.size()), static_cast<ssize_t>(start.size()));
    slow_.push_back(fd);
    return fd;
  }

  Result<HttpAnswer> CredentialPage(int timeout_ms) {
    return SendUnixHttp(socket_, {.target = "/v1/credentials/" + std::string(64, 'a'), .timeout_ms = timeout_ms});
  }

  StubEndpoints endpoints_;
  std::string dir_, socket_;
  std::unique_ptr<PublicServer> server_;
  std::vector<int> slow_;
};

TEST_F(PublicServerTest, AnswersWhileSeveralClientsSendTheirBodySlowly) {
  for (int i = 0; i < 8; ++i) OpenSlowClient();
  auto start = steady_clock::now();
  auto page = CredentialPage(2000);
  ASSERT_TRUE(page.ok()) << page.status().message();
  EXPECT_EQ(page->status, 404);
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(PublicServerTest, CutsOffAClientThatStopsSendingWithinSeconds) {
  int fd = OpenSlowClient();
  timeval wait{.tv_sec = 8, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
  auto start = steady_clock::now();
  char buf[512];
  ssize_t got = read(fd, buf, sizeof buf);  // its refusal, or the end of the connection
  auto took = steady_clock::now() - start;
  EXPECT_GE(got, 0) << "still open after 8 s";
  EXPECT_GE(took, std::chrono::seconds(2));
  EXPECT_LT(took, std::chrono::seconds(5)) << "the read timeout is about 3 s";
}

TEST_F(PublicServerTest, RefusesAnOversizedBodyWith413) {
  auto answer = SendUnixHttp(socket_, {.method = "POST",
                                       .target = "/v1/signup",
                                       .body = std::string(kMaxSignupBodyBytes + 1, 'x'),
                                       .content_type = "application/json"});
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ(answer->status, 413);
}

}  // namespace
}  // namespace md
