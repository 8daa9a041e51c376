// Building the customer's email: headers present and safe, RFC 2047 names,
// both body parts.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/digest.h"
#include "drivers/mail/message.h"
#include "drivers/mail/outbox_mailer.h"
#include "core/random.h"

namespace md {
namespace {

MailMessage Sample() {
  return {.from = {.name = "MeltanoData", .address = "noreply@example.test"},
          .to = {.name = "Ann Lee", .address = "ann@acme.example"},
          .subject = "Your instance acme is ready",
          .text = "Hello Ann\n",
          .html = "<p>Hello Ann</p>\n"};
}

// The header block: everything before the first empty line.
std::string Headers(const std::string& message) { return message.substr(0, message.find("\r\n\r\n") + 2); }

TEST(MailMessage, HasEveryHeaderAndBothParts) {
  auto m = BuildMessage(Sample(), 1767225600000);  // 2026-01-01T00:00:00Z
  ASSERT_TRUE(m.ok()) << m.status().message();
  std::string h = Headers(*m);
  EXPECT_NE(h.find("From: MeltanoData <noreply@example.test>\r\n"), std::string::npos) << h;
  EXPECT_NE(h.find("To: Ann Lee <ann@acme.example>\r\n"), std::string::npos);
  EXPECT_NE(h.find("Subject: Your instance acme is ready\r\n"), std::string::npos);
  EXPECT_NE(h.find("Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(h.find("Message-ID: <"), std::string::npos);
  EXPECT_NE(h.find("@example.test>\r\n"), std::string::npos);
  EXPECT_NE(h.find("Content-Type: multipart/alternative; boundary="), std::string::npos);
  EXPECT_NE(m->find("Content-Type: text/plain; charset=utf-8"), std::string::npos);
  EXPECT_NE(m->find("Content-Type: text/html; charset=utf-8"), std::string::npos);
  EXPECT_NE(m->find(Base64("Hello Ann\n")), std::string::npos);
  // Every line ends in CRLF, none is longer than 998 bytes.
  size_t pos = 0;
  while (pos < m->size()) {
    size_t nl = m->find('\n', pos);
    ASSERT_NE(nl, std::string::npos);
    ASSERT_GT(nl, pos);  // at least the CR
    EXPECT_EQ((*m)[nl - 1], '\r');
    EXPECT_LE(nl - pos, 998u);
    pos = nl + 1;
  }
}

TEST(MailMessage, EncodesNonAsciiNamesAndSubjectsPerRfc2047) {
  MailMessage s = Sample();
  s.to.name = "Anne Élève";
  s.subject = "Bienvenue, Anne Élève";
  auto m = BuildMessage(s, 0);
  ASSERT_TRUE(m.ok());
  EXPECT_NE(m->find("To: =?UTF-8?B?" + Base64("Anne Élève") + "?= <ann@acme.example>"), std::string::npos) << *m;
  EXPECT_NE(m->find("Subject: =?UTF-8?B?"), std::string::npos);
  // A long name is split into several encoded words, never inside a character.
  std::string long_name;
  for (int i = 0; i < 40; ++i) long_name += "É";
  auto encoded = EncodeDisplayName(long_name);
  ASSERT_TRUE(encoded.ok());
  EXPECT_NE(encoded->find("?=\r\n =?UTF-8?B?"), std::string::npos);
  for (size_t start = 0; (start = encoded->find("=?UTF-8?B?", start)) != std::string::npos; ++start) {
    EXPECT_LE(encoded->find("?=", start + 10) + 2 - start, 75u);
  }
}

TEST(MailMessage, QuotesNamesWithSpecials) {
  EXPECT_EQ(*EncodeDisplayName("Ann Lee"), "Ann Lee");
  EXPECT_EQ(*EncodeDisplayName("Lee, Ann"), "\"Lee, Ann\"");
  EXPECT_EQ(*EncodeDisplayName("A \"B\" <c@d>"), "\"A \\\"B\\\" <c@d>\"");
}

TEST(MailMessage, RefusesHeaderInjection) {
  MailMessage s = Sample();
  s.to.name = "Ann\r\nBcc: everyone@example.com";
  EXPECT_FALSE(BuildMessage(s, 0).ok());
  s = Sample();
  s.to.address = "ann@acme.example\r\nBcc: x@y.example";
  EXPECT_FALSE(BuildMessage(s, 0).ok());
  s = Sample();
  s.to.address = "ann@acme.example>, <x@y.example";
  EXPECT_FALSE(BuildMessage(s, 0).ok());
  s = Sample();
  s.subject = "hi\nBcc: x@y.example";
  EXPECT_FALSE(BuildMessage(s, 0).ok());
  s = Sample();
  s.to.name = std::string("\xff\xfe", 2);
  EXPECT_FALSE(BuildMessage(s, 0).ok());
}

TEST(OutboxMailer, WritesEachMessageAsAPrivateEmlFile) {
  auto dir = std::filesystem::temp_directory_path() / ("md-outbox-" + RandomHex(6));
  OutboxMailer outbox((dir / "outbox").string());
  auto message = BuildMessage(Sample(), 0);
  ASSERT_TRUE(message.ok());
  ASSERT_TRUE(outbox.Send("noreply@example.test", "ann@acme.example", *message).ok());
  ASSERT_TRUE(outbox.Send("noreply@example.test", "ann@acme.example", *message).ok());
  struct stat st {};
  ASSERT_EQ(stat((dir / "outbox").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "outbox")) {
    ++files;
    EXPECT_EQ(entry.path().extension(), ".eml");
    ASSERT_EQ(stat(entry.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), *message);
  }
  EXPECT_EQ(files, 2);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace md
