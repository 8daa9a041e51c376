#include <gtest/gtest.h>

#include "core/process.h"
#include "core/validate.h"

#include <vector>

namespace md {
namespace {

TEST(ValidateSubdomain, AcceptsRfc1123Labels) {
  EXPECT_TRUE(ValidateSubdomain("acme").ok());
  EXPECT_TRUE(ValidateSubdomain("a").ok());
  EXPECT_TRUE(ValidateSubdomain("team-42").ok());
  EXPECT_TRUE(ValidateSubdomain(std::string(63, 'a')).ok());
}

TEST(ValidateSubdomain, RefusesMalformedLabels) {
  for (const std::string& bad : std::vector<std::string>{"", "-acme", "acme-", "Acme", "ac_me", "ac.me", "a b", "acme;rm", "..",
                          "xn--abc", "ab--c", std::string(64, 'a'), std::string("a\0b", 3), "caf\xc3\xa9"}) {
    Status s = ValidateSubdomain(bad);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << bad;
  }
}

TEST(ValidateSubdomain, RefusesReservedNames) {
  for (const char* name : {"www", "api", "admin", "mail", "ftp"}) {
    Status s = ValidateSubdomain(name);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << name;
    EXPECT_NE(s.message().find("reserved"), std::string::npos);
  }
}

TEST(ValidateEmail, AcceptsOrdinaryAddresses) {
  EXPECT_TRUE(ValidateEmail("ann@example.com").ok());
  EXPECT_TRUE(ValidateEmail("ann.lee+tag@mail.example.co.uk").ok());
}

TEST(ValidateEmail, RefusesMalformedAddresses) {
  for (const char* bad : {"", "ann", "ann@", "@example.com", "ann@@example.com", "ann@example",
                          "ann@exa mple.com", "a n@example.com", "ann@-example.com", ".ann@example.com",
                          "ann'; DROP TABLE x;--@example.com"}) {
    EXPECT_EQ(ValidateEmail(bad).code(), Code::kInvalidArgument) << bad;
  }
}

TEST(ValidateEnvKey, AcceptsVariableNamesOnly) {
  EXPECT_TRUE(ValidateEnvKey("MELTANO_UI_READONLY").ok());
  EXPECT_TRUE(ValidateEnvKey("_x1").ok());
  for (const char* bad : {"", "1ABC", "A-B", "A B", "A=B", "A;B", "$A"}) {
    EXPECT_EQ(ValidateEnvKey(bad).code(), Code::kInvalidArgument) << bad;
  }
}

TEST(ValidateEnvValue, RefusesLineBreaksAndNul) {
  EXPECT_TRUE(ValidateEnvValue("true").ok());
  EXPECT_TRUE(ValidateEnvValue("quotes ' \" and ; are data").ok());
  EXPECT_FALSE(ValidateEnvValue("a\nB=1").ok());
  EXPECT_FALSE(ValidateEnvValue(std::string("a\0b", 3)).ok());
  EXPECT_FALSE(ValidateEnvValue(std::string(4097, 'x')).ok());
}

TEST(ValidateVersion, AcceptsLabelsAndRefusesPaths) {
  EXPECT_TRUE(ValidateVersion("1.2.3").ok());
  EXPECT_TRUE(ValidateVersion("2.0-unhealthy").ok());
  for (const char* bad : {"", "../x", "1 2", "-1", "a/b", ".hidden"}) {
    EXPECT_FALSE(ValidateVersion(bad).ok()) << bad;
  }
}

TEST(ValidateName, RefusesControlCharacters) {
  EXPECT_TRUE(ValidateName("Ann Lee").ok());
  EXPECT_TRUE(ValidateName("Zoë O'Brien").ok());
  EXPECT_FALSE(ValidateName("").ok());
  EXPECT_FALSE(ValidateName("a\nb").ok());
  EXPECT_FALSE(ValidateName("\xff\xfe").ok());
}

TEST(RunProcess, CapturesOutputAndExitCode) {
  auto r = RunProcess({"sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_NE(r->output.find("out"), std::string::npos);
  EXPECT_NE(r->output.find("err"), std::string::npos);
}

TEST(RunChecked, NamesTheProgramAndItsLastLineOnFailure) {
  auto r = RunChecked({"sh", "-c", "echo first; echo 'the reason'; exit 1"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("the reason"), std::string::npos);
}

TEST(RunProcess, KillsOnTimeout) {
  ProcessOptions options;
  options.timeout_ms = 200;
  auto r = RunProcess({"sleep", "5"}, options);
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
}

TEST(RunProcess, ReportsMissingProgram) {
  auto r = RunProcess({"no-such-program-md"});
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace md
