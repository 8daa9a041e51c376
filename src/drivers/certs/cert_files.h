#pragma once
// CertFiles: the key and certificate files the front door serves, under
// DATA/certs — one folder per name set, and in it one version folder per
// certificate, so a new certificate never overwrites the one being served.
// A record names its files by the paths Save returns. Thread-safe.

#include <optional>
#include <string>

#include "core/status.h"

namespace md {

struct CertPaths {
  std::string cert_path;
  std::string key_path;
};

struct PemPair {
  std::string cert_pem;
  std::string key_pem;  // a secret, never logged
};

class CertFiles {
 public:
  virtual ~CertFiles() = default;
  // Writes `pem` to a new version of `folder` (one path component), never
  // into one that exists: the folders 0700, key.pem and cert.pem 0600, each
  // written whole or not at all.
  virtual Result<CertPaths> Save(const std::string& folder, const PemPair& pem) = 0;
  // NotFound if either file is gone.
  virtual Result<PemPair> Load(const CertPaths& paths) = 0;
  virtual bool Exists(const CertPaths& paths) = 0;
  // Removes the version folder holding `paths` if it is one of `folder`'s;
  // anything else is left alone. Absent is success.
  virtual Status RemoveVersion(const std::string& folder, const CertPaths& paths) = 0;
  // Removes `folder` with every version in it; absent is success.
  virtual Status RemoveFolder(const std::string& folder) = 0;
};

// InvalidArgument unless `folder` is one path component.
Status ValidateCertFolder(const std::string& folder);
// The version folder holding `paths` when it is CERTS_DIR/FOLDER/VERSION
// (both files in it), else nullopt.
std::optional<std::string> VersionDirOf(const std::string& certs_dir, const std::string& folder,
                                        const CertPaths& paths);

}  // namespace md
