// DnsUpdater contract, run against Rfc2136Updater (a throwaway Knot DNS per
// test, tests/support/knot_fixture.h) and FakeDnsUpdater, so that the fake
// cannot drift from the real thing; then Rfc2136Updater-only checks: TSIG
// refusals, records seen by kdig, algorithms, timeouts, threads.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

#include "../support/knot_fixture.h"
#include "drivers/dns/fake_dns_updater.h"
#include "drivers/dns/rfc2136_updater.h"

namespace md {
namespace {

using Values = std::vector<std::string>;
using Clock = std::chrono::steady_clock;

constexpr int kTimeoutMs = 1000;

Rfc2136Settings SettingsFor(const test::KnotFixture& knot) {
  return {.server = knot.server(),
          .port = knot.port(),
          .zone = knot.zone(),
          .tsig_key_name = knot.key_name(),
          .tsig_algorithm = knot.algorithm(),
          .tsig_secret = knot.secret(),
          .timeout_ms = kTimeoutMs};
}

std::unique_ptr<Rfc2136Updater> MustCreate(const Rfc2136Settings& settings) {
  auto updater = Rfc2136Updater::Create(settings);
  if (!updater.ok()) throw std::runtime_error("Rfc2136Updater::Create: " + updater.status().message());
  return std::move(updater).value();
}

std::unique_ptr<test::KnotFixture> MustStartKnot(test::KnotOptions options = {}) {
  auto knot = test::KnotFixture::Start(std::move(options));
  if (!knot.ok()) throw std::runtime_error("cannot start knotd: " + knot.status().message());
  return std::move(knot).value();
}

// ---------------------------------------------------------------------------
// Backends: what the contract suite needs beyond the DnsUpdater interface.

class Backend {
 public:
  virtual ~Backend() = default;
  virtual DnsUpdater& dns() = 0;
  // Makes the server unreachable, then reachable again.
  virtual void Down() = 0;
  virtual Status Up() = 0;
};

class KnotBackend final : public Backend {
 public:
  KnotBackend() : knot_(MustStartKnot()), updater_(MustCreate(SettingsFor(*knot_))) {}
  DnsUpdater& dns() override { return *updater_; }
  void Down() override { knot_->Stop(); }
  Status Up() override { return knot_->Restart(); }

 private:
  std::unique_ptr<test::KnotFixture> knot_;
  std::unique_ptr<Rfc2136Updater> updater_;
};

class FakeBackend final : public Backend {
 public:
  DnsUpdater& dns() override { return fake_; }
  void Down() override { fake_.SetDown(true); }
  Status Up() override {
    fake_.SetDown(false);
    return Status::Ok();
  }

 private:
  FakeDnsUpdater fake_{"example.test"};
};

// ---------------------------------------------------------------------------
// The contract.

template <typename B>
class DnsUpdaterContract : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      backend_ = std::make_unique<B>();
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
  }
  DnsUpdater& dns() { return backend_->dns(); }
  Values Lookup(const std::string& name, const std::string& type) {
    auto r = dns().Lookup(name, type);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : Values{"<error>"};
  }

  std::unique_ptr<Backend> backend_;
};

using Backends = ::testing::Types<KnotBackend, FakeBackend>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, KnotBackend> ? "Knot" : "Fake";
  }
};
TYPED_TEST_SUITE(DnsUpdaterContract, Backends, BackendNames);

TYPED_TEST(DnsUpdaterContract, ReplaceThenLookupReturnsTheAddress) {
  ASSERT_TRUE(this->dns().Replace("acme.example.test", "A", {"192.0.2.10"}, 300).ok());
  EXPECT_EQ(this->Lookup("acme.example.test", "A"), Values{"192.0.2.10"});
  EXPECT_EQ(this->dns().zone(), "example.test");
}

TYPED_TEST(DnsUpdaterContract, ReplaceAgainDropsTheOldValues) {
  ASSERT_TRUE(this->dns().Replace("acme.example.test", "A", {"192.0.2.10"}, 300).ok());
  ASSERT_TRUE(this->dns().Replace("acme.example.test", "A", {"192.0.2.11"}, 300).ok());
  EXPECT_EQ(this->Lookup("acme.example.test", "A"), Values{"192.0.2.11"});
  ASSERT_TRUE(this->dns().Replace("acme.example.test", "A", {"192.0.2.13", "192.0.2.12", "192.0.2.13"}, 60).ok());
  EXPECT_EQ(this->Lookup("acme.example.test", "A"), (Values{"192.0.2.12", "192.0.2.13"}));
}

TYPED_TEST(DnsUpdaterContract, ReplaceIsIdempotent) {
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(this->dns().Replace("acme.example.test", "A", {"192.0.2.10"}, 300).ok());
  }
  EXPECT_EQ(this->Lookup("acme.example.test", "A"), Values{"192.0.2.10"});
}

TYPED_TEST(DnsUpdaterContract, AaaaValuesComeBackCanonical) {
  ASSERT_TRUE(this->dns().Replace("acme.example.test", "AAAA", {"2001:DB8:0:0::0001"}, 300).ok());
  EXPECT_EQ(this->Lookup("acme.example.test", "AAAA"), Values{"2001:db8::1"});
  EXPECT_EQ(this->Lookup("acme.example.test", "A"), Values{});
}

TYPED_TEST(DnsUpdaterContract, TxtAddKeepsOtherValuesAndRemovesOneOrAll) {
  const std::string name = "_acme-challenge.acme.example.test";
  ASSERT_TRUE(this->dns().Add({name, "TXT", "apex-token_0123456789abcdefghijklmnopqrstuvw", 60}).ok());
  ASSERT_TRUE(this->dns().Add({name, "TXT", "wildcard-token with spaces", 60}).ok());
  ASSERT_TRUE(this->dns().Add({name, "TXT", "wildcard-token with spaces", 60}).ok());  // idempotent
  EXPECT_EQ(this->Lookup(name, "TXT"),
            (Values{"apex-token_0123456789abcdefghijklmnopqrstuvw", "wildcard-token with spaces"}));
  ASSERT_TRUE(this->dns().RemoveValue({name, "TXT", "apex-token_0123456789abcdefghijklmnopqrstuvw"}).ok());
  EXPECT_EQ(this->Lookup(name, "TXT"), Values{"wildcard-token with spaces"});
  ASSERT_TRUE(this->dns().Remove(name, "TXT").ok());
  EXPECT_EQ(this->Lookup(name, "TXT"), Values{});
}

TYPED_TEST(DnsUpdaterContract, RemovingWhatIsAbsentSucceeds) {
  EXPECT_TRUE(this->dns().Remove("nothing.example.test", "TXT").ok());
  EXPECT_TRUE(this->dns().RemoveValue({"nothing.example.test", "A", "192.0.2.1"}).ok());
  ASSERT_TRUE(this->dns().Add({"acme.example.test", "TXT", "kept"}).ok());
  EXPECT_TRUE(this->dns().RemoveValue({"acme.example.test", "TXT", "never-added"}).ok());
  EXPECT_EQ(this->Lookup("acme.example.test", "TXT"), Values{"kept"});
  EXPECT_EQ(this->Lookup("nothing.example.test", "A"), Values{});
}

TYPED_TEST(DnsUpdaterContract, EachTypeIsItsOwnRecordSet) {
  ASSERT_TRUE(this->dns().Replace("acme.example.test", "A", {"192.0.2.10"}, 300).ok());
  ASSERT_TRUE(this->dns().Replace("acme.example.test", "TXT", {"hello"}, 300).ok());
  ASSERT_TRUE(this->dns().Remove("acme.example.test", "TXT").ok());
  EXPECT_EQ(this->Lookup("acme.example.test", "A"), Values{"192.0.2.10"});
  EXPECT_EQ(this->Lookup("acme.example.test", "TXT"), Values{});
}

TYPED_TEST(DnsUpdaterContract, SshfpRecordsRoundTripCanonical) {
  const std::string ed25519 = "4 2 17DFC1FA0CF0A8A671D4AF12DF46C730E4BB8E957B78DFAA31F3EB5D05C03FAF";
  const std::string rsa = "1 2 0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
  ASSERT_TRUE(this->dns().Replace("acme.example.test", "SSHFP", {ed25519, rsa}, 300).ok());
  EXPECT_EQ(this->Lookup("acme.example.test", "SSHFP"),
            (Values{rsa, "4 2 17dfc1fa0cf0a8a671d4af12df46c730e4bb8e957b78dfaa31f3eb5d05c03faf"}));
  ASSERT_TRUE(this->dns().Remove("acme.example.test", "SSHFP").ok());
  EXPECT_EQ(this->Lookup("acme.example.test", "SSHFP"), Values{});
}

TYPED_TEST(DnsUpdaterContract, ApexWildcardAndUpperCaseNames) {
  ASSERT_TRUE(this->dns().Replace("example.test", "A", {"192.0.2.1"}, 300).ok());
  ASSERT_TRUE(this->dns().Replace("*.acme.example.test", "A", {"192.0.2.2"}, 300).ok());
  ASSERT_TRUE(this->dns().Replace("Big.Example.TEST", "A", {"192.0.2.3"}, 300).ok());
  EXPECT_EQ(this->Lookup("example.test", "A"), Values{"192.0.2.1"});
  EXPECT_EQ(this->Lookup("*.acme.example.test", "A"), Values{"192.0.2.2"});
  EXPECT_EQ(this->Lookup("big.example.test", "A"), Values{"192.0.2.3"});
}

TYPED_TEST(DnsUpdaterContract, NamesOutsideTheZoneAreInvalidArgument) {
  for (const std::string name : {"acme.other.test", "notexample.test", "example.test.evil", "test"}) {
    EXPECT_EQ(this->dns().Replace(name, "A", {"192.0.2.1"}, 300).code(), Code::kInvalidArgument) << name;
    EXPECT_EQ(this->dns().Add({name, "TXT", "x"}).code(), Code::kInvalidArgument) << name;
    EXPECT_EQ(this->dns().Remove(name, "A").code(), Code::kInvalidArgument) << name;
    EXPECT_EQ(this->dns().Lookup(name, "A").status().code(), Code::kInvalidArgument) << name;
  }
  Status s = this->dns().Replace("acme.other.test", "A", {"192.0.2.1"}, 300);
  EXPECT_NE(s.message().find("not in zone example.test"), std::string::npos) << s.message();
}

TYPED_TEST(DnsUpdaterContract, HostileNamesAreInvalidArgument) {
  const std::string names[] = {
      "",
      "a;b.example.test",
      "a..example.test",
      ".example.test",
      "acme.example.test.",
      std::string(64, 'a') + ".example.test",
      std::string("a\0b.example.test", 16),
      "a b.example.test",
      "-a.example.test",
      "a*.example.test",
      "acme.*.example.test",
      "caf\xc3\xa9.example.test",
      "$(reboot).example.test",
      "a\n.example.test",
      std::string(50, 'a') + "." + std::string(50, 'b') + "." + std::string(50, 'c') + "." + std::string(50, 'd') +
          "." + std::string(50, 'e') + ".example.test",
  };
  for (const auto& name : names) {
    Status s = this->dns().Replace(name, "A", {"192.0.2.1"}, 300);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << name;
    EXPECT_EQ(s.message().find('\n'), std::string::npos) << s.message();
    EXPECT_EQ(this->dns().RemoveValue({name, "TXT", "x"}).code(), Code::kInvalidArgument) << name;
    EXPECT_EQ(this->dns().Lookup(name, "TXT").status().code(), Code::kInvalidArgument) << name;
  }
}

TYPED_TEST(DnsUpdaterContract, BadTypesValuesAndTtlsAreInvalidArgument) {
  const std::string name = "acme.example.test";
  struct Case {
    std::string type;
    std::string value;
  };
  const Case cases[] = {
      {"A", "300.1.1.1"},       {"A", "1.2.3"},          {"A", "::1"},          {"A", "01.2.3.4"},
      {"A", std::string("1.2.3.4\0x", 9)}, {"AAAA", "192.0.2.1"}, {"AAAA", "fe80::1%eth0"}, {"TXT", ""},
      {"TXT", std::string(256, 'x')},      {"TXT", "line\nbreak"}, {"TXT", "caf\xc3\xa9"},   {"CNAME", "a.example.test"},
      {"a", "192.0.2.1"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(this->dns().Add({name, c.type, c.value}).code(), Code::kInvalidArgument) << c.type << " " << c.value;
    EXPECT_EQ(this->dns().Replace(name, c.type, {c.value}, 300).code(), Code::kInvalidArgument) << c.type;
  }
  EXPECT_TRUE(this->dns().Add({name, "TXT", std::string(255, 'x')}).ok());
  EXPECT_EQ(this->dns().Replace(name, "A", {}, 300).code(), Code::kInvalidArgument);
  EXPECT_EQ(this->dns().Replace(name, "A", {"192.0.2.1"}, 0).code(), Code::kInvalidArgument);
  EXPECT_EQ(this->dns().Add({name, "A", "192.0.2.1", -5}).code(), Code::kInvalidArgument);
  EXPECT_EQ(this->dns().Remove(name, "MX").code(), Code::kInvalidArgument);
  EXPECT_EQ(this->Lookup(name, "A"), Values{});
}

TYPED_TEST(DnsUpdaterContract, UnavailableWhileTheServerIsDownThenWorksAgain) {
  ASSERT_TRUE(this->dns().Replace("acme.example.test", "A", {"192.0.2.10"}, 300).ok());
  this->backend_->Down();
  EXPECT_EQ(this->dns().Replace("acme.example.test", "A", {"192.0.2.11"}, 300).code(), Code::kUnavailable);
  EXPECT_EQ(this->dns().Remove("acme.example.test", "A").code(), Code::kUnavailable);
  EXPECT_EQ(this->dns().Lookup("acme.example.test", "A").status().code(), Code::kUnavailable);
  // Checks still come first.
  EXPECT_EQ(this->dns().Remove("a;b.example.test", "A").code(), Code::kInvalidArgument);
  ASSERT_TRUE(this->backend_->Up().ok());
  EXPECT_EQ(this->Lookup("acme.example.test", "A"), Values{"192.0.2.10"});
  ASSERT_TRUE(this->dns().Replace("acme.example.test", "A", {"192.0.2.11"}, 300).ok());
  EXPECT_EQ(this->Lookup("acme.example.test", "A"), Values{"192.0.2.11"});
}

// ---------------------------------------------------------------------------
// Rfc2136Updater against Knot only.

class Rfc2136Knot : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      knot_ = MustStartKnot();
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
  }
  Values Dig(const std::string& name, const std::string& type) {
    auto r = knot_->Dig(name, type);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : Values{"<error>"};
  }

  std::unique_ptr<test::KnotFixture> knot_;
};

TEST_F(Rfc2136Knot, KdigSeesWhatWasWritten) {
  auto dns = MustCreate(SettingsFor(*knot_));
  ASSERT_TRUE(dns->Replace("acme.example.test", "A", {"192.0.2.20", "192.0.2.21"}, 120).ok());
  ASSERT_TRUE(dns->Replace("acme.example.test", "AAAA", {"2001:db8::20"}, 120).ok());
  ASSERT_TRUE(dns->Add({"_acme-challenge.acme.example.test", "TXT", "token one", 60}).ok());
  ASSERT_TRUE(dns->Add({"_acme-challenge.acme.example.test", "TXT", "token-two", 60}).ok());
  EXPECT_EQ(Dig("acme.example.test", "A"), (Values{"192.0.2.20", "192.0.2.21"}));
  EXPECT_EQ(Dig("acme.example.test", "AAAA"), Values{"2001:db8::20"});
  EXPECT_EQ(Dig("_acme-challenge.acme.example.test", "TXT"), (Values{"\"token one\"", "\"token-two\""}));
  ASSERT_TRUE(dns->Remove("acme.example.test", "A").ok());
  EXPECT_EQ(Dig("acme.example.test", "A"), Values{});
  EXPECT_EQ(Dig("acme.example.test", "AAAA"), Values{"2001:db8::20"});
}

TEST_F(Rfc2136Knot, RefusedKeysAreFailedPreconditionNamingTheKeyButNeverTheSecret) {
  Rfc2136Settings wrong_secret = SettingsFor(*knot_);
  wrong_secret.tsig_secret = knot_->other_secret();
  Rfc2136Settings unknown_key = SettingsFor(*knot_);
  unknown_key.tsig_key_name = "md-nobody";
  Rfc2136Settings not_in_acl = SettingsFor(*knot_);
  not_in_acl.tsig_key_name = knot_->other_key_name();
  not_in_acl.tsig_secret = knot_->other_secret();
  Rfc2136Settings wrong_algorithm = SettingsFor(*knot_);
  wrong_algorithm.tsig_algorithm = "hmac-sha512";
  for (const auto& [settings, expected] : {std::pair{wrong_secret, "BADSIG"}, std::pair{unknown_key, "BADKEY"},
                                           std::pair{not_in_acl, "BADKEY"}, std::pair{wrong_algorithm, "BADKEY"}}) {
    auto dns = MustCreate(settings);
    Status s = dns->Replace("acme.example.test", "A", {"192.0.2.30"}, 300);
    EXPECT_EQ(s.code(), Code::kFailedPrecondition) << s.message();
    EXPECT_NE(s.message().find("TSIG key " + settings.tsig_key_name), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(expected), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find(knot_->secret()), std::string::npos);
    EXPECT_EQ(s.message().find(knot_->other_secret()), std::string::npos);
    EXPECT_EQ(dns->RemoveValue({"acme.example.test", "A", "192.0.2.30"}).code(), Code::kFailedPrecondition);
  }
  EXPECT_EQ(Dig("acme.example.test", "A"), Values{});
}

TEST_F(Rfc2136Knot, ZoneTheServerDoesNotServeIsFailedPrecondition) {
  Rfc2136Settings settings = SettingsFor(*knot_);
  settings.zone = "other.test";
  auto dns = MustCreate(settings);
  Status s = dns->Replace("acme.other.test", "A", {"192.0.2.1"}, 300);
  EXPECT_EQ(s.code(), Code::kFailedPrecondition) << s.message();
  EXPECT_NE(s.message().find("not authoritative for zone other.test"), std::string::npos) << s.message();
  auto lookup = dns->Lookup("acme.other.test", "A");
  EXPECT_EQ(lookup.status().code(), Code::kFailedPrecondition) << lookup.status().message();
}

TEST_F(Rfc2136Knot, BadInputIsRefusedBeforeAnythingIsSent) {
  auto dns = MustCreate(SettingsFor(*knot_));
  knot_->Stop();  // anything sent would be Unavailable
  EXPECT_EQ(dns->Replace("acme.other.test", "A", {"192.0.2.1"}, 300).code(), Code::kInvalidArgument);
  EXPECT_EQ(dns->Add({"a;b.example.test", "TXT", "x"}).code(), Code::kInvalidArgument);
  EXPECT_EQ(dns->Add({"acme.example.test", "A", "not-an-address"}).code(), Code::kInvalidArgument);
  EXPECT_EQ(dns->Lookup("acme.example.test", "SOA").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(knot_->Log().find("DDNS"), std::string::npos) << knot_->Log();
}

TEST_F(Rfc2136Knot, StoppedServerIsUnavailableAtOnce) {
  auto dns = MustCreate(SettingsFor(*knot_));
  knot_->Stop();
  auto start = Clock::now();
  Status s = dns->Replace("acme.example.test", "A", {"192.0.2.1"}, 300);
  EXPECT_EQ(s.code(), Code::kUnavailable) << s.message();
  EXPECT_NE(s.message().find("127.0.0.1:" + std::to_string(knot_->port())), std::string::npos) << s.message();
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(kTimeoutMs));
}

TEST(Rfc2136Updater, SilentServerIsUnavailableAfterTheTimeout) {
  // Accepts connections (the kernel does, from the backlog) but never answers.
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 8), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  auto dns = MustCreate({.server = "127.0.0.1",
                         .port = ntohs(addr.sin_port),
                         .zone = "example.test",
                         .tsig_key_name = "md-update",
                         .tsig_secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQ=",
                         .timeout_ms = 300});
  auto start = Clock::now();
  Status s = dns->Replace("acme.example.test", "A", {"192.0.2.1"}, 300);
  auto elapsed = Clock::now() - start;
  EXPECT_EQ(s.code(), Code::kUnavailable) << s.message();
  EXPECT_GE(elapsed, std::chrono::milliseconds(250));
  EXPECT_LT(elapsed, std::chrono::milliseconds(2000));
  EXPECT_EQ(dns->Lookup("acme.example.test", "A").status().code(), Code::kUnavailable);
  close(fd);
}

TEST(Rfc2136Updater, EachSupportedAlgorithmSigns) {
  for (const std::string algorithm : {"hmac-sha1", "hmac-sha256", "hmac-sha512"}) {
    std::unique_ptr<test::KnotFixture> knot;
    ASSERT_NO_THROW(knot = MustStartKnot({.zone = "example.test", .algorithm = algorithm}));
    auto dns = MustCreate(SettingsFor(*knot));
    Status s = dns->Replace("acme.example.test", "A", {"192.0.2.40"}, 300);
    EXPECT_TRUE(s.ok()) << algorithm << ": " << s.message();
    auto dig = knot->Dig("acme.example.test", "A");
    ASSERT_TRUE(dig.ok());
    EXPECT_EQ(*dig, Values{"192.0.2.40"}) << algorithm;
  }
}

TEST(Rfc2136Updater, CreateRefusesBadSettingsWithoutQuotingTheSecret) {
  const Rfc2136Settings good = {.server = "127.0.0.1",
                                .port = 53,
                                .zone = "Example.Test",
                                .tsig_key_name = "md-update",
                                .tsig_secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQ=",
                                .timeout_ms = 1000};
  auto created = Rfc2136Updater::Create(good);
  ASSERT_TRUE(created.ok()) << created.status().message();
  EXPECT_EQ((*created)->zone(), "example.test");
  EXPECT_TRUE(Rfc2136Updater::Create({.server = "::1", .zone = "example.test", .tsig_key_name = "k",
                                      .tsig_secret = "c2VjcmV0"})
                  .ok());
  std::vector<Rfc2136Settings> bad(9, good);
  bad[0].server = "localhost";
  bad[1].server = "";
  bad[2].port = 0;
  bad[3].zone = "a..b";
  bad[4].tsig_key_name = "";
  bad[5].tsig_algorithm = "hmac-sha384";
  bad[6].tsig_secret = "not base64 s3cr3t!";
  bad[7].tsig_secret = "";
  bad[8].timeout_ms = 0;
  for (const auto& settings : bad) {
    auto r = Rfc2136Updater::Create(settings);
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << r.status().message();
    EXPECT_EQ(r.status().message().find("s3cr3t"), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().find("c2VjcmV0"), std::string::npos) << r.status().message();
  }
  EXPECT_NE(Rfc2136Updater::Create(bad[5]).status().message().find("libldns"), std::string::npos);
}

TEST_F(Rfc2136Knot, ConcurrentAddsFromManyThreadsAllLand) {
  auto dns = MustCreate(SettingsFor(*knot_));
  std::vector<std::thread> threads;
  std::vector<Status> results(8);
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = dns->Add({"many.example.test", "TXT", "value-" + std::to_string(i)}); });
  }
  for (auto& t : threads) t.join();
  for (const auto& s : results) EXPECT_TRUE(s.ok()) << s.message();
  auto values = dns->Lookup("many.example.test", "TXT");
  ASSERT_TRUE(values.ok()) << values.status().message();
  EXPECT_EQ(values->size(), results.size());
}

}  // namespace
}  // namespace md
