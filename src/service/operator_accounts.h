#pragma once
// OperatorAccounts: the dashboard's named operators, kept in the store with
// an Argon2id hash of their password (drivers/vault/password_hash.h). Checks
// names and passwords; never logs or returns a password or a hash.
// Thread-safe (the store is).

#include <string>
#include <vector>

#include "api/controller.h"
#include "store/store.h"

namespace md {

class OperatorAccounts {
 public:
  explicit OperatorAccounts(Store& store) : store_(store) {}

  Result<OperatorInfo> Add(const std::string& name, const std::string& password);
  Result<std::vector<OperatorInfo>> List();
  Status Remove(const std::string& name);
  // False for a wrong password and for an unknown name (after hashing as long).
  Result<bool> Check(const std::string& name, const std::string& password);

 private:
  Store& store_;
};

}  // namespace md
