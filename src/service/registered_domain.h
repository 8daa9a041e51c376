#pragma once
// The registered domain (eTLD+1) of a host name by the Public Suffix List: the
// unit Let's Encrypt counts "certificates per registered domain" in.

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

struct psl_ctx_st;

namespace md {

// PublicSuffixList: libpsl's rules, ICANN and private sections both (as Let's
// Encrypt counts them: a.github.io and b.github.io are two registered domains).
// Immutable after construction, so lookups are thread-safe. Owns its libpsl context.
class PublicSuffixList {
 public:
  // Where Debian's `publicsuffix` package puts the compiled list.
  static constexpr const char* kDebianListPath = "/usr/share/publicsuffix/public_suffix_list.dafsa";

  // Debian's list, else the newest libpsl knows of (psl_latest), else libpsl's
  // built-in copy; never fails. source() says which.
  PublicSuffixList();
  // The list in `path` (DAFSA or the .dat text); Unavailable if it cannot be loaded.
  static Result<std::unique_ptr<PublicSuffixList>> FromFile(const std::string& path);
  ~PublicSuffixList();
  PublicSuffixList(const PublicSuffixList&) = delete;
  PublicSuffixList& operator=(const PublicSuffixList&) = delete;

  // `host` reduced to its registered domain, lower-case: "a.b.example.co.uk" ->
  // "example.co.uk". A leading "*." and one trailing "." are dropped; a TLD not
  // on the list is a public suffix by the default "*" rule ("x.example.test" ->
  // "example.test"). InvalidArgument for a host that is not an ASCII DNS name
  // (IDNs as xn-- labels), an IP address, or a public suffix itself ("co.uk").
  Result<std::string> RegisteredDomain(std::string_view host) const;

  // The file the rules came from, or "builtin".
  const std::string& source() const { return source_; }

 private:
  PublicSuffixList(const psl_ctx_st* ctx, bool owned, std::string source);

  const psl_ctx_st* ctx_;  // never null
  bool owned_;             // false for libpsl's static built-in context
  std::string source_;
};

}  // namespace md
