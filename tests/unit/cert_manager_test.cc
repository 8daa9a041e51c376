// CertManager over fakes (ACME issuer, DNS, proxy, certificate files) with a
// real local CA and store: stand-ins, the rate-limit budget, a CA's
// rateLimited answer, renewal at a third of the lifetime left, ARI, and the
// certificates' files. Times are passed in, so
// days and weeks go by in a test.

#include "service/cert_manager.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/clock.h"
#include "drivers/certs/fake_acme_issuer.h"
#include "drivers/certs/fake_cert_files.h"
#include "drivers/dns/fake_dns_updater.h"
#include "drivers/proxy/fake_front_proxy.h"
#include "store/sqlite_store.h"

namespace md {
namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000LL;
const std::string kWildcard = "*.example.test,example.test";

class CertManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("md-cert-manager-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    store_ = std::move(*SqliteStore::Open(":memory:"));
    local_ca_ = std::make_unique<LocalCa>((dir_ / "local").string());
    acme_ = std::make_unique<FakeAcmeIssuer>((dir_ / "acme").string());
    door_ = std::make_unique<FrontDoor>(*store_, proxy_, files_, FrontDoorSettings{.domain = "example.test"});
  }
  void TearDown() override {
    certs_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Make(RateLimits limits = {}) {
    budget_ = std::make_unique<CertBudget>(limits, psl_);
    certs_ = std::make_unique<CertManager>(*store_, *local_ca_, acme_.get(), &dns_, *door_, files_, *budget_,
                                           CertManagerSettings{.domain = "example.test"});
  }
  CertRecord Wildcard() { return *store_->GetCertificate(kWildcard); }
  static CertPaths PathsOf(const CertRecord& rec) { return {.cert_path = rec.cert_path, .key_path = rec.key_path}; }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  FakeFrontProxy proxy_;
  FakeDnsUpdater dns_{"example.test"};
  FakeCertFiles files_;
  PublicSuffixList psl_;
  std::unique_ptr<LocalCa> local_ca_;
  std::unique_ptr<FakeAcmeIssuer> acme_;
  std::unique_ptr<FrontDoor> door_;
  std::unique_ptr<CertBudget> budget_;
  std::unique_ptr<CertManager> certs_;
};

TEST_F(CertManagerTest, OrdersTheWildcardOnceAndServesIt) {
  Make();
  int64_t now = NowMs();
  ASSERT_TRUE(certs_->Reconcile(now).ok());
  EXPECT_EQ(Wildcard().source, "acme");
  ASSERT_TRUE(certs_->Reconcile(now + kDayMs).ok());
  EXPECT_EQ(acme_->orders().size(), 1u) << "a trusted certificate far from renewal is not ordered again";
  ASSERT_EQ(proxy_.serving()->certificates.size(), 1u);
  EXPECT_TRUE(dns_.Lookup("_acme-challenge.example.test", "TXT")->empty()) << "challenge records cleaned up";
}

TEST_F(CertManagerTest, ABudgetRefusalServesAStandInAndOrdersWhenTheBudgetAllows) {
  RateLimits limits;
  limits.orders_per_account = 1;
  limits.orders_window_ms = 3 * 3600 * 1000LL;
  Make(limits);
  int64_t now = NowMs();
  ASSERT_TRUE(store_->AddAcmeEvent({.kind = "order", .names = "other.example.org", .at_ms = now - 3600 * 1000LL}).ok());
  ASSERT_TRUE(certs_->Reconcile(now).ok());
  CertRecord stand_in = Wildcard();
  EXPECT_EQ(stand_in.source, "local");
  EXPECT_TRUE(acme_->orders().empty()) << "an order over the budget is never sent";
  EXPECT_EQ(stand_in.next_order_ms, now + 2 * 3600 * 1000LL);
  EXPECT_NE(stand_in.last_error.find("budget"), std::string::npos) << stand_in.last_error;
  EXPECT_EQ(proxy_.serving()->certificates.size(), 1u) << "the stand-in is served at once";

  ASSERT_TRUE(certs_->Reconcile(stand_in.next_order_ms).ok());
  EXPECT_EQ(acme_->orders().size(), 1u);
  EXPECT_EQ(Wildcard().source, "acme");
  EXPECT_TRUE(Wildcard().last_error.empty());
}

TEST_F(CertManagerTest, TheCasRateLimitIsHonouredWithItsRetryAfter) {
  Make();
  int64_t now = NowMs();
  acme_->RateLimitNext(120 * 1000);
  ASSERT_TRUE(certs_->Reconcile(now).ok());
  EXPECT_EQ(Wildcard().source, "local");
  EXPECT_EQ(Wildcard().next_order_ms, now + 120 * 1000);
  ASSERT_TRUE(certs_->Reconcile(now + 60 * 1000).ok());
  EXPECT_EQ(acme_->orders().size(), 1u) << "not before Retry-After";
  ASSERT_TRUE(certs_->Reconcile(now + 120 * 1000).ok());
  EXPECT_EQ(acme_->orders().size(), 2u);
  EXPECT_EQ(Wildcard().source, "acme");
}

TEST_F(CertManagerTest, RenewsWhenAThirdOfTheLifetimeIsLeftAndCountsItAsARenewal) {
  Make();
  int64_t now = NowMs();
  ASSERT_TRUE(certs_->Reconcile(now).ok());
  CertRecord first = Wildcard();
  int64_t renew_at = first.not_before_ms + (first.not_after_ms - first.not_before_ms) * 2 / 3;
  EXPECT_EQ(first.next_order_ms, renew_at);
  ASSERT_TRUE(certs_->Reconcile(renew_at - kDayMs).ok());
  EXPECT_EQ(acme_->orders().size(), 1u);
  ASSERT_TRUE(certs_->Reconcile(renew_at).ok());
  EXPECT_EQ(acme_->orders().size(), 2u);
  EXPECT_NE(Wildcard().cert_path, first.cert_path);
  EXPECT_FALSE(files_.Exists(PathsOf(first))) << "the replaced certificate's files are removed";
  EXPECT_EQ(files_.paths(), (std::vector<std::string>{Wildcard().cert_path, Wildcard().key_path}))
      << "and only the served version is left";
  auto events = *store_->ListAcmeEvents(0);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().kind, "issued");
  EXPECT_TRUE(events.back().renewal);
}

TEST_F(CertManagerTest, RenewalInformationFromTheCaDecidesTheRenewalTime) {
  Make();
  int64_t now = NowMs();
  acme_->SetSuggestedRenewal(now + 10 * kDayMs);
  ASSERT_TRUE(certs_->Reconcile(now).ok());
  EXPECT_EQ(Wildcard().next_order_ms, now + 10 * kDayMs);
}

TEST_F(CertManagerTest, WithoutDnsTheWildcardStaysAStandInAndSaysWhy) {
  budget_ = std::make_unique<CertBudget>(RateLimits{}, psl_);
  certs_ = std::make_unique<CertManager>(*store_, *local_ca_, acme_.get(), nullptr, *door_, files_, *budget_,
                                         CertManagerSettings{.domain = "example.test"});
  ASSERT_TRUE(certs_->Reconcile(NowMs()).ok());
  EXPECT_EQ(Wildcard().source, "local");
  EXPECT_NE(Wildcard().last_error.find("DNS-01"), std::string::npos);
  EXPECT_TRUE(acme_->orders().empty());
}

TEST_F(CertManagerTest, AFailedSaveKeepsServingTheCertificateOnRecord) {
  Make();
  int64_t now = NowMs();
  ASSERT_TRUE(certs_->Reconcile(now).ok());
  CertRecord first = Wildcard();
  files_.FailNext(Unavailable("disk full"));
  EXPECT_FALSE(certs_->Reconcile(first.next_order_ms).ok());
  EXPECT_EQ(Wildcard().cert_path, first.cert_path) << "the record names the files it had";
  EXPECT_TRUE(files_.Exists(PathsOf(first)));
  ASSERT_EQ(proxy_.serving()->certificates.size(), 1u);
  EXPECT_EQ(proxy_.serving()->certificates[0].key_pem, files_.Load(PathsOf(first))->key_pem);
}

TEST_F(CertManagerTest, ACertificateWhoseFilesAreLostIsLeftOutAndReplacedByAStandIn) {
  Make();
  int64_t now = NowMs();
  ASSERT_TRUE(certs_->Reconcile(now).ok());
  CertRecord lost = Wildcard();
  files_.Lose(lost.key_path);
  ASSERT_TRUE(door_->Sync().ok());
  EXPECT_TRUE(proxy_.serving()->certificates.empty()) << "a certificate with a missing file is not pushed";

  ASSERT_TRUE(certs_->Serve(now + 1).ok());
  CertRecord stand_in = Wildcard();
  EXPECT_EQ(stand_in.source, "local");
  EXPECT_NE(stand_in.cert_path, lost.cert_path);
  EXPECT_TRUE(files_.Exists(PathsOf(stand_in)));
  EXPECT_EQ(files_.paths(), (std::vector<std::string>{stand_in.cert_path, stand_in.key_path}))
      << "what was left of the lost version is removed";
  EXPECT_EQ(proxy_.serving()->certificates.size(), 1u);
}

// With the embedded default domain, localhost itself is served too: the
// controller's public endpoints, with their own local-CA certificate.
TEST_F(CertManagerTest, LocalhostServesTheControllersHostWithItsOwnCertificate) {
  FrontDoor door(*store_, proxy_, files_,
                 {.domain = "localhost", .data_dir = "/srv/md", .public_socket = "/srv/md/public/controller.sock"});
  budget_ = std::make_unique<CertBudget>(RateLimits{}, psl_);
  CertManager certs(*store_, *local_ca_, acme_.get(), nullptr, door, files_, *budget_, {.domain = "localhost"});
  ASSERT_TRUE(certs.Reconcile(NowMs()).ok());
  auto rec = store_->GetCertificate("localhost");
  ASSERT_TRUE(rec.ok()) << rec.status().message();
  EXPECT_EQ(rec->purpose, "controller");
  EXPECT_EQ(rec->source, "local");
  EXPECT_TRUE(acme_->orders().empty());  // no public CA certifies localhost
  std::optional<ProxyConfig> serving = proxy_.serving();
  ASSERT_TRUE(serving.has_value());
  const ProxyConfig& served = *serving;
  ASSERT_EQ(served.routes.size(), 2u);
  EXPECT_EQ(served.routes[0].hosts, std::vector<std::string>{"*.localhost"}) << "every instance";
  EXPECT_EQ(served.routes[1].hosts, std::vector<std::string>{"localhost"});
  EXPECT_EQ(served.routes[1].upstream, "unix//srv/md/public/controller.sock");
  EXPECT_TRUE(served.routes[1].forward_client_address);
  EXPECT_EQ(served.certificates.size(), 1u);
}

}  // namespace
}  // namespace md
