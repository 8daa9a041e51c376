// PublicSuffixList: registered domains as Let's Encrypt counts them, with
// Debian's list, its fallbacks, and refusals of what is not a domain.

#include "service/registered_domain.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace md {
namespace {

std::string Domain(const PublicSuffixList& psl, const std::string& host) {
  Result<std::string> d = psl.RegisteredDomain(host);
  return d.ok() ? *d : "error: " + d.status().message();
}

TEST(RegisteredDomainTest, ReducesAHostToItsRegisteredDomain) {
  PublicSuffixList psl;
  EXPECT_EQ(Domain(psl, "a.b.example.co.uk"), "example.co.uk");
  EXPECT_EQ(Domain(psl, "example.co.uk"), "example.co.uk");
  EXPECT_EQ(Domain(psl, "www.example.com"), "example.com");
  EXPECT_EQ(Domain(psl, "example.com"), "example.com");
  EXPECT_EQ(Domain(psl, "WWW.Example.COM"), "example.com");
  EXPECT_EQ(Domain(psl, "xn--bcher-kva.example.de"), "example.de");
}

TEST(RegisteredDomainTest, DropsALeadingWildcardAndATrailingDot) {
  PublicSuffixList psl;
  EXPECT_EQ(Domain(psl, "*.example.test"), "example.test");
  EXPECT_EQ(Domain(psl, "*.md.example.co.uk"), "example.co.uk");
  EXPECT_EQ(Domain(psl, "shop.example.com."), "example.com");
}

TEST(RegisteredDomainTest, AnUnknownTopLevelDomainFollowsTheDefaultRule) {
  PublicSuffixList psl;
  EXPECT_EQ(Domain(psl, "example.test"), "example.test");
  EXPECT_EQ(Domain(psl, "x.y.example.test"), "example.test");
  EXPECT_EQ(Domain(psl, "acme.example.internal"), "example.internal");
}

TEST(RegisteredDomainTest, PrivateSuffixesMakeSeparateRegisteredDomains) {
  PublicSuffixList psl;
  EXPECT_EQ(Domain(psl, "a.github.io"), "a.github.io");
  EXPECT_EQ(Domain(psl, "b.github.io"), "b.github.io");
  EXPECT_EQ(Domain(psl, "www.a.github.io"), "a.github.io");
}

TEST(RegisteredDomainTest, FollowsWildcardAndExceptionRules) {
  PublicSuffixList psl;
  // *.kawasaki.jp and !city.kawasaki.jp
  EXPECT_EQ(Domain(psl, "www.foo.bar.kawasaki.jp"), "foo.bar.kawasaki.jp");
  EXPECT_EQ(Domain(psl, "www.city.kawasaki.jp"), "city.kawasaki.jp");
}

TEST(RegisteredDomainTest, RefusesAPublicSuffixItself) {
  PublicSuffixList psl;
  for (const char* host : {"co.uk", "com", "test", "github.io", "*.co.uk", "localhost", "bar.kawasaki.jp"}) {
    Result<std::string> d = psl.RegisteredDomain(host);
    ASSERT_FALSE(d.ok()) << host << " -> " << *d;
    EXPECT_EQ(d.status().code(), Code::kInvalidArgument) << host;
    EXPECT_NE(d.status().message().find("public suffix"), std::string::npos) << d.status().message();
  }
}

TEST(RegisteredDomainTest, RefusesWhatIsNotAnAsciiHostName) {
  PublicSuffixList psl;
  const std::string long_label(64, 'a');
  std::string too_long;
  while (too_long.size() <= 253) too_long += "abcdefghi.";
  too_long += "com";
  for (const std::string& host :
       {std::string(""), std::string("*."), std::string("."), std::string("a..example.com"),
        std::string("-a.example.com"), std::string("a-.example.com"), std::string("a_b.example.com"),
        std::string("a b.example.com"), std::string("1.2.3.4"), std::string("b\xc3\xbc.example.de"),
        std::string("**.example.com"), std::string("a.*.example.com"), long_label + ".com", too_long,
        std::string("example.com.."), std::string("exa\nmple.com")}) {
    Result<std::string> d = psl.RegisteredDomain(host);
    EXPECT_FALSE(d.ok()) << "'" << host << "' -> " << (d.ok() ? *d : "");
    if (!d.ok()) {
      EXPECT_EQ(d.status().code(), Code::kInvalidArgument) << host;
      EXPECT_EQ(d.status().message().find('\n'), std::string::npos) << host;
    }
  }
}

TEST(RegisteredDomainTest, LoadsDebiansListWhenInstalled) {
  if (access(PublicSuffixList::kDebianListPath, R_OK) != 0) GTEST_SKIP() << "no " << PublicSuffixList::kDebianListPath;
  PublicSuffixList psl;
  EXPECT_EQ(psl.source(), PublicSuffixList::kDebianListPath);
}

TEST(RegisteredDomainTest, FromFileLoadsTheTextListAndReportsAMissingFile) {
  const char* dat = "/usr/share/publicsuffix/public_suffix_list.dat";
  if (access(dat, R_OK) != 0) GTEST_SKIP() << "no " << dat;
  auto psl = PublicSuffixList::FromFile(dat);
  ASSERT_TRUE(psl.ok()) << psl.status().ToString();
  EXPECT_EQ((*psl)->source(), dat);
  EXPECT_EQ(Domain(**psl, "a.b.example.co.uk"), "example.co.uk");
  EXPECT_EQ(Domain(**psl, "a.github.io"), "a.github.io");

  auto missing = PublicSuffixList::FromFile("/nonexistent/public_suffix_list.dat");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kUnavailable);
}

TEST(RegisteredDomainTest, ConcurrentLookupsAgree) {
  PublicSuffixList psl;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&psl, &wrong, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string host = "h" + std::to_string(i) + ".t" + std::to_string(t) + ".example.co.uk";
        Result<std::string> d = psl.RegisteredDomain(host);
        if (!d.ok() || *d != "example.co.uk") ++wrong;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace md
