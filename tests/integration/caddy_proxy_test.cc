// CaddyProxy against a real Caddy 2.6 (`caddy` in PATH), started from the run
// script it renders, with its state dir in a temporary folder and free
// loopback ports; two cpp-httplib upstreams; certificates from throwaway CAs
// made with the openssl CLI. Clients are libcurl, with every name resolved to
// 127.0.0.1. Caddy runs with HOME and cwd in a folder that must stay empty.

#include <curl/curl.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../support/postgres_fixture.h"
#include "core/files.h"
#include "core/process.h"
#include "core/random.h"
#include "core/unix_http_server.h"
#include "drivers/proxy/caddy_proxy.h"

namespace md {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string Slurp(const std::string& path) {
  auto r = ReadFile(path);
  return r.ok() ? *r : "";
}

// A temporary directory, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "caddy_proxy_test.XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Throwaway CAs and leaves (P-256), made with the openssl CLI in `dir`.
class TestPki {
 public:
  explicit TestPki(std::string dir) : dir_(std::move(dir)) { EXPECT_TRUE(EnsureDirectory(dir_, 0700).ok()); }

  // A CA whose subject CN is `name`; its certificate is appended to bundle().
  void MakeCa(const std::string& name) {
    Run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days",
         "2", "-subj", "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
         "keyUsage=critical,keyCertSign", "-keyout", Path(name + ".key"), "-out", Path(name + ".pem")});
    bundle_ += Slurp(Path(name + ".pem"));
    ASSERT_TRUE(WriteFileAtomic(bundle(), bundle_, 0644).ok());
  }

  // A leaf with subject CN `name` for *.example.test and example.test, signed by `ca`.
  ProxyCertificate MakeLeaf(const std::string& ca, const std::string& name) {
    std::string ext = Path(name + ".ext");
    EXPECT_TRUE(WriteFileAtomic(ext,
                                "subjectAltName=DNS:*.example.test,DNS:example.test\n"
                                "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
                                0600)
                    .ok());
    Run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj",
         "/CN=" + name, "-keyout", Path(name + ".key"), "-out", Path(name + ".csr")});
    Run({"openssl", "x509", "-req", "-in", Path(name + ".csr"), "-CA", Path(ca + ".pem"), "-CAkey",
         Path(ca + ".key"), "-set_serial", std::to_string(++serial_), "-days", "2", "-extfile", ext, "-out",
         Path(name + ".pem")});
    return {.cert_pem = Slurp(Path(name + ".pem")), .key_pem = Slurp(Path(name + ".key"))};
  }

  std::string bundle() const { return dir_ + "/bundle.pem"; }

 private:
  std::string Path(const std::string& file) const { return dir_ + "/" + file; }
  void Run(const std::vector<std::string>& argv) {
    auto r = RunChecked(argv);
    ASSERT_TRUE(r.ok()) << r.status().message();
  }

  std::string dir_;
  std::string bundle_;
  int serial_ = 4000;
};

// An HTTP upstream on a unix socket of its own, answering its name.
class Upstream {
 public:
  explicit Upstream(const std::string& name, std::string path = "/tmp/md-upstream-" + RandomHex(6) + ".sock")
      : path_(std::move(path)) {
    server_.new_task_queue = [] { return new httplib::ThreadPool(16); };
    server_.set_keep_alive_max_count(100000);
    server_.Get("/", [name](const httplib::Request&, httplib::Response& res) { res.set_content(name, "text/plain"); });
    server_.Get("/slow", [name](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(1500ms);
      res.set_content(name, "text/plain");
    });
    server_.Get("/headers", [name](const httplib::Request& req, httplib::Response& res) {
      res.set_content(name + " " + req.get_header_value("X-Forwarded-Proto") + " " +
                          req.get_header_value("X-Forwarded-Host") + " " + req.get_header_value("X-Forwarded-For"),
                      "text/plain");
    });
    std::string error;
    if (!server_.BindUnix(path_, &error)) throw std::runtime_error(error);  // listening from here on
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // A stop() before the loop runs would not end it.
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~Upstream() {
    server_.stop();
    thread_.join();
    unlink(path_.c_str());
  }
  std::string address() const { return "unix/" + path_; }

 private:
  std::string path_;
  UnixServer server_;
  std::thread thread_;
};

struct Response {
  CURLcode code = CURLE_OK;
  long status = 0;  // 0: no HTTP response (see error)
  std::string body;
  std::string location;
  std::string subject;  // of the server's certificate
  std::string issuer;
  long connects = 0;  // new connections this request made
  std::string error;

  // The connection was up but closed, or the request refused (HTTP/2
  // GOAWAY), before any response: what browsers retry.
  bool NoResponseOnOpenConnection() const {
    return code == CURLE_GOT_NOTHING || code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR || code == CURLE_HTTP2 ||
           code == CURLE_HTTP2_STREAM;
  }
};

// A libcurl client trusting `ca_bundle`. Over TLS, ALPN picks HTTP/2 unless
// the mode says HTTP/1.1.
class Client {
 public:
  enum class Mode { kKeepAlive, kKeepAliveHttp1, kFreshConnections };

  explicit Client(const std::string& ca_bundle, Mode mode = Mode::kKeepAlive)
      : curl_(curl_easy_init(), curl_easy_cleanup),
        connect_to_(curl_slist_append(nullptr, "::127.0.0.1:"), curl_slist_free_all) {
    CURL* c = curl_.get();
    curl_easy_setopt(c, CURLOPT_CAINFO, ca_bundle.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect_to_.get());
    curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t n, void* out) {
      static_cast<std::string*>(out)->append(data, size * n);
      return size * n;
    });
    if (mode == Mode::kKeepAliveHttp1) curl_easy_setopt(c, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
    if (mode == Mode::kFreshConnections) {
      curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
      curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    }
  }

  Response Get(const std::string& url, const std::vector<std::string>& extra_headers = {}) {
    Response r;
    CURL* c = curl_.get();
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, curl_slist_free_all);
    for (const std::string& h : extra_headers) headers.reset(curl_slist_append(headers.release(), h.c_str()));
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    r.code = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &r.connects);
    if (r.code != CURLE_OK) {
      r.error = curl_easy_strerror(r.code);
      return r;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    char* location = nullptr;
    curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location);
    if (location) r.location = location;
    curl_certinfo* certs = nullptr;
    curl_easy_getinfo(c, CURLINFO_CERTINFO, &certs);
    if (certs && certs->num_of_certs > 0) {
      for (curl_slist* field = certs->certinfo[0]; field; field = field->next) {
        std::string f = field->data;
        if (f.starts_with("Subject:")) r.subject = f.substr(8);
        if (f.starts_with("Issuer:")) r.issuer = f.substr(7);
      }
    }
    return r;
  }

 private:
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl_;
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> connect_to_;
};

// `sh RUN_SCRIPT` in its own process group, with HOME and cwd in `outside`
// and its output appended to `log`; stopped (SIGTERM, then SIGKILL) at the end.
class CaddyProcess {
 public:
  CaddyProcess(const std::string& run_script, const std::string& outside, const std::string& log) {
    std::vector<std::string> env = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + outside};
    std::vector<char*> c_env;
    for (auto& e : env) c_env.push_back(e.data());
    c_env.push_back(nullptr);
    int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      if (chdir(outside.c_str()) != 0) _exit(126);
      dup2(out, STDOUT_FILENO);
      dup2(out, STDERR_FILENO);
      execle("/bin/sh", "sh", run_script.c_str(), static_cast<char*>(nullptr), c_env.data());
      _exit(127);
    }
    setpgid(pid_, pid_);
    close(out);
  }
  ~CaddyProcess() { Stop(); }

  // `signal` first (SIGKILL: as if it crashed), then SIGKILL after 10 s.
  void Stop(int signal = SIGTERM) {
    if (pid_ <= 0) return;
    kill(-pid_, signal);
    auto deadline = Clock::now() + 10s;
    while (waitpid(pid_, nullptr, WNOHANG) == 0) {
      if (Clock::now() >= deadline) kill(-pid_, SIGKILL);
      std::this_thread::sleep_for(10ms);
    }
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

class CaddyProxyTest : public ::testing::Test {
 protected:
  // Caddy (2.6 and later) opens a new SO_REUSEPORT listener on each reload
  // and closes the old one; unless net.ipv4.tcp_migrate_req is 1, the kernel
  // resets the connections still queued on the old one. The host must set
  // it; the tests set it in a network namespace of their own (as root), where
  // every port is free, before any thread starts.
  static void SetUpTestSuite() {
    ASSERT_EQ(unshare(CLONE_NEWNET), 0) << "unshare(CLONE_NEWNET) needs root: " << strerror(errno);
    auto lo = RunChecked({"ip", "link", "set", "lo", "up"});
    ASSERT_TRUE(lo.ok()) << lo.status().message();
    std::ofstream("/proc/sys/net/ipv4/tcp_migrate_req") << "1\n";
    ASSERT_EQ(Slurp("/proc/sys/net/ipv4/tcp_migrate_req"), "1\n");
  }

  void SetUp() override {
    ASSERT_TRUE(RunChecked({"caddy", "version"}).ok()) << "caddy 2.6 must be in PATH";
    fs::create_directories(outside());
    settings_.state_dir = tmp_.path() + "/state";
    settings_.admin_socket = settings_.state_dir + "/admin.sock";
    settings_.bind_addresses = {"127.0.0.1"};
    settings_.https_port = test::FreeTcpPort();
    do settings_.http_port = test::FreeTcpPort();
    while (settings_.http_port == settings_.https_port);
    pki_.MakeCa("md-test-ca-1");
    pki_.MakeCa("md-test-ca-2");
    cert1_ = pki_.MakeLeaf("md-test-ca-1", "md-test-leaf-1");
    cert2_ = pki_.MakeLeaf("md-test-ca-2", "md-test-leaf-2");
    ASSERT_TRUE(WriteInitialConfig(settings_).ok());
    ASSERT_TRUE(WriteFileAtomic(run_script(), RenderCaddyRunScript(settings_), 0700).ok());
    proxy_ = std::make_unique<CaddyProxy>(settings_);
    ASSERT_NO_FATAL_FAILURE(StartCaddy());
  }

  void TearDown() override {
    caddy_.reset();
    EXPECT_TRUE(fs::is_empty(outside())) << "caddy wrote outside its state dir";
    if (HasFailure()) std::cerr << "--- caddy output (last line): " << LastLine(Slurp(log_path())) << "\n";
  }

  void StartCaddy() {
    caddy_ = std::make_unique<CaddyProcess>(run_script(), outside(), log_path());
    auto deadline = Clock::now() + 10s;
    while (!proxy_->Ping().ok()) {
      ASSERT_LT(Clock::now(), deadline) << "caddy did not answer: " << LastLine(Slurp(log_path()));
      std::this_thread::sleep_for(20ms);
    }
  }

  std::string outside() const { return tmp_.path() + "/outside"; }
  std::string run_script() const { return tmp_.path() + "/run"; }
  std::string log_path() const { return tmp_.path() + "/caddy.log"; }
  std::string Https(const std::string& host, const std::string& path = "/") const {
    return "https://" + host + ":" + std::to_string(settings_.https_port) + path;
  }
  std::string Http(const std::string& host, const std::string& path) const {
    return "http://" + host + ":" + std::to_string(settings_.http_port) + path;
  }

  // a.example.test -> A, b.example.test -> B, served with cert1_.
  ProxyConfig TwoRoutes() const {
    return {.routes = {{.hosts = {"a.example.test"}, .upstream = a_.address()},
                       {.hosts = {"b.example.test"}, .upstream = b_.address()}},
            .certificates = {cert1_}};
  }

  TempDir tmp_;
  TestPki pki_{tmp_.path() + "/pki"};
  Upstream a_{"A"};
  Upstream b_{"B"};
  CaddySettings settings_;
  ProxyCertificate cert1_, cert2_;
  std::unique_ptr<CaddyProxy> proxy_;
  std::unique_ptr<CaddyProcess> caddy_;
};

TEST_F(CaddyProxyTest, RoutesEachHostToItsUpstream) {
  ASSERT_TRUE(proxy_->Apply(TwoRoutes()).ok());
  Client client(pki_.bundle());
  Response a = client.Get(Https("a.example.test"));
  EXPECT_EQ(a.status, 200) << a.error;
  EXPECT_EQ(a.body, "A");
  EXPECT_NE(a.subject.find("md-test-leaf-1"), std::string::npos) << a.subject;  // the wildcard serves a.example.test
  Response b = client.Get(Https("b.example.test"));
  EXPECT_EQ(b.status, 200) << b.error;
  EXPECT_EQ(b.body, "B");
  // Caddy sets X-Forwarded-* itself and ignores a client's X-Forwarded-For.
  Response headers = client.Get(Https("a.example.test", "/headers"), {"X-Forwarded-For: 6.6.6.6"});
  EXPECT_EQ(headers.body, "A https a.example.test:" + std::to_string(settings_.https_port) + " 127.0.0.1");
}

TEST_F(CaddyProxyTest, OneRouteServesEachSubdomainAtItsOwnSocketWithNoChangeForANewOne) {
  // Short enough for a socket path with a subdomain of 63 bytes.
  TempDir short_dir;
  const std::string root = short_dir.path() + "/s";
  for (const char* sub : {"a", "b-2", "idle", "c"}) fs::create_directories(root + "/" + sub);
  Upstream a("A", root + "/a/app.sock");
  Upstream b("B", root + "/b-2/app.sock");
  ProxyConfig config{.routes = {{.hosts = {"*.example.test"}, .upstream = "unix/" + root + "/{subdomain}/app.sock"}},
                     .certificates = {cert1_}};
  Status applied = proxy_->Apply(config);
  ASSERT_TRUE(applied.ok()) << applied.ToString();
  Client client(pki_.bundle());
  EXPECT_EQ(client.Get(Https("a.example.test")).body, "A");
  EXPECT_EQ(client.Get(Https("b-2.example.test")).body, "B");
  Response idle = client.Get(Https("idle.example.test"));
  EXPECT_EQ(idle.status, 502) << "a socket directory but no app";
  EXPECT_EQ(idle.body, "the app at this address is not answering\n");
  Response gone = client.Get(Https("gone.example.test"));
  EXPECT_EQ(gone.status, 404) << "no socket directory: no such instance";
  EXPECT_EQ(gone.body, "no such instance\n");
  EXPECT_EQ(client.Get(Https("a.example.test"), {"Host: A.example.test"}).status, 404)
      << "only a subdomain's own spelling becomes a path";
  EXPECT_EQ(client.Get(Https("a.example.test"), {"Host: x.a.example.test"}).status, 404) << "one label only";

  Upstream c("C", root + "/c/app.sock");
  EXPECT_EQ(client.Get(Https("c.example.test")).body, "C") << "a new instance is served with no change of the proxy";
}

TEST_F(CaddyProxyTest, UnknownHostGets404) {
  ASSERT_TRUE(proxy_->Apply(TwoRoutes()).ok());
  Response r = Client(pki_.bundle()).Get(Https("c.example.test"));
  EXPECT_EQ(r.status, 404) << r.error;
  EXPECT_EQ(r.body, "no such instance\n");
}

TEST_F(CaddyProxyTest, HttpPortRedirectsToHttps) {
  ASSERT_TRUE(proxy_->Apply(TwoRoutes()).ok());
  Response r = Client(pki_.bundle()).Get(Http("a.example.test", "/some/page?x=1"));
  EXPECT_EQ(r.status, 301) << r.error;
  EXPECT_EQ(r.location, Https("a.example.test", "/some/page?x=1"));
}

TEST_F(CaddyProxyTest, AnswersHttpChallengeWithTheKeyAuthorization) {
  ProxyConfig config = TwoRoutes();
  config.challenges = {{.host = "shop.example.test", .token = "Tok-en_1", .key_authorization = "Tok-en_1.Th-umb_2"}};
  ASSERT_TRUE(proxy_->Apply(config).ok());
  Client client(pki_.bundle());
  Response r = client.Get(Http("shop.example.test", "/.well-known/acme-challenge/Tok-en_1"));
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "Tok-en_1.Th-umb_2");
  EXPECT_EQ(client.Get(Http("shop.example.test", "/.well-known/acme-challenge/other")).status, 301);
  EXPECT_EQ(client.Get(Http("a.example.test", "/.well-known/acme-challenge/Tok-en_1")).status, 301);
}

TEST_F(CaddyProxyTest, ServesAReplacedCertificate) {
  ASSERT_TRUE(proxy_->Apply(TwoRoutes()).ok());
  Response before = Client(pki_.bundle()).Get(Https("a.example.test"));
  EXPECT_NE(before.issuer.find("md-test-ca-1"), std::string::npos) << before.issuer << before.error;
  ProxyConfig config = TwoRoutes();
  config.certificates = {cert2_};
  ASSERT_TRUE(proxy_->Apply(config).ok());
  Response after = Client(pki_.bundle()).Get(Https("a.example.test"));
  EXPECT_EQ(after.status, 200) << after.error;
  EXPECT_NE(after.subject.find("md-test-leaf-2"), std::string::npos) << after.subject;
  EXPECT_NE(after.issuer.find("md-test-ca-2"), std::string::npos) << after.issuer;
}

TEST_F(CaddyProxyTest, RemovedRouteGets404) {
  ASSERT_TRUE(proxy_->Apply(TwoRoutes()).ok());
  ProxyConfig config = TwoRoutes();
  config.routes.pop_back();
  ASSERT_TRUE(proxy_->Apply(config).ok());
  Client client(pki_.bundle());
  EXPECT_EQ(client.Get(Https("a.example.test")).body, "A");
  EXPECT_EQ(client.Get(Https("b.example.test")).status, 404);
}

// A reload closes idle keep-alive connections; re-applying the same config
// must not reload, so the client's connection survives it.
TEST_F(CaddyProxyTest, ReapplyingTheSameConfigChangesNothing) {
  ASSERT_TRUE(proxy_->Apply(TwoRoutes()).ok());
  struct stat before {};
  ASSERT_EQ(stat(settings_.config_file().c_str(), &before), 0);
  Client client(pki_.bundle());
  EXPECT_EQ(client.Get(Https("a.example.test")).connects, 1);
  ASSERT_TRUE(proxy_->Apply(TwoRoutes()).ok());
  std::this_thread::sleep_for(300ms);
  Response same = client.Get(Https("a.example.test"));
  EXPECT_EQ(same.status, 200) << same.error;
  EXPECT_EQ(same.connects, 0) << "the same config reloaded caddy";
  struct stat after {};
  ASSERT_EQ(stat(settings_.config_file().c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino) << "the config file was rewritten";

  ProxyConfig changed = TwoRoutes();
  changed.routes.pop_back();
  ASSERT_TRUE(proxy_->Apply(changed).ok());
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(client.Get(Https("a.example.test")).connects, 1) << "a real change did not reload caddy";
}

// Each reload closes the old servers gracefully: requests in flight finish,
// idle HTTP/1.1 keep-alive connections are closed and HTTP/2 connections get
// a GOAWAY. A request sent just as its connection closed, or refused by the
// GOAWAY, gets no response; clients retry those (RFC 9112 9.3.1, RFC 9113
// 8.7), and so do these loops, once. Nothing else may fail: no connection
// refused or reset, no TLS handshake failure, no error status.
TEST_F(CaddyProxyTest, KeepsServingWhileRoutesChange) {
  ASSERT_TRUE(proxy_->Apply(TwoRoutes()).ok());
  struct Loop {
    Client::Mode mode;
    std::string host, want;
    int ok = 0, retried = 0;
    std::vector<std::string> failures;
  };
  std::vector<Loop> loops = {{Client::Mode::kKeepAlive, "a.example.test", "A"},
                             {Client::Mode::kKeepAliveHttp1, "a.example.test", "A"},
                             {Client::Mode::kFreshConnections, "b.example.test", "B"}};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (Loop& loop : loops) {
    threads.emplace_back([&] {
      Client client(pki_.bundle(), loop.mode);
      while (!stop) {
        Response r = client.Get(Https(loop.host));
        if (r.NoResponseOnOpenConnection()) {
          ++loop.retried;
          r = client.Get(Https(loop.host));
        }
        if (r.status == 200 && r.body == loop.want) {
          ++loop.ok;
        } else {
          loop.failures.push_back(std::to_string(r.status) + " " + r.error);
        }
      }
    });
  }
  Response slow;
  threads.emplace_back([&] { slow = Client(pki_.bundle()).Get(Https("a.example.test", "/slow")); });
  std::this_thread::sleep_for(200ms);

  double apply_ms_max = 0;
  for (int i = 0; i < 20; ++i) {
    ProxyConfig config = TwoRoutes();
    config.routes.push_back({.hosts = {"x" + std::to_string(i) + ".example.test"}, .upstream = a_.address()});
    if (i % 2 == 1) config.routes.push_back({.hosts = {"y.example.test"}, .upstream = b_.address()});
    auto start = Clock::now();
    ASSERT_TRUE(proxy_->Apply(config).ok());
    apply_ms_max = std::max(apply_ms_max, std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    std::this_thread::sleep_for(50ms);
  }
  std::this_thread::sleep_for(200ms);
  stop = true;
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(slow.status, 200) << "request in flight across the reloads: " << slow.error;
  EXPECT_EQ(slow.body, "A");
  for (const Loop& loop : loops) {
    EXPECT_TRUE(loop.failures.empty()) << loop.failures.size() << " failures, first: " << loop.failures[0];
    EXPECT_GT(loop.ok, 20);
    EXPECT_LE(loop.retried, 20) << "more retries than reloads";
  }
  RecordProperty("apply_ms_max", std::to_string(apply_ms_max));
  RecordProperty("requests_h2_h1_fresh", std::to_string(loops[0].ok) + " " + std::to_string(loops[1].ok) + " " +
                                             std::to_string(loops[2].ok));
  RecordProperty("retried_h2_h1_fresh", std::to_string(loops[0].retried) + " " + std::to_string(loops[1].retried) +
                                            " " + std::to_string(loops[2].retried));
}

TEST_F(CaddyProxyTest, CaddyDownIsUnavailable) {
  EXPECT_TRUE(proxy_->Ping().ok());
  caddy_->Stop();
  EXPECT_EQ(proxy_->Ping().code(), Code::kUnavailable);
  EXPECT_EQ(proxy_->Apply(TwoRoutes()).code(), Code::kUnavailable);
}

TEST_F(CaddyProxyTest, RejectedConfigKeepsThePreviousOneServing) {
  ASSERT_TRUE(proxy_->Apply(TwoRoutes()).ok());
  std::string saved = Slurp(settings_.config_file());
  ProxyConfig bad = TwoRoutes();
  bad.routes.push_back({.hosts = {"n.example.test"}, .upstream = b_.address()});
  bad.certificates = {{.cert_pem = cert1_.cert_pem, .key_pem = cert2_.key_pem}};  // the key does not match
  Status s = proxy_->Apply(bad);
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_NE(s.message().find("caddy refused the config"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("PRIVATE KEY"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find('\n'), std::string::npos) << s.message();
  Client client(pki_.bundle());
  EXPECT_EQ(client.Get(Https("a.example.test")).body, "A");
  EXPECT_EQ(client.Get(Https("n.example.test")).status, 404);
  EXPECT_EQ(Slurp(settings_.config_file()), saved);
}

TEST_F(CaddyProxyTest, CaddyRestartedAfterACrashServesTheLastAppliedConfig) {
  ASSERT_TRUE(proxy_->Apply(TwoRoutes()).ok());
  caddy_->Stop(SIGKILL);  // leaves its admin socket behind
  ASSERT_NO_FATAL_FAILURE(StartCaddy());
  Response r = Client(pki_.bundle()).Get(Https("b.example.test"));
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "B");
}

TEST_F(CaddyProxyTest, KeepsItsFilesPrivateInItsStateDir) {
  ASSERT_TRUE(proxy_->Apply(TwoRoutes()).ok());
  EXPECT_EQ(Client(pki_.bundle()).Get(Https("a.example.test")).body, "A");
  EXPECT_EQ(fs::status(settings_.state_dir).permissions(), fs::perms::owner_all);
  EXPECT_EQ(fs::status(settings_.config_file()).permissions(), fs::perms::owner_read | fs::perms::owner_write);
  // The admin socket is made under umask 077: only its owner may connect.
  EXPECT_EQ(fs::status(settings_.admin_socket).permissions() & (fs::perms::group_all | fs::perms::others_all),
            fs::perms::none);
  std::vector<std::string> top;
  for (const auto& entry : fs::directory_iterator(tmp_.path())) top.push_back(entry.path().filename().string());
  std::sort(top.begin(), top.end());
  EXPECT_EQ(top, (std::vector<std::string>{"caddy.log", "outside", "pki", "run", "state"}));
}

}  // namespace
}  // namespace md
