#include "drivers/certs/fake_cert_files.h"

namespace md {

std::optional<Status> FakeCertFiles::TakeFailure() {
  std::optional<Status> failure = std::move(fail_next_);
  fail_next_.reset();
  return failure;
}

void FakeCertFiles::EraseUnder(const std::string& dir) {
  std::erase_if(files_, [&](const auto& file) { return file.first.rfind(dir + "/", 0) == 0; });
}

Result<CertPaths> FakeCertFiles::Save(const std::string& folder, const PemPair& pem) {
  std::lock_guard lock(mutex_);
  if (auto failure = TakeFailure()) return *failure;
  MD_RETURN_IF_ERROR(ValidateCertFolder(folder));
  const std::string version = certs_dir_ + "/" + folder + "/" + std::to_string(next_version_++);
  CertPaths paths{.cert_path = version + "/cert.pem", .key_path = version + "/key.pem"};
  files_[paths.key_path] = pem.key_pem;
  files_[paths.cert_path] = pem.cert_pem;
  return paths;
}

Result<PemPair> FakeCertFiles::Load(const CertPaths& paths) {
  std::lock_guard lock(mutex_);
  auto cert = files_.find(paths.cert_path);
  auto key = files_.find(paths.key_path);
  if (cert == files_.end()) return NotFound("no such file: " + paths.cert_path);
  if (key == files_.end()) return NotFound("no such file: " + paths.key_path);
  return PemPair{.cert_pem = cert->second, .key_pem = key->second};
}

bool FakeCertFiles::Exists(const CertPaths& paths) {
  std::lock_guard lock(mutex_);
  return files_.count(paths.cert_path) > 0 && files_.count(paths.key_path) > 0;
}

Status FakeCertFiles::RemoveVersion(const std::string& folder, const CertPaths& paths) {
  std::lock_guard lock(mutex_);
  if (auto failure = TakeFailure()) return *failure;
  if (std::optional<std::string> dir = VersionDirOf(certs_dir_, folder, paths)) EraseUnder(*dir);
  return Status::Ok();
}

Status FakeCertFiles::RemoveFolder(const std::string& folder) {
  std::lock_guard lock(mutex_);
  if (auto failure = TakeFailure()) return *failure;
  MD_RETURN_IF_ERROR(ValidateCertFolder(folder));
  EraseUnder(certs_dir_ + "/" + folder);
  return Status::Ok();
}

void FakeCertFiles::FailNext(Status status) {
  std::lock_guard lock(mutex_);
  fail_next_ = std::move(status);
}

void FakeCertFiles::Lose(const std::string& path) {
  std::lock_guard lock(mutex_);
  files_.erase(path);
}

std::vector<std::string> FakeCertFiles::paths() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [path, content] : files_) out.push_back(path);
  return out;
}

}  // namespace md
