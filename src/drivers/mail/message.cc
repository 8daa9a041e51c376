#include "drivers/mail/message.h"

#include <ctime>
#include <string_view>

#include "core/digest.h"
#include "core/random.h"
#include "core/validate.h"

namespace md {
namespace {

constexpr std::string_view kCrlf = "\r\n";

bool IsAtext(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+/=?^_`{|}~.-").find(c) != std::string_view::npos;
}

// An address that can stand between < and > with nothing to escape.
Status CheckAddress(const std::string& address, const char* which) {
  MD_RETURN_IF_ERROR(ValidateEmail(address).WithContext(which));
  for (char c : address) {
    if (!IsAtext(c) && c != '@') return InvalidArgument(std::string(which) + " address has a character mail cannot carry");
  }
  return Status::Ok();
}

Status CheckText(const std::string& text, const char* which) {
  if (!IsValidUtf8(text)) return InvalidArgument(std::string(which) + " is not valid UTF-8");
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return InvalidArgument(std::string(which) + " holds a control character");
  }
  return Status::Ok();
}

// RFC 2047 B-encoded words of at most 75 bytes each, split between UTF-8
// characters, joined by folding white space.
std::string EncodedWords(const std::string& text) {
  constexpr size_t kMaxChunk = 45;  // base64 of 45 bytes is 60 chars; with =?UTF-8?B??= 72
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = std::min(text.size(), pos + kMaxChunk);
    // Back up to the start of a UTF-8 character.
    while (end < text.size() && end > pos && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(std::string_view(text).substr(pos, end - pos)) + "?=";
    pos = end;
  }
  return out;
}

bool IsAscii(const std::string& text) {
  for (unsigned char c : text) {
    if (c >= 0x80) return false;
  }
  return true;
}

// A base64 body wrapped at 76 characters.
std::string Base64Body(const std::string& text) {
  std::string encoded = Base64(text);
  std::string out;
  for (size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + std::string(kCrlf);
  return out;
}

Result<std::string> AddressHeader(const MailAddress& a, const char* which) {
  MD_RETURN_IF_ERROR(CheckAddress(a.address, which));
  if (a.name.empty()) return "<" + a.address + ">";
  MD_ASSIGN_OR_RETURN(std::string name, EncodeDisplayName(a.name));
  return name + " <" + a.address + ">";
}

}  // namespace

Result<std::string> EncodeDisplayName(const std::string& name) {
  MD_RETURN_IF_ERROR(CheckText(name, "name"));
  if (!IsAscii(name)) return EncodedWords(name);
  bool atoms = !name.empty() && name.front() != ' ' && name.back() != ' ';
  for (char c : name) atoms = atoms && (c == ' ' || (IsAtext(c) && c != '.'));
  if (atoms) return name;
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

std::string MailDate(int64_t now_ms) {
  std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

Result<std::string> BuildMessage(const MailMessage& m, int64_t now_ms) {
  MD_ASSIGN_OR_RETURN(std::string from, AddressHeader(m.from, "sender"));
  MD_ASSIGN_OR_RETURN(std::string to, AddressHeader(m.to, "recipient"));
  MD_RETURN_IF_ERROR(CheckText(m.subject, "subject"));
  if (!IsValidUtf8(m.text) || !IsValidUtf8(m.html)) return InvalidArgument("mail body is not valid UTF-8");
  std::string subject = IsAscii(m.subject) && m.subject.size() <= 900 ? m.subject : EncodedWords(m.subject);
  std::string domain = m.from.address.substr(m.from.address.rfind('@') + 1);
  std::string boundary = "=_md_" + RandomHex(12);
  std::string crlf(kCrlf);
  std::string out;
  out += "From: " + from + crlf;
  out += "To: " + to + crlf;
  out += "Subject: " + subject + crlf;
  out += "Date: " + MailDate(now_ms) + crlf;
  out += "Message-ID: <" + RandomHex(16) + "@" + domain + ">" + crlf;
  out += "MIME-Version: 1.0" + crlf;
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"" + crlf;
  out += crlf;
  for (const auto& [type, body] : {std::pair<const char*, const std::string&>{"text/plain", m.text},
                                   std::pair<const char*, const std::string&>{"text/html", m.html}}) {
    out += "--" + boundary + crlf;
    out += std::string("Content-Type: ") + type + "; charset=utf-8" + crlf;
    out += "Content-Transfer-Encoding: base64" + crlf + crlf;
    out += Base64Body(body);
  }
  out += "--" + boundary + "--" + crlf;
  return out;
}

}  // namespace md
