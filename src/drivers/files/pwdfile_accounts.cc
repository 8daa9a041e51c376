#include "drivers/files/pwdfile_accounts.h"

#include <unistd.h>

#include <cerrno>
#include <map>
#include <sstream>

#include "core/files.h"
#include "drivers/host/user_name.h"

namespace md {
namespace {

constexpr mode_t kDirMode = 0755;      // the daemons walk it as root
constexpr mode_t kPasswdMode = 0600;   // hashes: root's alone

using Lines = std::map<std::string, std::string>;  // user -> hash

Result<Lines> ReadLines(const std::string& path) {
  Lines lines;
  if (!PathExists(path)) return lines;
  MD_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0) continue;
    lines[line.substr(0, colon)] = line.substr(colon + 1);
  }
  return lines;
}

Status WriteLines(const std::string& path, const Lines& lines) {
  std::string text;
  for (const auto& [user, hash] : lines) text += user + ":" + hash + "\n";
  return WriteFileAtomic(path, text, kPasswdMode);
}

// A crypt(3) string: printable, no ':' and no whitespace.
bool IsHash(const std::string& hash) {
  if (hash.size() < 2 || hash[0] != '$') return false;
  for (char c : hash) {
    if (c <= ' ' || c >= 0x7f || c == ':') return false;
  }
  return true;
}

}  // namespace

Status PwdfileAccounts::EnsureDirs() {
  MD_RETURN_IF_ERROR(EnsureDirectory(dir_, kDirMode));
  return EnsureDirectory(roots_dir(), kDirMode);
}

Status PwdfileAccounts::Ensure(const FileAccount& account) {
  MD_RETURN_IF_ERROR(ValidateUnixUserName(account.user));
  if (account.root.empty() || account.root[0] != '/' || account.root.find('\n') != std::string::npos) {
    return InvalidArgument("a file account's root must be an absolute path: '" + account.root + "'");
  }
  if (!IsHash(account.password_hash)) return InvalidArgument("not a crypt(3) password hash");
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(EnsureDirs());
  MD_RETURN_IF_ERROR(ReplaceSymlink(account.root, roots_dir() + "/" + account.user));
  MD_ASSIGN_OR_RETURN(Lines lines, ReadLines(passwd_path()));
  if (lines[account.user] == account.password_hash) return Status::Ok();
  lines[account.user] = account.password_hash;
  return WriteLines(passwd_path(), lines);
}

Status PwdfileAccounts::Remove(const std::string& user) {
  MD_RETURN_IF_ERROR(ValidateUnixUserName(user));
  std::lock_guard lock(mu_);
  MD_ASSIGN_OR_RETURN(Lines lines, ReadLines(passwd_path()));
  if (lines.erase(user) > 0) MD_RETURN_IF_ERROR(WriteLines(passwd_path(), lines));
  std::string link = roots_dir() + "/" + user;
  if (unlink(link.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("cannot remove " + link);
  return Status::Ok();
}

Result<bool> PwdfileAccounts::Exists(const std::string& user) {
  MD_RETURN_IF_ERROR(ValidateUnixUserName(user));
  std::lock_guard lock(mu_);
  MD_ASSIGN_OR_RETURN(Lines lines, ReadLines(passwd_path()));
  return lines.count(user) > 0;
}

Result<std::vector<std::string>> PwdfileAccounts::List() {
  std::lock_guard lock(mu_);
  MD_ASSIGN_OR_RETURN(Lines lines, ReadLines(passwd_path()));
  std::vector<std::string> users;
  for (const auto& entry : lines) users.push_back(entry.first);
  return users;
}

}  // namespace md
