// AcmeClient against a real Pebble 2.4 (pebble-challtestsrv as its DNS):
// dns-01 for a name and its wildcard, http-01, account reuse, authorization
// reuse, badNonce retries, a failed validation, an unreachable server; and,
// through a fault-injecting proxy, rate limits and renewal information.

#include "drivers/certs/acme_client.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "../support/pebble_fixture.h"
#include "../support/postgres_fixture.h"
#include "core/clock.h"
#include "core/files.h"
#include "core/process.h"
#include "core/strings.h"
#include "drivers/certs/fake_acme_issuer.h"
#include "drivers/certs/ossl.h"

namespace md {
namespace {

using test::PebbleFixture;
using test::PebbleOptions;
using Names = std::vector<std::string>;
using Clock = std::chrono::steady_clock;

// A dns-01 solver that records its calls ("present DOMAIN", "cleanup DOMAIN")
// and publishes through `publish` / `clear` (no-ops by default).
class RecordingDnsSolver : public ChallengeSolver {
 public:
  using Publish = std::function<Status(const std::string& fqdn, const std::string& value)>;
  using Clear = std::function<Status(const std::string& fqdn)>;
  RecordingDnsSolver(Publish publish = nullptr, Clear clear = nullptr)
      : publish_(std::move(publish)), clear_(std::move(clear)) {}

  bool Supports(const std::string& type) const override { return type == kDns01; }
  Status Present(const std::string& type, const std::string& domain, const std::string&,
                 const std::string& value) override {
    EXPECT_EQ(type, kDns01);
    presented.push_back(domain);
    calls.push_back("present " + domain);
    return publish_ ? publish_("_acme-challenge." + domain + ".", value) : Status::Ok();
  }
  Status CleanUp(const std::string&, const std::string& domain, const std::string&, const std::string&) override {
    cleaned.push_back(domain);
    calls.push_back("cleanup " + domain);
    return clear_ ? clear_("_acme-challenge." + domain + ".") : Status::Ok();
  }

  Names presented;
  Names cleaned;
  Names calls;

 private:
  Publish publish_;
  Clear clear_;
};

// Publishes dns-01 values (or `wrong_value` instead) through challtestsrv.
RecordingDnsSolver ChalltestSolver(PebbleFixture& pebble, std::string wrong_value = "") {
  return RecordingDnsSolver(
      [&pebble, wrong_value](const std::string& fqdn, const std::string& value) {
        return pebble.AddTxt(fqdn, wrong_value.empty() ? value : wrong_value);
      },
      [&pebble](const std::string& fqdn) { return pebble.ClearTxt(fqdn); });
}

// Serves http-01 responses on the port Pebble's validation connects to.
class HttpSolver : public ChallengeSolver {
 public:
  explicit HttpSolver(int port) {
    server_.Get(R"(/\.well-known/acme-challenge/([A-Za-z0-9_-]+))", [this](const httplib::Request& req,
                                                                          httplib::Response& res) {
      std::lock_guard lock(mu_);
      auto it = tokens_.find(req.matches[1]);
      if (it == tokens_.end()) {
        res.status = 404;
        return;
      }
      ++fetches;
      res.set_content(it->second, "application/octet-stream");
    });
    if (!server_.bind_to_port("127.0.0.1", port)) {
      ADD_FAILURE() << "cannot bind 127.0.0.1:" << port;
      return;
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // else stop() is lost
  }
  ~HttpSolver() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  bool Supports(const std::string& type) const override { return type == kHttp01; }
  Status Present(const std::string&, const std::string&, const std::string& token, const std::string& value) override {
    std::lock_guard lock(mu_);
    tokens_[token] = value;
    return Status::Ok();
  }
  Status CleanUp(const std::string&, const std::string&, const std::string& token, const std::string&) override {
    std::lock_guard lock(mu_);
    tokens_.erase(token);
    return Status::Ok();
  }
  int served() {
    std::lock_guard lock(mu_);
    return fetches;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  std::mutex mu_;
  std::map<std::string, std::string> tokens_;  // guarded by mu_
  int fetches = 0;                             // guarded by mu_
};

class AcmeClientTest : public ::testing::Test {
 protected:
  void StartPebble(PebbleOptions options = {}) {
    auto started = PebbleFixture::Start(options);
    ASSERT_TRUE(started.ok()) << started.status().message();
    pebble_ = std::move(started).value();
  }

  AcmeSettings Settings(const std::string& key_name = "account.key") const {
    return {.directory_url = pebble_->directory_url(),
            .ca_file = pebble_->ca_file(),
            .account_key_path = pebble_->dir() + "/" + key_name,
            .contact_email = "ops@example.test",
            .timeout_ms = 10000,
            .poll_interval_ms = 50,
            .max_poll_wait_ms = 1000,
            .order_timeout_ms = 30000};
  }

  // `openssl verify` of the bundle's leaf, with the bundle's chain, against Pebble's root.
  void ExpectVerifies(const CertificateBundle& bundle, const std::string& host) {
    const std::string dir = pebble_->dir();
    size_t second = bundle.cert_pem.find("-----BEGIN CERTIFICATE-----", 1);
    ASSERT_NE(second, std::string::npos) << "the chain has an intermediate";
    auto root = pebble_->RootPem();
    ASSERT_TRUE(root.ok()) << root.status().message();
    ASSERT_TRUE(WriteFileAtomic(dir + "/root.pem", *root, 0600).ok());
    ASSERT_TRUE(WriteFileAtomic(dir + "/leaf.pem", bundle.cert_pem.substr(0, second), 0600).ok());
    ASSERT_TRUE(WriteFileAtomic(dir + "/chain.pem", bundle.cert_pem.substr(second), 0600).ok());
    auto r = RunProcess({"openssl", "verify", "-CAfile", dir + "/root.pem", "-untrusted", dir + "/chain.pem",
                         "-purpose", "sslserver", "-verify_hostname", host, dir + "/leaf.pem"});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->exit_code, 0) << r->output;
    // The chain's intermediate is the one Pebble's management API serves.
    auto intermediate = pebble_->IntermediatePem();
    ASSERT_TRUE(intermediate.ok());
    EXPECT_EQ(InspectPem(bundle.cert_pem.substr(second))->cert_pem, InspectPem(*intermediate)->cert_pem);
  }

  std::unique_ptr<PebbleFixture> pebble_;
};

TEST_F(AcmeClientTest, IssuesANameAndItsWildcardThroughDns01) {
  StartPebble();
  AcmeClient client(Settings());
  RecordingDnsSolver solver = ChalltestSolver(*pebble_);
  auto start = Clock::now();
  OrderOutcome out = client.Order({"example.test", "*.example.test"}, solver);
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
  ASSERT_TRUE(out.bundle.has_value());
  EXPECT_FALSE(out.rate_limited);
  EXPECT_TRUE(out.cleanup.ok());
  const CertificateBundle& b = *out.bundle;
  EXPECT_EQ(std::set<std::string>(b.names.begin(), b.names.end()),
            (std::set<std::string>{"example.test", "*.example.test"}));
  EXPECT_EQ(b.issuer.rfind("Pebble Intermediate CA", 0), 0u) << b.issuer;
  EXPECT_LE(b.not_before_ms, NowMs() + 60000);
  EXPECT_GT(b.not_after_ms, NowMs() + 24 * 3600 * 1000LL);
  EXPECT_TRUE(InspectPem(b.cert_pem, b.key_pem).ok()) << "the key is the leaf's";
  // Both authorizations use _acme-challenge.example.test: both presented before any check.
  EXPECT_EQ(solver.presented, (Names{"example.test", "example.test"}));
  EXPECT_EQ(solver.cleaned, solver.presented);
  ExpectVerifies(b, "example.test");
  ExpectVerifies(b, "www.example.test");

  struct stat st {};
  ASSERT_EQ(stat(Settings().account_key_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(AcmeClientTest, IssuesASingleHostThroughHttp01) {
  StartPebble();
  AcmeClient client(Settings());
  HttpSolver solver(pebble_->http01_port());
  OrderOutcome out = client.Order({"www.example.test"}, solver);
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  EXPECT_EQ(out.bundle->names, Names{"www.example.test"});
  EXPECT_GE(solver.served(), 1);
  ExpectVerifies(*out.bundle, "www.example.test");
}

TEST_F(AcmeClientTest, TheSameKeyFindsTheSameAccount) {
  StartPebble();
  auto first = AcmeClient(Settings()).AccountUrl();
  ASSERT_TRUE(first.ok()) << first.status().message();
  auto again = AcmeClient(Settings()).AccountUrl();
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(*again, *first);
  auto other = AcmeClient(Settings("other.key")).AccountUrl();
  ASSERT_TRUE(other.ok()) << other.status().message();
  EXPECT_NE(*other, *first);
}

TEST_F(AcmeClientTest, SkipsAuthorizationsTheServerReuses) {
  StartPebble({.authz_reuse_percent = 100});
  AcmeClient client(Settings());
  RecordingDnsSolver solver = ChalltestSolver(*pebble_);
  ASSERT_TRUE(client.Order({"example.test"}, solver).status.ok());
  ASSERT_EQ(solver.presented.size(), 1u);
  OrderOutcome again = client.Order({"example.test"}, solver);
  ASSERT_TRUE(again.status.ok()) << again.status.message();
  EXPECT_EQ(solver.presented.size(), 1u) << "a valid authorization needs no challenge";
}

TEST_F(AcmeClientTest, RetriesBadNonces) {
  StartPebble({.nonce_reject_percent = 40});
  // Counts the badNonce problems the client sees (and retries).
  class CountingTransport : public HttpTransport {
   public:
    CountingTransport(std::string ca_file, int* bad_nonces) : curl_(std::move(ca_file), 10000), bad_nonces_(bad_nonces) {}
    Result<HttpResponse> Send(const std::string& method, const std::string& url, const std::string& body) override {
      auto r = curl_.Send(method, url, body);
      if (r.ok() && r->body.find("urn:ietf:params:acme:error:badNonce") != std::string::npos) ++*bad_nonces_;
      return r;
    }

   private:
    CurlTransport curl_;
    int* bad_nonces_;
  };
  int bad_nonces = 0;
  AcmeClient client(Settings(), std::make_unique<CountingTransport>(pebble_->ca_file(), &bad_nonces));
  RecordingDnsSolver solver = ChalltestSolver(*pebble_);
  for (int i = 0; i < 2; ++i) {
    OrderOutcome out = client.Order({"example.test", "*.example.test"}, solver);
    ASSERT_TRUE(out.status.ok()) << out.status.message();
  }
  EXPECT_GT(bad_nonces, 0);
}

TEST_F(AcmeClientTest, AWrongValueFailsNamingTheIdentifierAndCleansUp) {
  StartPebble();
  AcmeClient client(Settings());
  RecordingDnsSolver solver = ChalltestSolver(*pebble_, "not-the-right-value");
  auto start = Clock::now();
  OrderOutcome out = client.Order({"bad.example.test"}, solver);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(out.status.code(), Code::kFailedPrecondition) << out.status.message();
  EXPECT_NE(out.status.message().find("bad.example.test"), std::string::npos) << out.status.message();
  EXPECT_NE(out.status.message().find("urn:ietf:params:acme:error:"), std::string::npos) << out.status.message();
  EXPECT_FALSE(out.rate_limited);
  EXPECT_EQ(solver.cleaned, Names{"bad.example.test"});
}

TEST_F(AcmeClientTest, AnUnreachableServerIsUnavailable) {
  StartPebble();
  AcmeSettings settings = Settings();
  settings.directory_url = "https://127.0.0.1:" + std::to_string(test::FreeTcpPort()) + "/dir";
  AcmeClient client(settings);
  RecordingDnsSolver solver = ChalltestSolver(*pebble_);
  OrderOutcome out = client.Order({"example.test"}, solver);
  EXPECT_EQ(out.status.code(), Code::kUnavailable) << out.status.message();
  EXPECT_FALSE(out.rate_limited);
  EXPECT_TRUE(solver.presented.empty());
}

TEST_F(AcmeClientTest, ARateLimitSaysWhenToRetry) {
  StartPebble();
  auto proxy = pebble_->StartFaultProxy();
  ASSERT_TRUE(proxy.ok()) << proxy.status().message();
  AcmeSettings settings = Settings();
  settings.directory_url = *proxy;
  AcmeClient client(settings);
  RecordingDnsSolver solver = ChalltestSolver(*pebble_);
  OrderOutcome out = client.Order({"example.test"}, solver);
  EXPECT_EQ(out.status.code(), Code::kUnavailable) << out.status.message();
  EXPECT_TRUE(out.rate_limited);
  EXPECT_EQ(out.retry_after_ms, 120000);
  EXPECT_NE(out.status.message().find("urn:ietf:params:acme:error:rateLimited: too many new orders recently"),
            std::string::npos)
      << out.status.message();
  EXPECT_TRUE(solver.presented.empty());
  // The account was made through the proxy: everything else passed through.
  EXPECT_TRUE(client.AccountUrl().ok());
}

// The renewalInfo id is base64url(AKI key id) "." base64url(serial), computed
// here from openssl's text output.
std::string ExpectedAriId(const std::string& pem_path) {
  auto hex_bytes = [](std::string hex) {
    std::string out;
    std::erase(hex, ':');
    if (hex.size() % 2) hex = "0" + hex;
    for (size_t i = 0; i < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return out;
  };
  auto serial = RunChecked({"openssl", "x509", "-in", pem_path, "-noout", "-serial"});
  auto aki = RunChecked({"openssl", "x509", "-in", pem_path, "-noout", "-ext", "authorityKeyIdentifier"});
  if (!serial.ok() || !aki.ok()) return "openssl failed";
  std::string serial_bytes = hex_bytes(LastLine(*serial).substr(LastLine(*serial).find('=') + 1));
  if (static_cast<unsigned char>(serial_bytes[0]) & 0x80) serial_bytes = '\0' + serial_bytes;
  std::string key_id = Trim(LastLine(*aki));
  if (key_id.rfind("keyid:", 0) == 0) key_id = key_id.substr(6);
  return Base64Url(hex_bytes(key_id)) + "." + Base64Url(serial_bytes);
}

TEST_F(AcmeClientTest, RenewalInfoWhenTheServerOffersIt) {
  StartPebble();
  AcmeClient client(Settings());
  RecordingDnsSolver solver = ChalltestSolver(*pebble_);
  OrderOutcome out = client.Order({"example.test"}, solver);
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  auto none = client.SuggestedRenewalMs(*out.bundle);
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_FALSE(none->has_value()) << "Pebble 2.4's directory has no renewalInfo";

  auto proxy = pebble_->StartFaultProxy();
  ASSERT_TRUE(proxy.ok()) << proxy.status().message();
  AcmeSettings settings = Settings();
  settings.directory_url = *proxy;
  auto suggested = AcmeClient(settings).SuggestedRenewalMs(*out.bundle);
  ASSERT_TRUE(suggested.ok()) << suggested.status().message();
  ASSERT_TRUE(suggested->has_value());
  EXPECT_GE(**suggested, 1893456000000);  // 2030-01-01T00:00:00Z
  EXPECT_LE(**suggested, 1893542400000);  // 2030-01-02T00:00:00Z
  const std::string leaf = pebble_->dir() + "/ari-leaf.pem";
  ASSERT_TRUE(WriteFileAtomic(leaf, out.bundle->cert_pem, 0600).ok());
  EXPECT_EQ(Trim(*ReadFile(pebble_->proxy_ari_log())), ExpectedAriId(leaf));
}

// One contract, run against AcmeClient over Pebble and against FakeAcmeIssuer,
// so that the fake cannot drift from the real thing.
class AcmeIssuerContract : public AcmeClientTest, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      ASSERT_NO_FATAL_FAILURE(StartPebble());
      issuer_ = std::make_unique<AcmeClient>(Settings());
    } else {
      std::string tmpl = (std::filesystem::temp_directory_path() / "md-fake-acme-XXXXXX").string();
      ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
      fake_dir_ = tmpl;
      issuer_ = std::make_unique<FakeAcmeIssuer>(fake_dir_ + "/ca");
    }
  }
  void TearDown() override {
    if (!fake_dir_.empty()) std::filesystem::remove_all(fake_dir_);
  }
  RecordingDnsSolver Solver() { return pebble_ ? ChalltestSolver(*pebble_) : RecordingDnsSolver(); }
  int Http01Port() { return pebble_ ? pebble_->http01_port() : test::FreeTcpPort(); }

  std::unique_ptr<AcmeIssuer> issuer_;
  std::string fake_dir_;
};

TEST_P(AcmeIssuerContract, IssuesEveryNamePresentingAllBeforeCleaningUp) {
  RecordingDnsSolver solver = Solver();
  OrderOutcome out = issuer_->Order({"example.test", "*.example.test"}, solver);
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  ASSERT_TRUE(out.bundle.has_value());
  EXPECT_EQ(std::set<std::string>(out.bundle->names.begin(), out.bundle->names.end()),
            (std::set<std::string>{"example.test", "*.example.test"}));
  EXPECT_TRUE(InspectPem(out.bundle->cert_pem, out.bundle->key_pem).ok());
  EXPECT_EQ(solver.calls,
            (Names{"present example.test", "present example.test", "cleanup example.test", "cleanup example.test"}));
}

TEST_P(AcmeIssuerContract, RefusesAWildcardToASolverWithoutDns01) {
  HttpSolver solver(Http01Port());
  OrderOutcome out = issuer_->Order({"*.example.test"}, solver);
  EXPECT_EQ(out.status.code(), Code::kFailedPrecondition);
  EXPECT_NE(out.status.message().find("no supported ACME challenge for *.example.test (offered: dns-01"),
            std::string::npos)
      << out.status.message();
  EXPECT_FALSE(out.bundle.has_value());
}

TEST_P(AcmeIssuerContract, RefusesBadNamesWithoutCallingTheSolver) {
  RecordingDnsSolver solver = Solver();
  for (const Names& names : {Names{}, Names{"Example.test"}, Names{"a.example.test", "a.example.test"}}) {
    EXPECT_EQ(issuer_->Order(names, solver).status.code(), Code::kInvalidArgument);
  }
  EXPECT_TRUE(solver.calls.empty());
}

TEST_P(AcmeIssuerContract, ASolverFailureEndsTheOrderAfterCleaningUp) {
  RecordingDnsSolver solver([](const std::string&, const std::string&) { return Unavailable("DNS server down"); });
  OrderOutcome out = issuer_->Order({"example.test"}, solver);
  EXPECT_EQ(out.status.code(), Code::kUnavailable);
  EXPECT_EQ(out.status.message(), "presenting dns-01 for example.test: DNS server down");
  EXPECT_FALSE(out.rate_limited);
  EXPECT_EQ(solver.calls, (Names{"present example.test", "cleanup example.test"}));
}

INSTANTIATE_TEST_SUITE_P(, AcmeIssuerContract, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& info) { return info.param ? "Pebble" : "Fake"; });

TEST(FakeAcmeIssuerTest, FaultSwitchesApplyToTheNextOrderOnly) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "md-fake-acme-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  FakeAcmeIssuer fake(tmpl + "/ca");
  RecordingDnsSolver solver;

  fake.RateLimitNext(120000);
  OrderOutcome limited = fake.Order({"example.test"}, solver);
  EXPECT_EQ(limited.status.code(), Code::kUnavailable);
  EXPECT_TRUE(limited.rate_limited);
  EXPECT_EQ(limited.retry_after_ms, 120000);
  EXPECT_TRUE(solver.calls.empty());

  fake.FailNext(FailedPrecondition("ACME authorization of example.test is invalid"));
  OrderOutcome failed = fake.Order({"example.test"}, solver);
  EXPECT_EQ(failed.status.code(), Code::kFailedPrecondition);
  EXPECT_EQ(solver.calls, (Names{"present example.test", "cleanup example.test"}));

  OrderOutcome ok = fake.Order({"example.test"}, solver);
  ASSERT_TRUE(ok.status.ok()) << ok.status.message();
  EXPECT_EQ(ok.bundle->issuer.rfind("MeltanoData local CA", 0), 0u);
  EXPECT_EQ(fake.orders().size(), 3u);

  EXPECT_FALSE(fake.SuggestedRenewalMs(*ok.bundle)->has_value());
  fake.SetSuggestedRenewal(1893456000000);
  EXPECT_EQ(*fake.SuggestedRenewalMs(*ok.bundle), std::optional<int64_t>(1893456000000));
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace md
