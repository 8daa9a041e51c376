#pragma once
// FakeVault: a Vault for unit tests. Its "sealing" is reversible without a
// key, but never holds the plaintext as such (hex of the bytes, each XOR
// 0x5a), binds the context, and detects a change. Fault switch: the next
// Open fails. Thread-safe.

#include <atomic>

#include "drivers/vault/vault.h"

namespace md {

class FakeVault final : public Vault {
 public:
  Result<std::string> Seal(std::string_view context, std::string_view plaintext) override;
  Result<std::string> Open(std::string_view context, std::string_view sealed) override;

  std::atomic<bool> fail_next_open{false};
  std::atomic<int> seals{0};
  std::atomic<int> opens{0};
};

}  // namespace md
