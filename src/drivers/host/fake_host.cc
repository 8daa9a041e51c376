#include "drivers/host/fake_host.h"

#include "drivers/host/user_name.h"

namespace md {

std::optional<Status> FakeHost::Begin(std::string call) {
  calls_.push_back(std::move(call));
  std::optional<Status> failure;
  failure.swap(fail_next_);
  return failure;
}

Result<UnixUser> FakeHost::EnsureUser(const std::string& name, const std::string& home, uid_t uid) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("EnsureUser " + name + " " + home + " " + std::to_string(uid))) return *f;
  MD_RETURN_IF_ERROR(ValidateUnixUserName(name));
  if (home.empty() || home[0] != '/') return InvalidArgument("home must be an absolute path: '" + home + "'");
  auto it = users_.find(name);
  if (it != users_.end()) return it->second.user;
  if (uid == 0) return InvalidArgument("refusing UID 0 for " + name);
  for (const auto& [other, entry] : users_) {
    if (entry.user.uid == uid) return AlreadyExists("UID " + std::to_string(uid) + " is taken by " + other);
  }
  UnixUser user{name, uid, uid, home};
  users_[name] = Entry{user, home};
  return user;
}

Result<UnixUser> FakeHost::LookupUser(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("LookupUser " + name)) return *f;
  MD_RETURN_IF_ERROR(ValidateUnixUserName(name));
  auto it = users_.find(name);
  if (it == users_.end()) return NotFound("no such user: " + name);
  return it->second.user;
}

Status FakeHost::RemoveUser(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("RemoveUser " + name)) return *f;
  MD_RETURN_IF_ERROR(ValidateUnixUserName(name));
  users_.erase(name);
  return Status::Ok();
}

Result<std::vector<std::string>> FakeHost::ListUsers(const std::string& prefix) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("ListUsers " + prefix)) return *f;
  std::vector<std::string> names;
  for (const auto& [name, entry] : users_) {
    if (name.rfind(prefix, 0) == 0) names.push_back(name);
  }
  return names;
}

void FakeHost::FailNext(Status status) {
  std::lock_guard<std::mutex> lock(mutex_);
  fail_next_ = std::move(status);
}

std::vector<std::string> FakeHost::calls() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return calls_;
}

std::string FakeHost::HomeOf(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = users_.find(name);
  return it == users_.end() ? "" : it->second.home;
}

}  // namespace md
