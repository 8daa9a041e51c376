// libFuzzer target for what a client sends the API: the request decoders of
// src/api/requests.h (bodies, path and query parameters), the validators of
// src/core/validate.h and the JSON codec's response decoders. The first byte
// picks the function (a letter below, or any byte modulo their number); the
// rest is its input. Invariants, besides no crash and no sanitizer report:
//  - a refusal is InvalidArgument with 1-300 bytes of printable one-line text,
//    and never quotes a flag or secret value;
//  - a decoded request passes its validators, and decodes from its own
//    encoding to the same value;
//  - what a validator accepts has the properties its comment promises
//    (checked here by independent code, e.g. a second UTF-8 decoder).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/json_codec.h"
#include "api/requests.h"
#include "core/validate.h"

namespace md {
namespace {

[[noreturn]] void Violated(const char* check, std::string_view detail) {
  fprintf(stderr, "invariant violated: %s [%s]\n", check, ForMessage(detail, 300).c_str());
  abort();
}

#define CHECK(cond, detail)              \
  do {                                   \
    if (!(cond)) Violated(#cond, detail); \
  } while (0)

// --- independent models of what the validators promise ----------------------------------

// Decodes UTF-8 by the letter of RFC 3629 (shortest form, no surrogates, at
// most U+10FFFF); false when `s` is not UTF-8.
bool DecodeUtf8(std::string_view s, std::vector<uint32_t>* out) {
  static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  for (size_t i = 0; i < s.size();) {
    uint8_t c = static_cast<uint8_t>(s[i]);
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      len = 1, cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      uint8_t d = static_cast<uint8_t>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (out) out->push_back(cp);
    i += len;
  }
  return true;
}

bool OnlyOf(std::string_view s, std::string_view allowed) {
  return s.find_first_not_of(allowed) == std::string_view::npos;
}

constexpr std::string_view kLower = "abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kDigits = "0123456789";
const std::string kLowerDigits = std::string(kLower) + std::string(kDigits);
const std::string kLetters = std::string(kLower) + "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const std::string kAlnum = kLetters + std::string(kDigits);

// A refusal as the API sends it.
void CheckRefusal(const Status& s) {
  CHECK(!s.ok(), "");
  CHECK(s.code() == Code::kInvalidArgument, s.message());
  const std::string& m = s.message();
  CHECK(!m.empty(), m);
  CHECK(m.size() <= 300, m);
  CHECK(DecodeUtf8(m, nullptr), m);
  for (char c : m) CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f, m);
}

void CheckStatus(const Status& s) {
  if (!s.ok()) CheckRefusal(s);
}

template <typename T>
void CheckResult(const Result<T>& r) {
  if (!r.ok()) CheckRefusal(r.status());
}

void CheckSubdomain(std::string_view s) {
  Status st = ValidateSubdomain(s);
  CheckStatus(st);
  if (!st.ok()) return;
  CHECK(!s.empty() && s.size() <= 63, s);
  CHECK(OnlyOf(s, kLowerDigits + "-"), s);
  CHECK(s.front() != '-' && s.back() != '-', s);
  CHECK(s.size() < 4 || s.substr(2, 2) != "--", s);
  CHECK(!IsReservedSubdomain(s), s);
}

void CheckEmail(std::string_view s) {
  Status st = ValidateEmail(s);
  CheckStatus(st);
  if (!st.ok()) return;
  CHECK(!s.empty() && s.size() <= 254, s);
  auto at = s.find('@');
  CHECK(at != std::string_view::npos && s.find('@', at + 1) == std::string_view::npos, s);
  CHECK(s.find("..") == std::string_view::npos, s);
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    CHECK(u > 0x20 && u < 0x7f, s);  // ASCII, no space or control character
    CHECK(std::string_view("\"\\;,<>()[]:").find(c) == std::string_view::npos, s);
  }
  std::string_view domain = s.substr(at + 1);
  CHECK(domain.find('.') != std::string_view::npos && domain.front() != '.' && domain.back() != '.', s);
  CHECK(OnlyOf(domain, kAlnum + "-."), s);
}

void CheckName(std::string_view s) {
  Status st = ValidateName(s);
  CheckStatus(st);
  if (!st.ok()) return;
  std::vector<uint32_t> cps;
  CHECK(!s.empty() && s.size() <= 200, s);
  CHECK(DecodeUtf8(s, &cps), s);
  for (uint32_t cp : cps) {
    CHECK(cp >= 0x20 && !(cp >= 0x7f && cp <= 0x9f) && cp != 0x2028 && cp != 0x2029, s);
  }
}

void CheckEnvKey(std::string_view s) {
  Status st = ValidateEnvKey(s);
  CheckStatus(st);
  if (!st.ok()) return;
  CHECK(!s.empty() && s.size() <= 128, s);
  CHECK(kLetters.find(s[0]) != std::string::npos || s[0] == '_', s);
  CHECK(OnlyOf(s, kAlnum + "_"), s);
}

void CheckEnvValue(std::string_view s) {
  Status st = ValidateEnvValue(s);
  CheckStatus(st);
  if (!st.ok()) return;
  CHECK(s.size() <= 4096, s);
  CHECK(DecodeUtf8(s, nullptr), s);
  CHECK(s.find_first_of(std::string_view("\0\n\r", 3)) == std::string_view::npos, s);
}

void CheckVersion(std::string_view s) {
  Status st = ValidateVersion(s);
  CheckStatus(st);
  if (!st.ok()) return;
  CHECK(!s.empty() && s.size() <= 64, s);
  CHECK(kAlnum.find(s[0]) != std::string::npos, s);  // so never "." or ".."
  CHECK(OnlyOf(s, kAlnum + "._+-"), s);
}

void CheckSimpleName(std::string_view s, Status st) {
  CheckStatus(st);
  if (!st.ok()) return;
  CHECK(!s.empty() && s.size() <= 32, s);
  CHECK(kLower.find(s[0]) != std::string_view::npos, s);
  CHECK(OnlyOf(s, kLowerDigits + "_-"), s);
}

void CheckClusterUrl(std::string_view s) {
  Status st = ValidateClusterUrl(s);
  CheckStatus(st);
  if (!st.ok()) return;
  CHECK(!s.empty() && s.size() <= 2048, s);
  CHECK(DecodeUtf8(s, nullptr), s);
  for (char c : s) CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f, s);
}

void CheckLogCursor(std::string_view s) {
  Status st = ValidateLogCursor(s);
  CheckStatus(st);
  if (!st.ok()) return;
  CHECK(s.size() <= kMaxLogCursor, s);
  CHECK(OnlyOf(s, kAlnum + ",_-"), s);
}

void CheckHostName(std::string_view s) {
  Status st = ValidateHostName(s);
  CheckStatus(st);
  if (!st.ok()) return;
  CHECK(!s.empty() && s.size() <= 253, s);
  CHECK(OnlyOf(s, kLowerDigits + "-."), s);
  size_t labels = 0;
  for (size_t start = 0; start <= s.size(); ++labels) {
    size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) dot = s.size();
    std::string_view label = s.substr(start, dot - start);
    CHECK(!label.empty() && label.size() <= 63, s);
    CHECK(label.front() != '-' && label.back() != '-', s);
    start = dot + 1;
  }
  CHECK(labels >= 2, s);
  // Never an IP address: a URL parser or inet_aton reads a numeric last label
  // ("127.1", "0x7f.1") as IPv4.
  std::string_view last = s.substr(s.rfind('.') + 1);
  CHECK(!OnlyOf(last, kDigits), s);
  CHECK(!(last.substr(0, 2) == "0x" && OnlyOf(last.substr(2), std::string(kDigits) + "abcdef")), s);
}

void CheckValidators(std::string_view s) {
  CheckSubdomain(s);
  CheckEmail(s);
  CheckName(s);
  CheckEnvKey(s);
  CheckEnvValue(s);
  CheckVersion(s);
  CheckSimpleName(s, ValidateClusterName(s));
  CheckSimpleName(s, ValidateAppName(s));
  CheckClusterUrl(s);
  CheckLogCursor(s);
  CheckHostName(s);
  CHECK(IsValidUtf8(s) == DecodeUtf8(s, nullptr), s);
  std::string shown = ForMessage(s);
  CHECK(shown.size() <= 64 + 7, shown);
  for (char c : shown) CHECK(static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f, shown);
}

// --- request bodies -----------------------------------------------------------------------

// Decodes a body, and checks a value against its validators and its own encoding.
template <typename T>
void CheckBody(std::string_view body, Result<T> (*decode)(std::string_view), Status (*validate)(const T&)) {
  Result<T> r = decode(body);
  CheckResult(r);
  if (!r.ok()) return;
  Status valid = validate(*r);
  CHECK(valid.ok(), valid.message());
  std::string encoded = DumpJson(ToJson(*r));
  Result<T> again = decode(encoded);
  CHECK(again.ok(), again.status().message());
  CHECK(DumpJson(ToJson(*again)) == encoded, encoded);
}

void CheckCreate(std::string_view body) {
  CheckBody<CreateRequest>(body, &DecodeCreateRequest, &ValidateCreateRequest);
  Result<CreateRequest> r = DecodeCreateRequest(body);
  if (!r.ok()) return;
  CHECK(ValidateSubdomain(r->subdomain).ok() && ValidateEmail(r->email).ok() && ValidateName(r->name).ok() &&
            ValidateAppName(r->app).ok() && (r->version.empty() || ValidateVersion(r->version).ok()),
        body);
}

// Every key of `j`'s objects, at any depth (a duplicated one is quoted).
void CollectKeys(const Json& j, std::vector<std::string>* names) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) names->push_back(k);
  }
  if (j.is_structured()) {
    for (const Json& child : j) CollectKeys(child, names);
  }
}

// The message of a refused change never quotes a value of `set`. Only values
// that cannot be in a message for another reason are looked for: those with a
// '#' (no fixed text has one) that are in no key nor unset name. A body with
// a duplicated key does not parse: it is read again with the duplicate kept
// once, to find its values.
void CheckValuesNotQuoted(std::string_view body, const Status& refusal) {
  Json parsed;
  try {
    parsed = Json::parse(body.begin(), body.end());
  } catch (const std::exception&) {
    return;
  }
  const Json* j = &parsed;
  if (!j->is_object()) return;
  std::vector<std::string> names;
  CollectKeys(*j, &names);
  auto unset = j->find("unset");
  if (unset != j->end() && unset->is_array()) {
    for (const Json& item : *unset) {
      if (item.is_string()) names.push_back(item.get<std::string>());
    }
  }
  auto set = j->find("set");
  if (set == j->end() || !set->is_object()) return;
  for (const auto& [k, v] : set->items()) {
    if (!v.is_string()) continue;
    std::string value = v.get<std::string>();
    if (value.size() < 4 || value.find('#') == std::string::npos || value.find('\\') != std::string::npos) continue;
    bool in_a_name = false;
    for (const std::string& n : names) in_a_name = in_a_name || n.find(value) != std::string::npos;
    if (in_a_name) continue;
    CHECK(refusal.message().find(value) == std::string::npos, refusal.message());
  }
}

void CheckChange(std::string_view body) {
  CheckBody<EnvChange>(body, &DecodeEnvChange, &ValidateEnvChange);
  Result<EnvChange> r = DecodeEnvChange(body);
  if (!r.ok()) return CheckValuesNotQuoted(body, r.status());
  CHECK(!r->set.empty() || !r->unset.empty(), body);
  for (const auto& [k, v] : r->set) CHECK(ValidateEnvKey(k).ok() && ValidateEnvValue(v).ok(), k);
  for (const std::string& k : r->unset) CHECK(ValidateEnvKey(k).ok() && !r->set.count(k), k);
}

void CheckUpgrade(std::string_view body) {
  CheckBody<UpgradeRequest>(body, &DecodeUpgradeRequest, &ValidateUpgradeRequest);
  Result<UpgradeRequest> r = DecodeUpgradeRequest(body);
  if (!r.ok()) return;
  CHECK(r->all != !r->subdomains.empty(), body);
  CHECK(ValidateVersion(r->version).ok(), r->version);
  for (const std::string& sub : r->subdomains) CHECK(ValidateSubdomain(sub).ok(), sub);
}

void CheckCluster(std::string_view body) {
  CheckBody<ClusterSpec>(body, &DecodeClusterSpec, &ValidateClusterSpec);
  Result<ClusterSpec> r = DecodeClusterSpec(body);
  if (!r.ok()) return;
  CHECK(ValidateClusterName(r->name).ok() && ValidateClusterUrl(r->url).ok(), r->name);
  CHECK(r->capacity >= 1 && r->capacity <= kMaxClusterCapacity, body);
}

void CheckDomain(std::string_view body) {
  CheckBody<DomainRequest>(body, &DecodeDomainRequest, &ValidateDomainRequest);
  Result<DomainRequest> r = DecodeDomainRequest(body);
  if (!r.ok()) return;
  CHECK(ValidateHostName(r->host).ok(), r->host);
}

void CheckEmptyBody(std::string_view body) {
  Status s = DecodeEmptyBody(body);
  CheckStatus(s);
  if (s.ok()) {
    Result<Json> j = ParseJson(body);
    CHECK(body.empty() || (j.ok() && j->is_object() && j->empty()), body);
  }
}

// --- path and query parameters -------------------------------------------------------------

void CheckOperationId(std::string_view text) {
  Result<int64_t> id = ParseOperationId(text);
  CheckResult(id);
  if (!id.ok()) return;
  CHECK(*id > 0, text);
  CHECK(!text.empty() && OnlyOf(text, kDigits), text);
}

void CheckIntParam(std::string_view data) {
  // First byte: absent or not, and which bounds; the rest is the text.
  if (data.empty()) return;
  bool present = data[0] & 1;
  bool logs = data[0] & 2;
  std::string_view text = data.substr(1);
  int64_t fallback = logs ? kDefaultLogLines : kDefaultOpsLimit;
  int64_t max = logs ? kMaxLogLines : kMaxOpsLimit;
  Result<int64_t> v = ParseIntParam(logs ? "lines" : "limit", present ? std::optional<std::string_view>(text)
                                                                     : std::nullopt,
                                    fallback, 1, max);
  CheckResult(v);
  if (!present) CHECK(v.ok() && *v == fallback, text);
  if (v.ok()) CHECK(*v >= 1 && *v <= max, text);
}

// "a=1&b=2" as httplib hands the parameters over (without its decoding).
void CheckQuery(std::string_view data) {
  std::multimap<std::string, std::string> params;
  while (!data.empty()) {
    std::string_view pair = data.substr(0, data.find('&'));
    data = pair.size() < data.size() ? data.substr(pair.size() + 1) : std::string_view();
    auto eq = pair.find('=');
    params.emplace(std::string(pair.substr(0, eq)), eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
  }
  for (const std::vector<std::string>& allowed :
       {std::vector<std::string>{}, std::vector<std::string>{"lines", "cursor"},
        std::vector<std::string>{"subdomain", "limit"}}) {
    Status s = CheckQueryParams(params, allowed);
    CheckStatus(s);
    if (!s.ok()) continue;
    for (const auto& [name, value] : params) {
      CHECK(params.count(name) == 1, name);
      bool known = false;
      for (const std::string& a : allowed) known = known || a == name;
      CHECK(known, name);
    }
  }
}

// --- response decoders (the CLI reads these; lenient) ------------------------------------

template <typename T>
void CheckResponse(const Json& j) {
  T value;
  Status s = FromJson(j, &value);
  if (!s.ok()) return CheckRefusal(s);
  // What the server would send for it decodes to the same.
  Json encoded = ToJson(value);
  T again;
  Status s2 = FromJson(encoded, &again);
  CHECK(s2.ok(), s2.message());
  CHECK(DumpJson(ToJson(again)) == DumpJson(encoded), DumpJson(encoded));
}

void CheckResponses(std::string_view body) {
  Result<Json> j = ParseJson(body);
  CheckResult(j);
  Status err = StatusFromHttpError(400, body);
  CHECK(!err.ok() && !err.message().empty(), body);
  if (!j.ok()) return;
  CheckResponse<Instance>(*j);
  CheckResponse<Operation>(*j);
  CheckResponse<Cluster>(*j);
  CheckResponse<LogChunk>(*j);
  CheckResponse<DoctorFinding>(*j);
  CheckResponse<InstanceStatusReport>(*j);
  CheckResponse<CertificateInfo>(*j);
  CheckResponse<CustomDomain>(*j);
  std::vector<Operation> ops;
  Status s = FromJson(*j, &ops);
  if (!s.ok()) CheckRefusal(s);
}

using Target = void (*)(std::string_view);

struct Entry {
  char letter;  // the first byte of a seed that picks it
  Target target;
};

constexpr Entry kTargets[] = {
    {'c', &CheckCreate},       {'e', &CheckChange},       {'u', &CheckUpgrade},   {'k', &CheckCluster},
    {'n', &CheckEmptyBody},    {'i', &CheckOperationId},  {'p', &CheckIntParam},  {'r', &CheckLogCursor},
    {'q', &CheckQuery},        {'v', &CheckValidators},   {'o', &CheckResponses},  {'d', &CheckDomain},
};
constexpr size_t kTargetCount = sizeof(kTargets) / sizeof(kTargets[0]);

}  // namespace
}  // namespace md

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const md::Entry* entry = &md::kTargets[data[0] % md::kTargetCount];
  for (const md::Entry& e : md::kTargets) {
    if (static_cast<uint8_t>(e.letter) == data[0]) entry = &e;
  }
  entry->target(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  return 0;
}
