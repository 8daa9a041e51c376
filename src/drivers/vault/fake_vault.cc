#include "drivers/vault/fake_vault.h"

namespace md {
namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string Hex(std::string_view s, unsigned char mask) {
  std::string out;
  for (unsigned char c : s) {
    c ^= mask;
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace

Result<std::string> FakeVault::Seal(std::string_view context, std::string_view plaintext) {
  ++seals;
  return "fake:" + Hex(context, 0) + ":" + Hex(plaintext, 0x5a);
}

Result<std::string> FakeVault::Open(std::string_view context, std::string_view sealed) {
  ++opens;
  const Status refused = FailedPrecondition("vault: a sealed value does not open");
  if (fail_next_open.exchange(false)) return refused;
  std::string head = "fake:" + Hex(context, 0) + ":";
  if (!sealed.starts_with(head)) return refused;
  std::string_view body = sealed.substr(head.size());
  if (body.size() % 2 != 0) return refused;
  std::string plain;
  for (size_t i = 0; i < body.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    int hi = nibble(body[i]), lo = nibble(body[i + 1]);
    if (hi < 0 || lo < 0) return refused;
    plain += static_cast<char>((hi << 4 | lo) ^ 0x5a);
  }
  return plain;
}

}  // namespace md
