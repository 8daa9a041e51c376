#include "drivers/files/fake_file_accounts.h"

#include "drivers/host/user_name.h"

namespace md {

Status FakeFileAccounts::TakeFault() {
  if (!fault_) return Status::Ok();
  Status s = *fault_;
  fault_.reset();
  return s;
}

Status FakeFileAccounts::Ensure(const FileAccount& account) {
  MD_RETURN_IF_ERROR(ValidateUnixUserName(account.user));
  if (account.root.empty() || account.root[0] != '/') return InvalidArgument("root must be absolute");
  if (account.password_hash.empty() || account.password_hash[0] != '$') return InvalidArgument("not a hash");
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(TakeFault());
  accounts_[account.user] = account;
  return Status::Ok();
}

Status FakeFileAccounts::Remove(const std::string& user) {
  MD_RETURN_IF_ERROR(ValidateUnixUserName(user));
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(TakeFault());
  accounts_.erase(user);
  return Status::Ok();
}

Result<bool> FakeFileAccounts::Exists(const std::string& user) {
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(TakeFault());
  return accounts_.count(user) > 0;
}

Result<std::vector<std::string>> FakeFileAccounts::List() {
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(TakeFault());
  std::vector<std::string> users;
  for (const auto& entry : accounts_) users.push_back(entry.first);
  return users;
}

std::optional<FileAccount> FakeFileAccounts::Get(const std::string& user) {
  std::lock_guard lock(mu_);
  auto it = accounts_.find(user);
  if (it == accounts_.end()) return std::nullopt;
  return it->second;
}

void FakeFileAccounts::FailNext(Status status) {
  std::lock_guard lock(mu_);
  fault_ = std::move(status);
}

}  // namespace md
