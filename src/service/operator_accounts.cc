#include "service/operator_accounts.h"

#include "core/clock.h"
#include "core/validate.h"
#include "drivers/vault/password_hash.h"

namespace md {

Result<OperatorInfo> OperatorAccounts::Add(const std::string& name, const std::string& password) {
  MD_RETURN_IF_ERROR(ValidateOperatorName(name));
  MD_RETURN_IF_ERROR(ValidateOperatorPassword(password));
  MD_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  OperatorAccount account{name, std::move(hash), NowMs()};
  MD_RETURN_IF_ERROR(store_.InsertOperator(account));
  return OperatorInfo{account.name, account.created_ms};
}

Result<std::vector<OperatorInfo>> OperatorAccounts::List() {
  MD_ASSIGN_OR_RETURN(std::vector<OperatorAccount> accounts, store_.ListOperators());
  std::vector<OperatorInfo> out;
  for (const OperatorAccount& a : accounts) out.push_back({a.name, a.created_ms});
  return out;
}

Status OperatorAccounts::Remove(const std::string& name) {
  MD_RETURN_IF_ERROR(ValidateOperatorName(name));
  return store_.DeleteOperator(name);
}

Result<bool> OperatorAccounts::Check(const std::string& name, const std::string& password) {
  // An unknown name costs a hash too, so that timing does not tell names apart.
  static const std::string kDummy = [] {
    Result<std::string> hash = HashPassword("not-any-operator's-password");
    return hash.ok() ? *hash : std::string();
  }();
  if (!ValidateOperatorName(name).ok() || password.size() > 1024) {
    PasswordMatches(password.substr(0, 1024), kDummy);
    return false;
  }
  Result<OperatorAccount> account = store_.GetOperator(name);
  if (!account.ok()) {
    if (account.status().code() != Code::kNotFound) return account.status();
    PasswordMatches(password, kDummy);
    return false;
  }
  return PasswordMatches(password, account->password_hash);
}

}  // namespace md
