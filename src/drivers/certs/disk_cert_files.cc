#include "drivers/certs/disk_cert_files.h"

#include "core/files.h"

namespace md {

Result<CertPaths> DiskCertFiles::Save(const std::string& folder, const PemPair& pem) {
  MD_RETURN_IF_ERROR(ValidateCertFolder(folder));
  const std::string dir = certs_dir_ + "/" + folder;
  // A new name even within one millisecond: a save never writes into the
  // version a record names.
  int64_t stamp = clock_();
  while (PathExists(dir + "/" + std::to_string(stamp))) ++stamp;
  const std::string version = dir + "/" + std::to_string(stamp);
  MD_RETURN_IF_ERROR(EnsureDirectory(certs_dir_, 0700));
  MD_RETURN_IF_ERROR(EnsureDirectory(dir, 0700));
  MD_RETURN_IF_ERROR(EnsureDirectory(version, 0700));
  CertPaths paths{.cert_path = version + "/cert.pem", .key_path = version + "/key.pem"};
  MD_RETURN_IF_ERROR(WriteFileAtomic(paths.key_path, pem.key_pem, 0600));
  MD_RETURN_IF_ERROR(WriteFileAtomic(paths.cert_path, pem.cert_pem, 0600));
  return paths;
}

Result<PemPair> DiskCertFiles::Load(const CertPaths& paths) {
  PemPair pem;
  MD_ASSIGN_OR_RETURN(pem.cert_pem, ReadFile(paths.cert_path));
  MD_ASSIGN_OR_RETURN(pem.key_pem, ReadFile(paths.key_path));
  return pem;
}

bool DiskCertFiles::Exists(const CertPaths& paths) { return PathExists(paths.cert_path) && PathExists(paths.key_path); }

Status DiskCertFiles::RemoveVersion(const std::string& folder, const CertPaths& paths) {
  std::optional<std::string> dir = VersionDirOf(certs_dir_, folder, paths);
  return dir ? RemoveTree(*dir) : Status::Ok();
}

Status DiskCertFiles::RemoveFolder(const std::string& folder) {
  MD_RETURN_IF_ERROR(ValidateCertFolder(folder));
  return RemoveTree(certs_dir_ + "/" + folder);
}

}  // namespace md
