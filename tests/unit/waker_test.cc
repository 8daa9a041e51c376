// The waker against apps that are test servers on unix sockets, started and
// stopped by a fake AppControl: relaying, sleeping when idle, waking on a
// request that waits meanwhile, a wake that fails, an operator's stop, and
// entries that come, change, go or are hostile.

#include "waker/waker.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "core/files.h"
#include "eventually.h"
#include "core/random.h"
#include "core/unix_http.h"
#include "core/unix_http_server.h"

namespace md {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

using test::Eventually;

// An app: an HTTP server on a unix socket, answering "hello from NAME".
class TestApp {
 public:
  TestApp(std::string name, std::string path) : name_(std::move(name)), path_(std::move(path)) {}
  ~TestApp() { Stop(); }
  void Start() {
    std::lock_guard lock(mu_);
    if (server_) return;
    server_ = std::make_unique<UnixServer>();
    server_->Get("/", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content("hello from " + name_, "text/plain");
    });
    server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
    std::string error;
    ASSERT_TRUE(server_->BindUnix(path_, &error)) << error;
    thread_ = std::thread([s = server_.get()] { s->listen_after_bind(); });
  }
  void Stop() {
    std::lock_guard lock(mu_);
    if (!server_) return;
    server_->stop();
    thread_.join();
    server_.reset();
    unlink(path_.c_str());
  }
  bool running() {
    std::lock_guard lock(mu_);
    return server_ != nullptr;
  }

 private:
  const std::string name_;
  const std::string path_;
  std::mutex mu_;
  std::unique_ptr<UnixServer> server_;
  std::thread thread_;
};

// Starts and stops the TestApp of the entry's subdomain, as s6 would.
class FakeApps final : public AppControl {
 public:
  Result<int> Connect(const WakeEntry& e) override { return ConnectUnixSocket(e.app_socket, std::nullopt, 0); }
  Status Wake(const WakeEntry& e) override {
    ++wakes;
    std::this_thread::sleep_for(start_delay);
    if (!can_start) return Unavailable(e.subdomain + " was not healthy within 1 s: it crashed");
    apps.at(e.subdomain)->Start();
    return Status::Ok();
  }
  Status Sleep(const WakeEntry& e) override {
    ++sleeps;
    apps.at(e.subdomain)->Stop();
    return Status::Ok();
  }

  std::map<std::string, TestApp*> apps;
  std::atomic<int> wakes{0};
  std::atomic<int> sleeps{0};
  std::atomic<bool> can_start{true};
  std::chrono::milliseconds start_delay{300};
};

class WakerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/md-wk-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    fs::create_directories(dir_ + "/front/acme");
    apps_.apps["acme"] = &app_;
  }
  void TearDown() override {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    waker_.reset();
    fs::remove_all(dir_);
  }
  void StartWaker() {
    waker_ = std::make_unique<Waker>(
        Waker::Settings{.tenants_dir = dir_ + "/tenants", .asleep_dir = dir_ + "/asleep", .tick = 50ms}, apps_);
    thread_ = std::thread([this] { ASSERT_TRUE(waker_->Run(stop_).ok()); });
  }
  WakeEntry Entry() const {
    return {.subdomain = "acme",
            .listen_socket = dir_ + "/front/acme/http.sock",
            .app_socket = app_path_,
            .service_dir = "/nowhere/tenant-acme",
            .uid = 4242,
            .gid = 4242,
            .idle_after_s = 0,
            .start_timeout_s = 1};
  }
  void Register(const WakeEntry& e) {
    fs::create_directories(dir_ + "/tenants");
    ASSERT_TRUE(WriteFileAtomic(dir_ + "/tenants/" + e.subdomain, RenderWakeEntry(e), 0600).ok());
  }
  bool Listening(const WakeEntry& e) { return ConnectUnixSocket(e.listen_socket, std::nullopt, 0).ok(); }
  // GET / through the waker.
  Result<HttpAnswer> Get(const WakeEntry& e) { return SendUnixHttp(e.listen_socket, {.timeout_ms = 5000}); }
  bool Asleep() { return fs::exists(dir_ + "/asleep/acme"); }

  std::string dir_;
  const std::string app_path_ = "/tmp/md-wk-app-" + RandomHex(4) + ".sock";
  TestApp app_{"acme", app_path_};
  FakeApps apps_;
  std::atomic<bool> stop_{false};
  std::unique_ptr<Waker> waker_;
  std::thread thread_;
};

TEST_F(WakerTest, RelaysToARunningAppThenPutsItToSleepWhenIdle) {
  WakeEntry e = Entry();
  app_.Start();
  e.idle_after_s = 1;
  Register(e);
  StartWaker();
  ASSERT_TRUE(Eventually([&] { return Listening(e); }));
  auto answer = Get(e);
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, "hello from acme");
  EXPECT_FALSE(Asleep());
  ASSERT_TRUE(Eventually([&] { return Asleep(); }, 3000ms)) << "a second without a request";
  EXPECT_EQ(apps_.sleeps.load(), 1);
  EXPECT_FALSE(app_.running());
  EXPECT_EQ(apps_.wakes.load(), 0);
}

TEST_F(WakerTest, ARequestToAnAsleepAppWaitsForItToStartAndIsServed) {
  WakeEntry e = Entry();
  Register(e);
  StartWaker();
  ASSERT_TRUE(Eventually([&] { return Listening(e); }));
  std::vector<std::thread> clients;
  std::atomic<int> served{0};
  for (int i = 0; i < 5; ++i) {
    clients.emplace_back([&] {
      auto answer = Get(e);
      if (answer.ok() && answer->status == 200 && answer->body == "hello from acme") ++served;
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(served.load(), 5) << "every request that came while it started was served, none refused";
  EXPECT_EQ(apps_.wakes.load(), 1) << "one wake for all of them";
  EXPECT_TRUE(app_.running());
  EXPECT_FALSE(Asleep());
}

TEST_F(WakerTest, AnAppThatDoesNotStartIsAnsweredWithAPageAndNotRetriedAtOnce) {
  apps_.can_start = false;
  WakeEntry e = Entry();
  Register(e);
  StartWaker();
  ASSERT_TRUE(Eventually([&] { return Listening(e); }));
  auto answer = Get(e);
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ(answer->status, 503);
  EXPECT_NE(answer->body.find("could not be started"), std::string::npos) << answer->body;
  auto again = Get(e);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 503);
  EXPECT_EQ(apps_.wakes.load(), 1) << "no second try for " << Waker::kRetryAfterFailedWake.count() << " s";
}

TEST_F(WakerTest, AnInstanceAnOperatorStoppedIsNeverWoken) {
  WakeEntry e = Entry();
  e.wakeable = false;
  Register(e);
  StartWaker();
  ASSERT_TRUE(Eventually([&] { return Listening(e); }));
  auto answer = Get(e);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->status, 503);
  EXPECT_NE(answer->body.find("stopped"), std::string::npos);
  EXPECT_EQ(apps_.wakes.load(), 0);

  e.wakeable = true;  // `start`: the controller starts the app and says so
  app_.Start();
  Register(e);
  ASSERT_TRUE(Eventually([&] {
    auto a = Get(e);
    return a.ok() && a->status == 200;
  }));
  EXPECT_EQ(apps_.wakes.load(), 0) << "it was running already";
}

TEST_F(WakerTest, EntriesThatComeGoOrAreHostile) {
  StartWaker();
  WakeEntry e = Entry();
  Register(e);
  ASSERT_TRUE(Eventually([&] { return Listening(e); })) << "an entry added while it runs is served";

  ASSERT_TRUE(WriteFileAtomic(dir_ + "/tenants/other", RenderWakeEntry(e), 0600).ok());  // names acme
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/tenants/junk", "{not json", 0600).ok());
  fs::create_directories(dir_ + "/front/evil");
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/front/evil/http.sock", "a file, not a socket", 0600).ok());
  WakeEntry evil = Entry();
  evil.subdomain = "evil";
  evil.listen_socket = dir_ + "/front/evil/http.sock";
  Register(evil);
  std::this_thread::sleep_for(300ms);
  auto kept = ReadFile(evil.listen_socket);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(*kept, "a file, not a socket") << "what is not a socket is kept";
  EXPECT_TRUE(Listening(e)) << "the others are served on";

  fs::remove(dir_ + "/tenants/acme");
  ASSERT_TRUE(Eventually([&] { return !fs::exists(e.listen_socket); })) << "a removed entry's socket goes";
}

}  // namespace
}  // namespace md
