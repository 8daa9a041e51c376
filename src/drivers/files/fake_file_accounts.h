#pragma once
// FakeFileAccounts: FileAccounts in memory for unit tests; checks what the
// real one checks, and can fail the next call. Thread-safe.

#include <map>
#include <mutex>
#include <optional>

#include "drivers/files/file_accounts.h"

namespace md {

class FakeFileAccounts final : public FileAccounts {
 public:
  Status Ensure(const FileAccount& account) override;
  Status Remove(const std::string& user) override;
  Result<bool> Exists(const std::string& user) override;
  Result<std::vector<std::string>> List() override;

  std::optional<FileAccount> Get(const std::string& user);
  void FailNext(Status status);

 private:
  Status TakeFault();

  std::mutex mu_;
  std::map<std::string, FileAccount> accounts_;
  std::optional<Status> fault_;
};

}  // namespace md
