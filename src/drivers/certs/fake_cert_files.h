#pragma once
// FakeCertFiles: CertFiles kept in memory, for unit tests, with the real
// one's paths (versions numbered 1, 2, …). Can fail the next change, and
// lets a test lose a file. Thread-safe.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "drivers/certs/cert_files.h"

namespace md {

class FakeCertFiles final : public CertFiles {
 public:
  explicit FakeCertFiles(std::string certs_dir = "/data/certs") : certs_dir_(std::move(certs_dir)) {}

  Result<CertPaths> Save(const std::string& folder, const PemPair& pem) override;
  Result<PemPair> Load(const CertPaths& paths) override;
  bool Exists(const CertPaths& paths) override;
  Status RemoveVersion(const std::string& folder, const CertPaths& paths) override;
  Status RemoveFolder(const std::string& folder) override;

  // The next Save, RemoveVersion or RemoveFolder returns `status` and changes nothing.
  void FailNext(Status status);
  // Removes one file, as if lost from the disk.
  void Lose(const std::string& path);
  // The paths of the files there are, sorted.
  std::vector<std::string> paths() const;

 private:
  // Returns the failure set by FailNext, if any, and clears it. REQUIRES: mutex_ held.
  std::optional<Status> TakeFailure();
  void EraseUnder(const std::string& dir);  // REQUIRES: mutex_ held

  const std::string certs_dir_;
  mutable std::mutex mutex_;
  std::map<std::string, std::string> files_;  // path → content
  int next_version_ = 1;
  std::optional<Status> fail_next_;
};

}  // namespace md
