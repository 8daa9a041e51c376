#include "service/registered_domain.h"

#include <libpsl.h>

#include <string>
#include <utility>

#include "core/validate.h"

namespace md {
namespace {

// `host` lower-cased without a leading "*." and one trailing ".", checked to be
// an ASCII DNS name of RFC 1123 labels that is not an IPv4 address.
Result<std::string> NormalizeHost(std::string_view host) {
  std::string h(host);
  if (h.size() >= 2 && h[0] == '*' && h[1] == '.') h.erase(0, 2);
  if (!h.empty() && h.back() == '.') h.pop_back();
  const std::string shown = ForMessage(host);
  if (h.empty()) return InvalidArgument("host name '" + shown + "' is empty");
  if (h.size() > 253) return InvalidArgument("host name '" + shown + "' is longer than 253 characters");
  size_t label_start = 0;
  bool last_label_numeric = true;
  for (size_t i = 0; i <= h.size(); ++i) {
    if (i == h.size() || h[i] == '.') {
      const size_t len = i - label_start;
      if (len == 0) return InvalidArgument("host name '" + shown + "' has an empty label");
      if (len > 63) return InvalidArgument("host name '" + shown + "' has a label longer than 63 characters");
      if (h[label_start] == '-' || h[i - 1] == '-') {
        return InvalidArgument("host name '" + shown + "' has a label starting or ending with '-'");
      }
      last_label_numeric = true;
      for (size_t j = label_start; j < i; ++j) last_label_numeric = last_label_numeric && h[j] >= '0' && h[j] <= '9';
      label_start = i + 1;
      continue;
    }
    char& c = h[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return InvalidArgument("host name '" + shown + "' has a character other than a-z 0-9 - .");
  }
  if (last_label_numeric) return InvalidArgument("host name '" + shown + "' is an IP address, not a domain");
  return h;
}

}  // namespace

PublicSuffixList::PublicSuffixList(const psl_ctx_t* ctx, bool owned, std::string source)
    : ctx_(ctx), owned_(owned), source_(std::move(source)) {}

PublicSuffixList::PublicSuffixList() : ctx_(nullptr), owned_(true) {
  if (psl_ctx_t* ctx = psl_load_file(kDebianListPath)) {
    ctx_ = ctx;
    source_ = kDebianListPath;
    return;
  }
  // psl_latest hands back the built-in context when no file is newer.
  if (psl_ctx_t* ctx = psl_latest(nullptr); ctx != nullptr && ctx != psl_builtin()) {
    ctx_ = ctx;
    source_ = "latest";
    return;
  }
  ctx_ = psl_builtin();
  owned_ = false;
  source_ = "builtin";
}

Result<std::unique_ptr<PublicSuffixList>> PublicSuffixList::FromFile(const std::string& path) {
  psl_ctx_t* ctx = psl_load_file(path.c_str());
  if (ctx == nullptr) return Unavailable("cannot load the public suffix list " + path);
  return std::unique_ptr<PublicSuffixList>(new PublicSuffixList(ctx, true, path));
}

PublicSuffixList::~PublicSuffixList() {
  if (owned_) psl_free(const_cast<psl_ctx_t*>(ctx_));
}

Result<std::string> PublicSuffixList::RegisteredDomain(std::string_view host) const {
  MD_ASSIGN_OR_RETURN(std::string h, NormalizeHost(host));
  // Points into `h`; NULL when `h` is a public suffix itself.
  const char* registered = psl_registrable_domain(ctx_, h.c_str());
  if (registered == nullptr) {
    return InvalidArgument("host name '" + h + "' is a public suffix, not a registered domain");
  }
  return std::string(registered);
}

}  // namespace md
