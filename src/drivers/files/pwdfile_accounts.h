#pragma once
// PwdfileAccounts: FileAccounts as two things in one directory (DATA/files),
// both the controller's (root) alone:
//   passwd       "USER:HASH" lines (0600), read by pam_pwdfile on each login
//                of vsftpd and sshd: the tenant's Unix password stays locked,
//                so no other service of the host (its own sshd) accepts it;
//   roots/USER   a link to the account's chroot, named in the daemons'
//                configs as …/roots/$USER (vsftpd) and …/roots/%u (sshd).
// A login needs both; Remove drops the password first. Thread-safe within
// one process (a mutex); the controller is the only writer.

#include <mutex>
#include <string>

#include "drivers/files/file_accounts.h"

namespace md {

class PwdfileAccounts final : public FileAccounts {
 public:
  explicit PwdfileAccounts(std::string dir) : dir_(std::move(dir)) {}

  Status Ensure(const FileAccount& account) override;
  Status Remove(const std::string& user) override;
  Result<bool> Exists(const std::string& user) override;
  Result<std::vector<std::string>> List() override;

  std::string passwd_path() const { return dir_ + "/passwd"; }
  std::string roots_dir() const { return dir_ + "/roots"; }

 private:
  Status EnsureDirs();

  std::string dir_;
  std::mutex mu_;
};

}  // namespace md
