// The signup webhook's input: Typeform's signature scheme and payload, the
// plain JSON shape, and hostile bodies.

#include <gtest/gtest.h>

#include "api/public_server.h"
#include "api/signup_payload.h"

namespace md {
namespace {

// A Typeform form_response event as Typeform documents it (trimmed).
std::string TypeformBody(const std::string& name, const std::string& email, const std::string& sub,
                         const std::string& event_id = "01HX8X4F3G2M5Z0SIGNUP0001") {
  return R"({"event_id":")" + event_id + R"(","event_type":"form_response","form_response":{"form_id":"lT4Z3j",)"
         R"("token":"a3a12ec67a1365927098a606107fac15","submitted_at":"2026-01-18T18:17:02Z","definition":{"id":"lT4Z3j",)"
         R"("title":"Sign up","fields":[]},"answers":[)"
         R"({"type":"text","text":")" + name + R"(","field":{"id":"a1","type":"short_text","ref":"full_name"}},)"
         R"({"type":"email","email":")" + email + R"(","field":{"id":"a2","type":"email","ref":"email"}},)"
         R"({"type":"text","text":")" + sub + R"(","field":{"id":"a3","type":"short_text","ref":"subdomain"}}]}})";
}

TEST(SignupSignature, MatchesAnIndependentlyComputedHmac) {
  // python3: base64.b64encode(hmac.new(b'abc123', b'{"event_id":"01"}', hashlib.sha256).digest())
  const std::string body = R"({"event_id":"01"})";
  EXPECT_EQ(SignupSignature("abc123", body), "sha256=/iYQHs3N4jXDewoGPiJkZzNBlE7N5DxyX9KTMV4GW6o=");
  EXPECT_TRUE(SignupSignatureMatches("abc123", body, "sha256=/iYQHs3N4jXDewoGPiJkZzNBlE7N5DxyX9KTMV4GW6o="));
}

TEST(SignupSignature, RefusesTamperedBodyWrongSecretAndMalformedHeaders) {
  const std::string body = TypeformBody("Ann Lee", "ann@acme.example", "acme");
  const std::string good = SignupSignature("s3cret", body);
  EXPECT_TRUE(SignupSignatureMatches("s3cret", body, good));
  std::string tampered = body;
  tampered.replace(tampered.find("acme\""), 4, "evil");
  EXPECT_FALSE(SignupSignatureMatches("s3cret", tampered, good));
  EXPECT_FALSE(SignupSignatureMatches("other", body, good));
  EXPECT_FALSE(SignupSignatureMatches("s3cret", body, ""));
  EXPECT_FALSE(SignupSignatureMatches("s3cret", body, good.substr(7)));  // no sha256= prefix
  EXPECT_FALSE(SignupSignatureMatches("s3cret", body, "sha1=" + good.substr(7)));
  EXPECT_FALSE(SignupSignatureMatches("", body, SignupSignature("", body)));  // no secret: nothing verifies
}

TEST(SignupPayload, ReadsTypeformAnswersByRef) {
  auto got = ParseSignupPayload(TypeformBody("  Ann Lee ", "Ann@Acme.Example", " Acme "), {});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->event_id, "01HX8X4F3G2M5Z0SIGNUP0001");
  EXPECT_EQ(got->name, "Ann Lee");
  EXPECT_EQ(got->email, "ann@acme.example");
  EXPECT_EQ(got->subdomain, "acme");
}

TEST(SignupPayload, UsesConfiguredRefs) {
  std::string body = TypeformBody("Ann", "ann@acme.example", "acme");
  SignupFieldRefs refs{.name = "who", .email = "email", .subdomain = "subdomain"};
  auto got = ParseSignupPayload(body, refs);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("no answer with ref 'who'"), std::string::npos);
}

TEST(SignupPayload, PlainJsonGetsTheBodysHashAsEventId) {
  std::string body = R"({"name":"Bo","email":"bo@b.example","subdomain":"bo"})";
  auto a = ParseSignupPayload(body, {});
  auto b = ParseSignupPayload(body, {});
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->event_id.rfind("sha256:", 0), 0u);
  EXPECT_EQ(a->event_id, b->event_id);  // a redelivery is the same event
  auto with_id = ParseSignupPayload(R"({"event_id":"x-1","name":"Bo","email":"bo@b.example","subdomain":"bo"})", {});
  ASSERT_TRUE(with_id.ok());
  EXPECT_EQ(with_id->event_id, "x-1");
}

TEST(SignupPayload, ListsEveryReasonForBadAnswers) {
  auto got = ParseSignupPayload(R"({"name":7,"email":"not-an-address","subdomain":["a"]})", {});
  ASSERT_FALSE(got.ok());
  const std::string& m = got.status().message();
  EXPECT_NE(m.find("name is not a string"), std::string::npos) << m;
  EXPECT_NE(m.find("subdomain is not a string"), std::string::npos) << m;
  EXPECT_NE(m.find("email:"), std::string::npos) << m;
}

TEST(SignupPayload, RefusesHeaderInjectionInName) {
  auto got = ParseSignupPayload(TypeformBody("Ann\\r\\nBcc: everyone@example.com", "ann@acme.example", "acme"), {});
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("name:"), std::string::npos);
  auto email = ParseSignupPayload(TypeformBody("Ann", "ann@acme.example\\r\\nBcc: x@y.example", "acme"), {});
  EXPECT_FALSE(email.ok());
}

TEST(SignupPayload, RefusesHostileShapes) {
  for (const std::string& body : {
           std::string("not json"), std::string("[]"), std::string("null"),
           std::string(R"({"event_id":"1","form_response":{"answers":"x"}})"),
           std::string(R"({"event_id":"1","event_type":"form_response_partial","form_response":{"answers":[]}})"),
           std::string(R"({"event_id":{"a":1},"form_response":{"answers":[]}})"),
           std::string(R"({"name":"A","name":"B","email":"a@b.example","subdomain":"a"})"),  // duplicate key
           std::string(R"({"event_id":"has space","name":"A","email":"a@b.example","subdomain":"a"})"),
           std::string(R"({"name":")") + std::string(5000, 'x') + R"(","email":"a@b.example","subdomain":"a"})",
       }) {
    EXPECT_FALSE(ParseSignupPayload(body, {}).ok()) << body.substr(0, 80);
  }
  EXPECT_FALSE(ParseSignupPayload(std::string(kMaxSignupBodyBytes + 1, ' '), {}).ok());
  // The same answer twice is ambiguous.
  std::string twice = TypeformBody("Ann", "ann@acme.example", "acme");
  twice.insert(twice.rfind("]}}"), R"(,{"type":"text","text":"evil","field":{"ref":"subdomain"}})");
  auto got = ParseSignupPayload(twice, {});
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("given twice"), std::string::npos);
}

TEST(PublicServer, TakesTheClientAddressTheProxyWroteLast) {
  EXPECT_EQ(ClientAddressFromHeader("203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(ClientAddressFromHeader("1.2.3.4, 203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(ClientAddressFromHeader("::1"), "::1");
  EXPECT_EQ(ClientAddressFromHeader(""), "");
  EXPECT_EQ(ClientAddressFromHeader("evil\r\nX: y"), "");
  EXPECT_EQ(ClientAddressFromHeader("not-an-ip"), "");
}

}  // namespace
}  // namespace md
