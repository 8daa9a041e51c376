#pragma once
// FileAccounts: the logins of FTP and SFTP, one per tenant, each chrooted to
// its tenant's root. Level-based and idempotent: Ensure makes an account
// match, Remove takes it away (absent is success). Thread-safe.

#include <string>
#include <vector>

#include "core/status.h"

namespace md {

struct FileAccount {
  std::string user;           // the tenant's Unix user: what it uploads is theirs
  std::string root;           // the chroot: a root-owned dir the user cannot write
  std::string password_hash;  // crypt(3) form ($y$…), never the password
};

class FileAccounts {
 public:
  virtual ~FileAccounts() = default;
  virtual Status Ensure(const FileAccount& account) = 0;
  virtual Status Remove(const std::string& user) = 0;
  virtual Result<bool> Exists(const std::string& user) = 0;
  virtual Result<std::vector<std::string>> List() = 0;
};

}  // namespace md
