#pragma once
// The signup webhook's payload: its signature (Typeform's scheme:
// `Typeform-Signature: sha256=BASE64(HMAC-SHA256(secret, raw body))`) and
// its two accepted shapes — Typeform's `form_response` event, whose answers
// are picked by their field's `ref`, and a plain `{name, email, subdomain}`
// for other form tools. Every refusal names what is wrong and never quotes a
// secret. Pure functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "api/public_endpoints.h"
#include "core/status.h"

namespace md {

inline constexpr size_t kMaxSignupBodyBytes = 64 * 1024;

// Which answer of a Typeform response is which: the fields' `ref`s.
struct SignupFieldRefs {
  std::string name = "full_name";
  std::string email = "email";
  std::string subdomain = "subdomain";
};

// Whether `header` is `sha256=` + the base64 HMAC-SHA256 of `body` under
// `secret`, compared in constant time. False for an empty secret.
bool SignupSignatureMatches(std::string_view secret, std::string_view body, std::string_view header);
// The header value a sender computes (for tests and tools).
std::string SignupSignature(std::string_view secret, std::string_view body);

// The signup in `body` (client_address left empty), or InvalidArgument whose
// message lists every reason, one per "; ". A plain body without `event_id`
// gets the SHA-256 of the body as its event id, so a redelivery is the same
// event.
Result<SignupRequest> ParseSignupPayload(std::string_view body, const SignupFieldRefs& refs);

}  // namespace md
