#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <filesystem>
#include <string>
#include <vector>

#include "core/env_names.h"
#include "core/files.h"
#include "core/net.h"
#include "core/process.h"
#include "core/prom_text.h"
#include "core/random.h"
#include "core/status.h"
#include "core/strings.h"
#include "core/validate.h"

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

TEST(EnvPattern, IsANameOrAPrefixWithOneTrailingStar) {
  for (const char* good : {"MELTANO_*", "FEATURE_X", "A*", "_*"}) EXPECT_TRUE(ValidateEnvPattern(good).ok()) << good;
  for (const char* bad : {"", "*", "**", "*A", "A*B", "A**", "A-*", "1A*", "A B"}) {
    EXPECT_EQ(ValidateEnvPattern(bad).code(), Code::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(MatchesEnvPattern("MELTANO_*", "MELTANO_UI_READONLY"));
  EXPECT_TRUE(MatchesEnvPattern("MELTANO_*", "MELTANO_"));
  EXPECT_FALSE(MatchesEnvPattern("MELTANO_*", "MELTANO"));
  EXPECT_FALSE(MatchesEnvPattern("MELTANO_*", "XMELTANO_A"));
  EXPECT_TRUE(MatchesEnvPattern("FEATURE_X", "FEATURE_X"));
  EXPECT_FALSE(MatchesEnvPattern("FEATURE_X", "FEATURE_XY"));
}

TEST(ReservedEnvName, CoversWhatTheRunScriptSetsAndWhatLoadersObey) {
  for (const char* name : {"PATH", "HOME", "USER", "LOGNAME", "SHELL", "PWD", "TMPDIR", "IFS", "ENV", "BASH_ENV",
                           "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME",
                           "MELTANODATA_TOKEN", "GCONV_PATH", "MALLOC_CHECK_", "GLIBC_TUNABLES"}) {
    EXPECT_TRUE(IsReservedEnvName(name)) << name;
  }
  for (const char* name : {"MELTANO_UI_READONLY", "API_KEY", "PATHS", "HOMEPAGE", "XLD_PRELOAD", "MELTANO_DATA"}) {
    EXPECT_FALSE(IsReservedEnvName(name)) << name;
  }
  EXPECT_NE(ReservedEnvNamesText().find("LD_*"), std::string::npos);
}

TEST(ValidateHostName, AcceptsHostNamesWithDigitsBeforeTheLastLabel) {
  for (const char* good : {"shop.example.com", "123.example.com", "10.0.0.example", "a1.b2.c3d", "0xcafe.example.org"}) {
    EXPECT_TRUE(ValidateHostName(good).ok()) << good;
  }
}

TEST(ValidateHostName, RefusesIpLiteralsInEveryFormAResolverReads) {
  for (const char* ip : {"127.0.0.1", "127.1", "0x7f.1", "0x7f.0x0.0x0.0x1", "0177.0.0.1", "2130706433",
                         "10.0.0.0x", "example.123", "::1", "[::1]", "fe80::1%eth0", "2001:db8::1", "[2001:db8::1]",
                         "::ffff:127.0.0.1", "127.0.0.1."}) {
    Status s = ValidateHostName(ip);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << ip;
    EXPECT_NE(s.message().find("IP address"), std::string::npos) << ip << ": " << s.message();
  }
  // Whatever the C library itself takes for an address is refused too.
  for (const char* text : {"1.2.3.4", "1.2.3", "1.2", "16909060", "0x1.0x2", "01.02.03.04", "0X10.1"}) {
    in_addr v4{};
    ASSERT_EQ(inet_aton(text, &v4), 1) << text;
    EXPECT_TRUE(LooksLikeIpAddress(text)) << text;
  }
  in6_addr v6{};
  ASSERT_EQ(inet_pton(AF_INET6, "1::", &v6), 1);
  EXPECT_TRUE(LooksLikeIpAddress("1::"));
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

TEST(Trim, StripsSpacesTabsAndLineBreaksAtBothEnds) {
  EXPECT_EQ(Trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(Trim("\n\tx"), "x");
  EXPECT_EQ(Trim("x"), "x");
  EXPECT_EQ(Trim(" \t\r\n "), "");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim("a \n b"), "a \n b");  // inner whitespace stays
  EXPECT_EQ(Trim("\va\f"), "\va\f");    // only space, tab, CR, LF count
}

// What /bin/sh makes of ShellQuote(s) as a printf argument.
std::string ShellRoundTrip(const std::string& s) {
  auto r = RunProcess({"sh", "-c", "printf %s " + ShellQuote(s)});
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok()) return "<failed>";
  EXPECT_EQ(r->exit_code, 0) << r->output;
  return r->output;
}

TEST(ShellQuote, WrapsInSingleQuotesAndEscapesQuotes) {
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("abc"), "'abc'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
}

TEST(ShellQuote, SurvivesHostileInputThroughTheShell) {
  std::string marker = (std::filesystem::temp_directory_path() / ("md-shellquote-" + RandomHex(6))).string();
  std::vector<std::string> inputs = {
      "",
      "plain",
      "it's",
      "''",
      "'",
      "\"double\" \\\\ back\\slash",
      "$(touch " + marker + ")",
      "`touch " + marker + "`",
      "$HOME ${PATH} $0 $@ $*",
      "a\nb\n",
      "\n",
      "; touch " + marker + "; echo '",
      "' ; touch " + marker + " ; '",
      "* ? [a-z] ~ # & | < > ( ) { } !",
      "tab\there  two  spaces",
      "-n",
      "%s %d \\n",
  };
  for (const std::string& s : inputs) EXPECT_EQ(ShellRoundTrip(s), s) << s;
  EXPECT_FALSE(std::filesystem::exists(marker));
  std::filesystem::remove(marker);
}

TEST(HtmlEscape, EscapesMarkupAndBothQuotes) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\" title='y'>&amp;</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("plain text"), "plain text");
}

TEST(WriteAll, WritesEverythingThroughAPipeAndNamesTheFileOnError) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const std::string data(3000, 'x');
  ASSERT_TRUE(WriteAll(fds[1], data, "the pipe").ok());
  close(fds[1]);
  std::string got(4096, '\0');
  size_t total = 0;
  for (ssize_t n; (n = read(fds[0], got.data() + total, got.size() - total)) > 0;) total += static_cast<size_t>(n);
  close(fds[0]);
  EXPECT_EQ(got.substr(0, total), data);
  Status closed = WriteAll(fds[1], "y", "the pipe");
  EXPECT_FALSE(closed.ok());
  EXPECT_NE(closed.message().find("cannot write the pipe"), std::string::npos) << closed.message();
}

TEST(PercentEncode, KeepsUnreservedAndEncodesTheRestUpperCase) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode(""), "");
  EXPECT_EQ(PercentEncode("a b/c?d#e@f:g"), "a%20b%2Fc%3Fd%23e%40f%3Ag");
  EXPECT_EQ(PercentEncode("p%w+&="), "p%25w%2B%26%3D");
  EXPECT_EQ(PercentEncode("caf\xc3\xa9"), "caf%C3%A9");
  EXPECT_EQ(PercentEncode(std::string("a\0b", 3)), "a%00b");
  EXPECT_EQ(PercentEncode("\xff"), "%FF");
}

TEST(PercentDecode, DecodesEitherCaseAndKeepsMalformedEscapes) {
  EXPECT_EQ(PercentDecode("a%20b%2fc%2F"), "a b/c/");
  EXPECT_EQ(PercentDecode("caf%C3%A9"), "caf\xc3\xa9");
  EXPECT_EQ(PercentDecode("plus+stays"), "plus+stays");
  EXPECT_EQ(PercentDecode("%"), "%");
  EXPECT_EQ(PercentDecode("%4"), "%4");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz%4g"), "%zz%4g");
  EXPECT_EQ(PercentDecode("%2541"), "%41");  // decoded once
  EXPECT_EQ(PercentDecode("a%00b"), std::string("a\0b", 3));
}

TEST(PercentDecode, UndoesPercentEncode) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(PercentDecode(PercentEncode(all)), all);
  EXPECT_EQ(PercentDecode(PercentEncode("p@ss:w/rd%")), "p@ss:w/rd%");
}

TEST(PortIsFree, IsFalseWhileAPortIsBoundAndTrueAfter) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  int port = ntohs(addr.sin_port);
  EXPECT_FALSE(PortIsFree(port));
  close(fd);
  EXPECT_TRUE(PortIsFree(port));
}

TEST(ErrnoStatus, IsInternalWithTheSystemMessage) {
  errno = ENOENT;
  Status s = ErrnoStatus("cannot open /x");
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_EQ(s.message(), std::string("cannot open /x: ") + strerror(ENOENT));
}

TEST(RunProcess, CapturesOutputAndExitCode) {
  auto r = RunProcess({"sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_NE(r->output.find("out"), std::string::npos);
  EXPECT_NE(r->output.find("err"), std::string::npos);
}

TEST(RunProcess, ReadsAndWritesDescriptorsOfTheCallerAndStillCapturesStderr) {
  const std::string dir = (std::filesystem::temp_directory_path() / ("md-process-" + RandomHex(4))).string();
  std::filesystem::create_directory(dir);
  {
    FILE* in = fopen((dir + "/in").c_str(), "w");
    ASSERT_NE(in, nullptr);
    fputs("from a file\n", in);
    fclose(in);
  }
  int in_fd = open((dir + "/in").c_str(), O_RDONLY | O_CLOEXEC);
  int out_fd = open((dir + "/out").c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  ASSERT_GE(in_fd, 3);
  ASSERT_GE(out_fd, 3);
  ProcessOptions options;
  options.stdin_fd = in_fd;
  options.stdout_fd = out_fd;
  auto r = RunProcess({"sh", "-c", "tr a-z A-Z; echo oops >&2; exit 1"}, options);
  close(in_fd);
  close(out_fd);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->exit_code, 1);
  EXPECT_EQ(r->output, "oops\n");
  auto out = RunChecked({"cat", dir + "/out"});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "FROM A FILE\n");
  std::filesystem::remove_all(dir);

  options.stdin_fd = 1;
  EXPECT_EQ(RunProcess({"true"}, options).status().code(), Code::kInvalidArgument);
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

namespace md {
namespace {

TEST(AsUserTest, WrapsInSetprivAndRefusesRootAndTheKeepOwner) {
  auto argv = AsUser(2000000, 2000000, {"true"});
  ASSERT_TRUE(argv.ok());
  EXPECT_EQ(argv->front(), "setpriv");
  EXPECT_EQ(argv->back(), "true");
  EXPECT_EQ(AsUser(0, 2000000, {"true"}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(AsUser(2000000, 0, {"true"}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(AsUser(static_cast<uid_t>(-1), static_cast<gid_t>(-1), {"true"}).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace md

namespace md {

TEST(PromText, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(PromEscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(PromEscapeLabelValue(std::string("x\x01y\xc3\xa9", 5)), "x?y??") << "the page stays valid UTF-8";
  PromText page;
  page.Family("md_x", "gauge", "Line one\nwith \\ in it.");
  page.Sample("md_x", {{"sub", "a\"b"}, {"k", "v"}}, 2);
  EXPECT_EQ(page.text(),
            "# HELP md_x Line one\\nwith \\\\ in it.\n"
            "# TYPE md_x gauge\n"
            "md_x{sub=\"a\\\"b\",k=\"v\"} 2\n");
}

TEST(PromText, FormatsValuesInTheirShortestForm) {
  EXPECT_EQ(PromFormatValue(0), "0");
  EXPECT_EQ(PromFormatValue(1700000000), "1700000000");
  EXPECT_EQ(PromFormatValue(0.1), "0.1");
  EXPECT_EQ(PromFormatValue(1.5e-7), "1.5e-07");
  EXPECT_EQ(PromFormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(PromFormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(PromFormatValue(std::nan("")), "NaN");
}

TEST(PromText, WritesAHistogramWithCumulativeBucketsInfSumAndCount) {
  PromText page;
  page.Family("md_d_seconds", "histogram", "d");
  page.Histogram("md_d_seconds", {{"step", "s"}}, {0.5, 1}, {1, 3}, 4, 5.25);
  EXPECT_EQ(page.text(),
            "# HELP md_d_seconds d\n# TYPE md_d_seconds histogram\n"
            "md_d_seconds_bucket{step=\"s\",le=\"0.5\"} 1\n"
            "md_d_seconds_bucket{step=\"s\",le=\"1\"} 3\n"
            "md_d_seconds_bucket{step=\"s\",le=\"+Inf\"} 4\n"
            "md_d_seconds_sum{step=\"s\"} 5.25\n"
            "md_d_seconds_count{step=\"s\"} 4\n");
}

}  // namespace md
