#pragma once
// DiskCertFiles: CertFiles in a folder of the controller's own (DATA/certs),
// which no tenant can write. Versions are named by the time they are saved
// (in ms; the next free number if that one is taken).

#include "drivers/certs/cert_files.h"

namespace md {

class DiskCertFiles final : public CertFiles {
 public:
  explicit DiskCertFiles(std::string certs_dir) : certs_dir_(std::move(certs_dir)) {}

  Result<CertPaths> Save(const std::string& folder, const CertPem& pem) override;
  Result<CertPem> Load(const CertPaths& paths) override;
  bool Exists(const CertPaths& paths) override;
  Status RemoveVersion(const std::string& folder, const CertPaths& paths) override;
  Status RemoveFolder(const std::string& folder) override;

 private:
  const std::string certs_dir_;
};

}  // namespace md
