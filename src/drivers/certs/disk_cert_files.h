#pragma once
// DiskCertFiles: CertFiles in a folder of the controller's own (DATA/certs),
// which no tenant can write. Versions are named by the time they are saved
// (in ms; the next free number if that one is taken).

#include <cstdint>
#include <functional>

#include "core/clock.h"
#include "drivers/certs/cert_files.h"

namespace md {

class DiskCertFiles final : public CertFiles {
 public:
  // `clock` gives the time in ms that names a new version.
  explicit DiskCertFiles(std::string certs_dir, std::function<int64_t()> clock = NowMs)
      : certs_dir_(std::move(certs_dir)), clock_(std::move(clock)) {}

  Result<CertPaths> Save(const std::string& folder, const PemPair& pem) override;
  Result<PemPair> Load(const CertPaths& paths) override;
  bool Exists(const CertPaths& paths) override;
  Status RemoveVersion(const std::string& folder, const CertPaths& paths) override;
  Status RemoveFolder(const std::string& folder) override;

 private:
  const std::string certs_dir_;
  const std::function<int64_t()> clock_;
};

}  // namespace md
