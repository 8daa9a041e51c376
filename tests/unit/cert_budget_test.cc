// CertBudget: Let's Encrypt's rate limits counted from the event history,
// refusals with the exact time the sliding window lets the order through.

#include "service/cert_budget.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "service/registered_domain.h"

namespace md {
namespace {

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kHour = RateLimits::kHourMs;
constexpr int64_t kDay = RateLimits::kDayMs;
constexpr int64_t kT0 = 1795514400000;  // 2026-11-24T10:00:00Z

AcmeEvent Order(const std::vector<std::string>& names, int64_t at) {
  return {0, "order", JoinCertNames(names), "", false, at};
}
AcmeEvent Issued(const std::vector<std::string>& names, int64_t at, bool renewal = false) {
  return {0, "issued", JoinCertNames(names), "", renewal, at};
}
AcmeEvent Failed(const std::string& host, int64_t at) { return {0, "failed_validation", host, host, false, at}; }
AcmeEvent RateLimited(const std::vector<std::string>& names, int64_t retry_at) {
  return {0, "rate_limited", JoinCertNames(names), "", false, retry_at};
}

// What a caller does when the budget allows: order, and get it issued.
void OrderAndIssue(std::vector<AcmeEvent>* history, const std::vector<std::string>& names, int64_t at,
                   bool renewal = false) {
  history->push_back(Order(names, at));
  history->push_back(Issued(names, at, renewal));
}

std::string Host(int i, const std::string& domain = "example.test") { return "h" + std::to_string(i) + "." + domain; }

class CertBudgetTest : public ::testing::Test {
 protected:
  PublicSuffixList psl_;
  CertBudget budget_{RateLimits{}, psl_};
};

TEST_F(CertBudgetTest, TheFiftyFirstHostOfARegisteredDomainWaitsUntilTheFirstLeavesTheWeek) {
  std::vector<AcmeEvent> history;
  int allowed = 0;
  for (int i = 0; i < 60; ++i) {
    const int64_t now = kT0 + i * kMinute;
    CertBudget::Decision d = budget_.Check({Host(i)}, now, history);
    if (i < 50) {
      ASSERT_TRUE(d.allowed) << i << ": " << d.reason;
      EXPECT_EQ(d.not_before_ms, now);
      EXPECT_EQ(d.reason, "");
      OrderAndIssue(&history, {Host(i)}, now);
      ++allowed;
    } else {
      ASSERT_FALSE(d.allowed) << i;
      EXPECT_EQ(d.not_before_ms, kT0 + 7 * kDay) << i;
    }
  }
  EXPECT_EQ(allowed, 50);
  CertBudget::Decision d = budget_.Check({Host(50)}, kT0 + kHour, history);
  EXPECT_EQ(d.reason,
            "50 certificates per registered domain example.test per 7 days reached; next slot 2026-12-01T10:00:00Z");
  // A week on, one slot a minute opens as each certificate leaves the window.
  EXPECT_TRUE(budget_.Check({Host(50)}, kT0 + 7 * kDay, history).allowed);
  OrderAndIssue(&history, {Host(50)}, kT0 + 7 * kDay);
  d = budget_.Check({Host(51)}, kT0 + 7 * kDay, history);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.not_before_ms, kT0 + 7 * kDay + kMinute);
}

TEST_F(CertBudgetTest, AWildcardCoveringEveryTenantIsOneCertificate) {
  const std::vector<std::string> wildcard = {"*.example.test", "example.test"};
  std::vector<AcmeEvent> history;
  ASSERT_TRUE(budget_.Check(wildcard, kT0, history).allowed);
  OrderAndIssue(&history, wildcard, kT0);
  // Two names, one registered domain: one of the 50 is used, 49 remain.
  for (int i = 0; i < 49; ++i) {
    const int64_t now = kT0 + (i + 1) * kMinute;
    ASSERT_TRUE(budget_.Check({Host(i)}, now, history).allowed) << i;
    OrderAndIssue(&history, {Host(i)}, now);
  }
  CertBudget::Decision d = budget_.Check({Host(49)}, kT0 + kHour, history);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.not_before_ms, kT0 + 7 * kDay);  // when the wildcard leaves the window
}

TEST_F(CertBudgetTest, RenewalsAreExemptFromTheDomainLimitButTheSixthDuplicateInAWeekIsRefused) {
  std::vector<AcmeEvent> history;
  const std::vector<std::string> wildcard = {"*.example.test", "example.test"};
  OrderAndIssue(&history, wildcard, kT0);
  for (int i = 0; i < 49; ++i) OrderAndIssue(&history, {Host(i)}, kT0 + (i + 1) * kMinute);
  const int64_t now = kT0 + kHour;
  ASSERT_FALSE(budget_.Check({Host(99)}, now, history).allowed);  // the domain is full

  // The same name set again, in any order and case, is a renewal: exempt from the 50.
  const std::vector<std::string> same = {"Example.TEST", "*.example.test"};
  EXPECT_FALSE(budget_.Check({Host(99)}, now, history).renewal);
  for (int n = 1; n < 5; ++n) {
    CertBudget::Decision d = budget_.Check(same, now + n * kMinute, history);
    ASSERT_TRUE(d.allowed) << n << ": " << d.reason;
    EXPECT_TRUE(d.renewal);
    OrderAndIssue(&history, wildcard, now + n * kMinute, /*renewal=*/true);
  }
  // Five of this exact set in 7 days: the sixth waits for the first to leave.
  CertBudget::Decision d = budget_.Check(same, now + kHour, history);
  ASSERT_FALSE(d.allowed);
  EXPECT_TRUE(d.renewal);
  EXPECT_EQ(d.not_before_ms, kT0 + 7 * kDay);
  EXPECT_NE(d.reason.find("5 certificates for the exact names *.example.test,example.test per 7 days"),
            std::string::npos)
      << d.reason;
  // Renewals did not use up the domain: once the original leaves, a new host fits.
  EXPECT_TRUE(budget_.Check({Host(99)}, kT0 + 7 * kDay, history).allowed);
}

TEST_F(CertBudgetTest, RegisteredDomainsAreCountedApartByThePublicSuffixList) {
  std::vector<AcmeEvent> history;
  for (int i = 0; i < 50; ++i) OrderAndIssue(&history, {Host(i, "example.co.uk")}, kT0 + i * kMinute);
  for (int i = 0; i < 50; ++i) OrderAndIssue(&history, {Host(i, "a.github.io")}, kT0 + i * kMinute);
  const int64_t now = kT0 + kHour;
  EXPECT_FALSE(budget_.Check({"new.example.co.uk"}, now, history).allowed);
  EXPECT_TRUE(budget_.Check({"new.other.co.uk"}, now, history).allowed);
  EXPECT_FALSE(budget_.Check({"new.a.github.io"}, now, history).allowed);
  EXPECT_TRUE(budget_.Check({"new.b.github.io"}, now, history).allowed);
  // An order spanning two registered domains needs room in both.
  CertBudget::Decision d = budget_.Check({"n.other.co.uk", "n.example.co.uk"}, now, history);
  EXPECT_FALSE(d.allowed);
  EXPECT_NE(d.reason.find("registered domain example.co.uk"), std::string::npos) << d.reason;
}

TEST_F(CertBudgetTest, ACertificateCountsOnceAgainstEachOfItsRegisteredDomains) {
  RateLimits limits;
  limits.certs_per_registered_domain = 2;
  CertBudget budget(limits, psl_);
  std::vector<AcmeEvent> history;
  OrderAndIssue(&history, {"x.one.test", "y.one.test", "x.two.test"}, kT0);
  OrderAndIssue(&history, {"z.one.test"}, kT0 + kMinute);
  const int64_t now = kT0 + kHour;
  EXPECT_FALSE(budget.Check({"w.one.test"}, now, history).allowed);
  EXPECT_TRUE(budget.Check({"w.two.test"}, now, history).allowed);
}

TEST_F(CertBudgetTest, ThreeHundredOrdersPerThreeHoursPerAccount) {
  std::vector<AcmeEvent> history;
  // Orders that came to nothing still count (each at 10 s, different domains).
  for (int i = 0; i < 300; ++i) history.push_back(Order({Host(0, "d" + std::to_string(i) + ".test")}, kT0 + i * 10000));
  const int64_t now = kT0 + 300 * 10000;
  CertBudget::Decision d = budget_.Check({"shop.acme.com"}, now, history);
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.not_before_ms, kT0 + 3 * kHour);
  EXPECT_EQ(d.reason, "300 new orders per account per 3 hours reached; next slot 2026-11-24T13:00:00Z");
  EXPECT_TRUE(budget_.Check({"shop.acme.com"}, kT0 + 3 * kHour, history).allowed);
  history.pop_back();  // 299 orders: room for one
  EXPECT_TRUE(budget_.Check({"shop.acme.com"}, now, history).allowed);
}

TEST_F(CertBudgetTest, FiveFailedValidationsBlockTheHostForTheRestOfTheHourButNotOthers) {
  std::vector<AcmeEvent> history;
  for (int i = 0; i < 4; ++i) history.push_back(Failed("shop.acme.com", kT0 + i * kMinute));
  const int64_t now = kT0 + 10 * kMinute;
  EXPECT_TRUE(budget_.Check({"shop.acme.com"}, now, history).allowed);  // four are not yet the limit
  history.push_back(Failed("shop.acme.com", kT0 + 4 * kMinute));
  CertBudget::Decision d = budget_.Check({"shop.acme.com"}, now, history);
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.not_before_ms, kT0 + kHour);
  EXPECT_EQ(d.reason, "5 failed validations for shop.acme.com per 1 hour reached; next slot 2026-11-24T11:00:00Z");
  EXPECT_FALSE(budget_.Check({"www.acme.com", "SHOP.acme.com"}, now, history).allowed);
  EXPECT_TRUE(budget_.Check({"www.acme.com"}, now, history).allowed);
  EXPECT_TRUE(budget_.Check({"shop.acme.com"}, kT0 + kHour, history).allowed);
}

TEST_F(CertBudgetTest, FailedValidationsOfAWildcardCountOnItsBaseName) {
  std::vector<AcmeEvent> history;
  for (int i = 0; i < 5; ++i) history.push_back(Failed("*.example.test", kT0 + i * kMinute));
  EXPECT_FALSE(budget_.Check({"*.example.test", "example.test"}, kT0 + 10 * kMinute, history).allowed);
  EXPECT_FALSE(budget_.Check({"example.test"}, kT0 + 10 * kMinute, history).allowed);
  EXPECT_TRUE(budget_.Check({"h1.example.test"}, kT0 + 10 * kMinute, history).allowed);
}

TEST_F(CertBudgetTest, ARateLimitedAnswerBlocksItsNamesUntilTheRetryTime) {
  std::vector<AcmeEvent> history;
  const int64_t retry_at = kT0 + 30 * kMinute + 500;
  history.push_back(RateLimited({"shop.acme.com"}, retry_at));
  CertBudget::Decision d = budget_.Check({"shop.acme.com"}, kT0, history);
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.not_before_ms, retry_at);
  // The time is rounded up: never earlier than the CA said.
  EXPECT_EQ(d.reason, "the CA answered rateLimited for shop.acme.com; retry after 2026-11-24T10:30:01Z");
  EXPECT_FALSE(budget_.Check({"shop.acme.com", "www.acme.com"}, kT0, history).allowed);
  EXPECT_TRUE(budget_.Check({"www.acme.com"}, kT0, history).allowed);
  EXPECT_FALSE(budget_.Check({"shop.acme.com"}, retry_at - 1, history).allowed);
  EXPECT_TRUE(budget_.Check({"shop.acme.com"}, retry_at, history).allowed);
}

TEST_F(CertBudgetTest, AnAccountWideRateLimitBlocksEveryOrder) {
  std::vector<AcmeEvent> history = {RateLimited({}, kT0 + kHour)};
  CertBudget::Decision d = budget_.Check({"anything.example.org"}, kT0, history);
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.not_before_ms, kT0 + kHour);
  EXPECT_NE(d.reason.find("for this account"), std::string::npos) << d.reason;
  EXPECT_TRUE(budget_.Check({"anything.example.org"}, kT0 + kHour, history).allowed);
}

TEST_F(CertBudgetTest, WindowsSlideAnEventExactlyAtTheEdgeHasLeft) {
  RateLimits limits;
  limits.certs_per_registered_domain = 1;
  limits.orders_per_account = 2;
  CertBudget budget(limits, psl_);
  std::vector<AcmeEvent> history;
  OrderAndIssue(&history, {Host(0)}, kT0);
  CertBudget::Decision d = budget.Check({Host(1)}, kT0 + 7 * kDay - 1, history);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.not_before_ms, kT0 + 7 * kDay);
  EXPECT_TRUE(budget.Check({Host(1)}, kT0 + 7 * kDay, history).allowed);

  history = {Order({Host(0)}, kT0), Order({Host(0)}, kT0 + kHour)};
  EXPECT_FALSE(budget.Check({"a.other.test"}, kT0 + 3 * kHour - 1, history).allowed);
  EXPECT_TRUE(budget.Check({"a.other.test"}, kT0 + 3 * kHour, history).allowed);  // the first left
  history.push_back(Order({Host(0)}, kT0 + 3 * kHour));
  d = budget.Check({"a.other.test"}, kT0 + 3 * kHour, history);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.not_before_ms, kT0 + 4 * kHour);  // now the second must leave
}

TEST_F(CertBudgetTest, ConfigurableLimitsAreRespected) {
  RateLimits limits;
  limits.certs_per_registered_domain = 2;
  CertBudget budget(limits, psl_);
  std::vector<AcmeEvent> history;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(budget.Check({Host(i)}, kT0 + i * kDay, history).allowed);
    OrderAndIssue(&history, {Host(i)}, kT0 + i * kDay);
  }
  CertBudget::Decision d = budget.Check({Host(2)}, kT0 + 2 * kDay, history);
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.not_before_ms, kT0 + 7 * kDay);
  EXPECT_NE(d.reason.find("2 certificates per registered domain example.test per 7 days"), std::string::npos)
      << d.reason;

  RateLimits short_window;
  short_window.duplicate_certs = 1;
  short_window.duplicate_window_ms = 90 * kMinute;
  CertBudget hourly(short_window, psl_);
  history = {Issued({Host(0)}, kT0)};
  d = hourly.Check({Host(0)}, kT0 + kMinute, history);
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.not_before_ms, kT0 + 90 * kMinute);
  EXPECT_NE(d.reason.find("per 90 minutes"), std::string::npos) << d.reason;
}

TEST_F(CertBudgetTest, ALimitOfZeroIsNotEnforced) {
  RateLimits limits;
  limits.orders_per_account = 0;
  limits.certs_per_registered_domain = 0;
  CertBudget budget(limits, psl_);
  std::vector<AcmeEvent> history;
  for (int i = 0; i < 400; ++i) OrderAndIssue(&history, {Host(i)}, kT0 + i);
  EXPECT_TRUE(budget.Check({Host(1000)}, kT0 + kMinute, history).allowed);
}

TEST_F(CertBudgetTest, TheLatestOfSeveralLimitsDecides) {
  RateLimits limits;
  limits.orders_per_account = 1;
  limits.certs_per_registered_domain = 1;
  CertBudget budget(limits, psl_);
  // The domain filled a day ago (free in 6 days), an order an hour ago (free in 2 hours).
  std::vector<AcmeEvent> history = {Issued({Host(0)}, kT0 - kDay), Order({"x.other.test"}, kT0 - kHour)};
  CertBudget::Decision d = budget.Check({Host(1)}, kT0, history);
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.not_before_ms, kT0 + 6 * kDay);
  EXPECT_NE(d.reason.find("registered domain"), std::string::npos) << d.reason;
  d = budget.Check({"y.third.test"}, kT0, history);
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.not_before_ms, kT0 + 2 * kHour);
  EXPECT_NE(d.reason.find("orders per account"), std::string::npos) << d.reason;
}

TEST_F(CertBudgetTest, NamesThatAreNotRegistrableAreRefusedForGood) {
  for (const std::vector<std::string>& names : std::vector<std::vector<std::string>>{
           {}, {""}, {"co.uk"}, {"shop.acme.com", "github.io"}, {"1.2.3.4"}, {"bad_host.example.com"}}) {
    CertBudget::Decision d = budget_.Check(names, kT0, {});
    EXPECT_FALSE(d.allowed) << d.reason;
    EXPECT_EQ(d.not_before_ms, std::numeric_limits<int64_t>::max()) << d.reason;
    EXPECT_FALSE(d.reason.empty());
  }
}

TEST_F(CertBudgetTest, EventsOutsideTheirWindowsAndOfOtherNamesAreIgnored) {
  std::vector<AcmeEvent> history;
  for (int i = 0; i < 100; ++i) OrderAndIssue(&history, {Host(i)}, kT0 - 8 * kDay + i);
  for (int i = 0; i < 10; ++i) history.push_back(Failed("shop.acme.com", kT0 - 2 * kHour + i));
  history.push_back(RateLimited({"shop.acme.com"}, kT0 - kMinute));  // already past
  EXPECT_TRUE(budget_.Check({"shop.acme.com"}, kT0, history).allowed);
  EXPECT_TRUE(budget_.Check({Host(200)}, kT0, history).allowed);
}

}  // namespace
}  // namespace md
