#pragma once
// An email as the controller sends it — From, To, Subject, Date, Message-ID
// and a multipart/alternative body (text/plain and text/html) — built into
// RFC 5322 bytes. Header values are checked and encoded so that no input can
// add a header line: addresses must be plain, names and subjects go out as
// quoted strings or RFC 2047 encoded words. Pure functions; thread-safe.

#include <cstdint>
#include <string>

#include "core/status.h"

namespace md {

struct MailAddress {
  std::string name;     // display name, any UTF-8 without control characters; may be empty
  std::string address;  // local@domain, checked by ValidateEmail
};

struct MailMessage {
  MailAddress from;
  MailAddress to;
  std::string subject;  // UTF-8, one line
  std::string text;     // the text/plain part, UTF-8
  std::string html;     // the text/html part, UTF-8 (the caller escapes what it inserts)
};

// The message's bytes, lines ended by CRLF, bodies in base64. Date is
// `now_ms` (UTC); Message-ID is random, at the sender's domain.
// InvalidArgument if an address is not plain or a name or subject holds a
// control character (CR, LF, ...) or invalid UTF-8.
Result<std::string> BuildMessage(const MailMessage& message, int64_t now_ms);

// A header's display name: as is when it is plain ASCII words, a quoted
// string when it has other printable ASCII, RFC 2047 encoded words
// (=?UTF-8?B?...?=) when it has anything else. InvalidArgument on control
// characters or invalid UTF-8.
Result<std::string> EncodeDisplayName(const std::string& name);

// "Thu, 01 Jan 2026 00:00:00 +0000" (RFC 5322 §3.3).
std::string MailDate(int64_t now_ms);

}  // namespace md
