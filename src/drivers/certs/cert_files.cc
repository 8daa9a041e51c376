#include "drivers/certs/cert_files.h"

namespace md {
namespace {

bool OneComponent(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

}  // namespace

Status ValidateCertFolder(const std::string& folder) {
  if (!OneComponent(folder)) return InvalidArgument("certificate folder must be one path component: '" + folder + "'");
  return Status::Ok();
}

std::optional<std::string> VersionDirOf(const std::string& certs_dir, const std::string& folder,
                                        const CertPaths& paths) {
  const std::string prefix = certs_dir + "/" + folder + "/";
  size_t slash = paths.cert_path.rfind('/');
  if (!OneComponent(folder) || slash == std::string::npos || paths.cert_path.rfind(prefix, 0) != 0) return std::nullopt;
  std::string dir = paths.cert_path.substr(0, slash);
  if (dir.size() <= prefix.size() || !OneComponent(dir.substr(prefix.size()))) return std::nullopt;
  if (paths.key_path.rfind(dir + "/", 0) != 0 || !OneComponent(paths.key_path.substr(dir.size() + 1))) {
    return std::nullopt;
  }
  return dir;
}

}  // namespace md
