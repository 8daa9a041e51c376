// The DNS driver's logic that needs no server: the checks both backends share
// (dns_records.h), the mapping of UPDATE answers to a Status, and the
// FakeDnsUpdater's controls. Its DnsUpdater behaviour is checked against a
// real Knot DNS by tests/integration/dns_updater_test.cc.

#include <gtest/gtest.h>

#include "drivers/dns/dns_records.h"
#include "drivers/dns/fake_dns_updater.h"
#include "drivers/dns/rfc2136_updater.h"

namespace md {
namespace {

using Values = std::vector<std::string>;

TEST(DnsRecords, NamesAreFoldedAndMustBeInTheZone) {
  EXPECT_EQ(*dns_records::CheckName("example.test", "ACME.Example.Test"), "acme.example.test");
  EXPECT_EQ(*dns_records::CheckName("example.test", "example.test"), "example.test");
  EXPECT_EQ(*dns_records::CheckName("example.test", "*.acme.example.test"), "*.acme.example.test");
  EXPECT_EQ(*dns_records::CheckName("example.test", "_acme-challenge.example.test"), "_acme-challenge.example.test");
  for (const std::string name : {"xexample.test", "example.test.x", "test", "a.*.example.test", "*x.example.test",
                                 "a-.example.test"}) {
    EXPECT_EQ(dns_records::CheckName("example.test", name).status().code(), Code::kInvalidArgument) << name;
  }
  std::string longest_label = std::string(63, 'a') + ".example.test";
  EXPECT_TRUE(dns_records::CheckName("example.test", longest_label).ok());
  EXPECT_FALSE(dns_records::CheckName("example.test", "a" + longest_label).ok());
}

TEST(DnsRecords, DomainNamesRefuseWildcardsAndTrailingDots) {
  EXPECT_EQ(*dns_records::CheckDomainName("zone", "Example.TEST"), "example.test");
  EXPECT_FALSE(dns_records::CheckDomainName("zone", "*.example.test").ok());
  Status s = dns_records::CheckDomainName("TSIG key name", "key.").status();
  EXPECT_EQ(s.message(), "DNS TSIG key name 'key.' must not end with a dot");
}

TEST(DnsRecords, ValuesAreWrittenCanonically) {
  EXPECT_EQ(*dns_records::CanonicalValue("AAAA", "2001:DB8:0000::1"), "2001:db8::1");
  EXPECT_EQ(*dns_records::CanonicalValue("AAAA", "::ffff:192.0.2.1"), "::ffff:192.0.2.1");
  EXPECT_EQ(*dns_records::CanonicalValue("A", "192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(*dns_records::CanonicalValue("TXT", "v=spf1 -all"), "v=spf1 -all");
  EXPECT_EQ(*dns_records::CanonicalValues("A", {"192.0.2.2", "192.0.2.1", "192.0.2.2"}),
            (Values{"192.0.2.1", "192.0.2.2"}));
  EXPECT_FALSE(dns_records::CanonicalValues("A", {}).ok());
  EXPECT_FALSE(dns_records::CanonicalValues("A", {"192.0.2.1", "nope"}).ok());
  Status s = dns_records::CanonicalValue("A", "1.2.3.4\n").status();
  EXPECT_EQ(s.message(), "DNS A value '1.2.3.4\\x0a' is not an IPv4 address");
}

TEST(DnsRecords, TtlsAreBounded) {
  EXPECT_TRUE(dns_records::CheckTtl(1).ok());
  EXPECT_TRUE(dns_records::CheckTtl(dns_records::kMaxTtl).ok());
  EXPECT_FALSE(dns_records::CheckTtl(0).ok());
  EXPECT_FALSE(dns_records::CheckTtl(dns_records::kMaxTtl + 1).ok());
}

TEST(Rfc2136AnswerStatus, MapsEachRefusalToOneClearLine) {
  const Rfc2136Settings s = {.server = "192.0.2.53", .zone = "example.test", .tsig_key_name = "md-update",
                             .tsig_secret = "c2VjcmV0LXMzY3IzdA=="};
  const std::string name = "acme.example.test";
  EXPECT_TRUE(UpdateAnswerStatus(0, 0, name, s).ok());
  Status refused = UpdateAnswerStatus(5, 0, name, s);
  EXPECT_EQ(refused.code(), Code::kFailedPrecondition);
  EXPECT_EQ(refused.message(),
            "DNS server 192.0.2.53:53 refused the update of acme.example.test (check the zone's update ACL)");
  EXPECT_EQ(UpdateAnswerStatus(10, 0, name, s).code(), Code::kInvalidArgument);  // NOTZONE
  EXPECT_EQ(UpdateAnswerStatus(2, 0, name, s).code(), Code::kUnavailable);       // SERVFAIL
  Status notimp = UpdateAnswerStatus(4, 0, name, s);
  EXPECT_EQ(notimp.code(), Code::kInternal);
  EXPECT_NE(notimp.message().find("NOTIMPL"), std::string::npos) << notimp.message();
  // NOTAUTH, alone or with a TSIG error: the key is named, never the secret.
  for (int tsig_error : {0, 16, 17, 18, 22}) {
    Status st = UpdateAnswerStatus(9, tsig_error, name, s);
    EXPECT_EQ(st.code(), Code::kFailedPrecondition) << tsig_error;
    EXPECT_NE(st.message().find("TSIG key md-update"), std::string::npos) << st.message();
    EXPECT_EQ(st.message().find("c2VjcmV0"), std::string::npos) << st.message();
  }
  EXPECT_NE(UpdateAnswerStatus(9, 18, name, s).message().find("BADTIME"), std::string::npos);
}

TEST(FakeDnsUpdater, FailNextFailsOnlyTheNextCallAndChangesNothing) {
  FakeDnsUpdater dns("example.test");
  dns.FailNext(Unavailable("flaky"));
  EXPECT_EQ(dns.Replace("a.example.test", "A", {"192.0.2.1"}, 300).code(), Code::kUnavailable);
  EXPECT_EQ(*dns.Lookup("a.example.test", "A"), Values{});
  ASSERT_TRUE(dns.Replace("a.example.test", "A", {"192.0.2.1"}, 300).ok());
  dns.FailNext(Internal("boom"));
  EXPECT_EQ(dns.Lookup("a.example.test", "A").status().code(), Code::kInternal);
  EXPECT_EQ(*dns.Lookup("a.example.test", "A"), Values{"192.0.2.1"});
}

TEST(FakeDnsUpdater, ChecksComeBeforeTheFaultSwitches) {
  FakeDnsUpdater dns("example.test");
  dns.SetDown(true);
  dns.FailNext(Internal("boom"));
  EXPECT_EQ(dns.Remove("a.other.test", "A").code(), Code::kInvalidArgument);
  EXPECT_EQ(dns.Remove("a.example.test", "A").code(), Code::kInternal);
  EXPECT_EQ(dns.Remove("a.example.test", "A").code(), Code::kUnavailable);
  dns.SetDown(false);
  EXPECT_TRUE(dns.Remove("a.example.test", "A").ok());
}

TEST(FakeDnsUpdater, RecordsTheCallsThatPassTheChecks) {
  FakeDnsUpdater dns("example.test");
  ASSERT_TRUE(dns.Replace("A.example.test", "AAAA", {"2001:DB8::1"}, 300).ok());
  ASSERT_TRUE(dns.Add({"t.example.test", "TXT", "token"}).ok());
  ASSERT_TRUE(dns.RemoveValue({"t.example.test", "TXT", "token"}).ok());
  EXPECT_FALSE(dns.Add({"t.example.test", "MX", "x"}).ok());
  EXPECT_EQ(dns.Calls(), (Values{"Replace a.example.test AAAA 2001:db8::1", "Add t.example.test TXT token",
                                 "RemoveValue t.example.test TXT token"}));
  dns.ClearCalls();
  EXPECT_TRUE(dns.Calls().empty());
}

}  // namespace
}  // namespace md
