#pragma once
// Small string helpers shared across modules: trimming, quoting for /bin/sh,
// RFC 3986 percent-encoding and HTML escaping. Pure functions; thread-safe.

#include <string>
#include <string_view>

namespace md {

// `s` without leading and trailing spaces, tabs, CRs and LFs.
std::string Trim(std::string_view s);

// `s` as one /bin/sh word: wrapped in single quotes, each ' written as '\''.
// Safe for any byte string without NUL ($, `, \, newlines stay literal).
std::string ShellQuote(const std::string& s);

// Everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~) as
// %XX, upper-case hex; for URI user info, path segments and query values.
std::string PercentEncode(std::string_view s);

// Decodes each %XX (either case of hex). Lenient: a '%' not followed by two
// hex digits is kept as is, so any input decodes (callers redact or compare
// whatever they were given).
std::string PercentDecode(std::string_view s);

// `s` with A-Z lower-cased; other bytes as they are.
std::string AsciiLower(std::string_view s);

// `s` safe as HTML text and as a quoted attribute value: & < > " ' escaped.
std::string HtmlEscape(std::string_view s);

}  // namespace md
