#include "api/signup_payload.h"

#include <algorithm>

#include "api/json_codec.h"
#include "core/digest.h"
#include "core/strings.h"
#include "core/validate.h"

namespace md {
namespace {

constexpr size_t kMaxEventId = 128;
constexpr size_t kMaxAnswerBytes = 1024;

bool IsEventIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == ':';
}

// Collects every reason a payload is refused.
class Reasons {
 public:
  void Add(std::string reason) { reasons_.push_back(std::move(reason)); }
  bool empty() const { return reasons_.empty(); }
  Status ToStatus() const {
    std::string joined;
    for (const std::string& r : reasons_) joined += (joined.empty() ? "" : "; ") + r;
    return InvalidArgument(joined);
  }

 private:
  std::vector<std::string> reasons_;
};

// The string at `key` of `obj`, or a reason; absent is "" with a reason.
std::string StringField(const Json& obj, const std::string& key, const std::string& label, Reasons& reasons) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    reasons.Add(label + " is missing");
    return "";
  }
  if (!it->is_string()) {
    reasons.Add(label + " is not a string");
    return "";
  }
  const std::string& value = it->get_ref<const std::string&>();
  if (value.size() > kMaxAnswerBytes) {
    reasons.Add(label + " is longer than " + std::to_string(kMaxAnswerBytes) + " bytes");
    return "";
  }
  return value;
}

// Typeform: form_response.answers[], each {type, <type>: value, field: {ref}}.
void ReadTypeformAnswers(const Json& j, const SignupFieldRefs& refs, SignupRequest* out, Reasons& reasons) {
  auto type = j.find("event_type");
  if (type != j.end() && !(type->is_string() && *type == "form_response")) {
    reasons.Add("event_type is not form_response");
    return;
  }
  const Json& response = j["form_response"];
  auto answers = response.is_object() ? response.find("answers") : response.end();
  if (!response.is_object() || answers == response.end() || !answers->is_array()) {
    reasons.Add("form_response.answers is not an array");
    return;
  }
  struct Wanted {
    const std::string& ref;
    std::string* value;
    bool found = false;
  };
  Wanted wanted[] = {{refs.name, &out->name}, {refs.email, &out->email}, {refs.subdomain, &out->subdomain}};
  for (const Json& answer : *answers) {
    if (!answer.is_object()) continue;
    auto field = answer.find("field");
    if (field == answer.end() || !field->is_object()) continue;
    auto ref = field->find("ref");
    if (ref == field->end() || !ref->is_string()) continue;
    for (Wanted& w : wanted) {
      if (w.ref != ref->get_ref<const std::string&>()) continue;
      if (w.found) {
        reasons.Add("answer '" + ForMessage(w.ref) + "' is given twice");
        continue;
      }
      w.found = true;
      auto kind = answer.find("type");
      if (kind == answer.end() || !kind->is_string()) {
        reasons.Add("answer '" + ForMessage(w.ref) + "' has no type");
        continue;
      }
      *w.value = StringField(answer, kind->get<std::string>(), "answer '" + ForMessage(w.ref) + "'", reasons);
    }
  }
  for (const Wanted& w : wanted) {
    if (!w.found) reasons.Add("no answer with ref '" + ForMessage(w.ref) + "'");
  }
}

}  // namespace

std::string SignupSignature(std::string_view secret, std::string_view body) {
  return "sha256=" + Base64(HmacSha256(secret, body));
}

bool SignupSignatureMatches(std::string_view secret, std::string_view body, std::string_view header) {
  if (secret.empty()) return false;
  // Both sides hashed first: the comparison's time tells nothing about the
  // header's length or content.
  return ConstantTimeEquals(Sha256Hex(SignupSignature(secret, body)), Sha256Hex(Trim(header)));
}

Result<SignupRequest> ParseSignupPayload(std::string_view body, const SignupFieldRefs& refs) {
  if (body.size() > kMaxSignupBodyBytes) return InvalidArgument("body is larger than 64 KiB");
  auto parsed = ParseJson(body);
  if (!parsed.ok()) return InvalidArgument("body is not JSON: " + parsed.status().message());
  const Json& j = *parsed;
  if (!j.is_object()) return InvalidArgument("body is not a JSON object");
  SignupRequest out;
  Reasons reasons;
  bool typeform = j.contains("form_response");
  if (typeform) {
    out.event_id = StringField(j, "event_id", "event_id", reasons);
    ReadTypeformAnswers(j, refs, &out, reasons);
  } else {
    if (j.contains("event_id")) out.event_id = StringField(j, "event_id", "event_id", reasons);
    else out.event_id = "sha256:" + Sha256Hex(body);
    out.name = StringField(j, "name", "name", reasons);
    out.email = StringField(j, "email", "email", reasons);
    out.subdomain = StringField(j, "subdomain", "subdomain", reasons);
  }
  if (!out.event_id.empty() && (out.event_id.size() > kMaxEventId ||
                                !std::all_of(out.event_id.begin(), out.event_id.end(), IsEventIdChar))) {
    reasons.Add("event_id is not 1-128 of [A-Za-z0-9._:-]");
  } else if (out.event_id.empty() && reasons.empty()) {
    reasons.Add("event_id is empty");
  }
  out.name = Trim(out.name);
  out.email = AsciiLower(Trim(out.email));
  out.subdomain = AsciiLower(Trim(out.subdomain));
  // The name and address must be usable, or there is no one to tell; the
  // subdomain is checked by the controller, which emails the reason.
  if (!out.name.empty() || reasons.empty()) {
    if (Status s = ValidateName(out.name); !s.ok()) reasons.Add("name: " + s.message());
  }
  if (!out.email.empty() || reasons.empty()) {
    if (Status s = ValidateEmail(out.email); !s.ok()) reasons.Add("email: " + s.message());
  }
  if (!reasons.empty()) return reasons.ToStatus();
  return out;
}

}  // namespace md
