#include "main/file_access_stack.h"

#include <sys/stat.h>

#include <cstdio>

#include "core/clock.h"
#include "core/data_dir.h"
#include "core/files.h"
#include "drivers/certs/certificate.h"
#include "drivers/files/file_servers.h"

namespace md {
namespace {

constexpr int64_t kRenewStandInBeforeMs = int64_t{10} * 24 * 3600 * 1000;

// sshd chroots only into a path whose every component is root's and not
// writable by group or others (a data dir under /tmp is not).
std::string ChrootPathProblem(const std::string& path) {
  std::string prefix;
  size_t start = 1;
  while (true) {
    size_t slash = path.find('/', start);
    prefix = slash == std::string::npos ? path : path.substr(0, slash);
    struct stat st;
    if (stat(prefix.empty() ? "/" : prefix.c_str(), &st) != 0) return prefix + " is missing";
    if (st.st_uid != 0 || (st.st_mode & 022) != 0) return prefix + " is not root's alone (owner or mode)";
    if (slash == std::string::npos) return "";
    start = slash + 1;
  }
}

// FTPS's certificate, copied to DATA/ftp (vsftpd reads it at each
// handshake): the wildcard's when there is one, else one from the local CA
// for the domain, renewed when it nears its end.
Status WriteFtpCertificate(Store& store, LocalCa& local_ca, const std::string& domain, const std::string& cert_file,
                           const std::string& key_file) {
  MD_ASSIGN_OR_RETURN(std::vector<CertRecord> certs, store.ListCertificates());
  for (const CertRecord& cert : certs) {
    if (cert.purpose != "wildcard" || !PathExists(cert.cert_path) || !PathExists(cert.key_path)) continue;
    MD_ASSIGN_OR_RETURN(std::string key_pem, ReadFile(cert.key_path));
    MD_ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(cert.cert_path));
    MD_RETURN_IF_ERROR(WriteFileAtomic(key_file, key_pem, 0600));
    return WriteFileAtomic(cert_file, cert_pem, 0644);
  }
  auto current = ReadFile(cert_file);
  if (current.ok() && PathExists(key_file)) {
    auto parsed = InspectPem(*current);
    if (parsed.ok() && parsed->names == std::vector<std::string>{domain} &&
        parsed->not_after_ms - NowMs() > kRenewStandInBeforeMs) {
      return Status::Ok();
    }
  }
  MD_ASSIGN_OR_RETURN(CertificateBundle bundle, local_ca.Issue({domain}));
  MD_RETURN_IF_ERROR(WriteFileAtomic(key_file, bundle.key_pem, 0600));
  return WriteFileAtomic(cert_file, bundle.cert_pem, 0644);
}

}  // namespace

Result<std::unique_ptr<FileAccessStack>> FileAccessStack::Start(const ServerConfig& config, Supervisor& supervisor,
                                                                Store& store, LocalCa& local_ca) {
  std::unique_ptr<FileAccessStack> stack(new FileAccessStack(config.data_dir));
  MD_RETURN_IF_ERROR(stack->Init(config, supervisor, store, local_ca));
  return stack;
}

Status FileAccessStack::Init(const ServerConfig& config, Supervisor& supervisor, Store& store, LocalCa& local_ca) {
  config_ = config.files;
  FileServerSettings s{.ssh_dir = config.data_dir + "/ssh",
                       .ftp_dir = config.data_dir + "/ftp",
                       .roots_dir = accounts_.roots_dir(),
                       .passwd_path = accounts_.passwd_path(),
                       .pam_service = "meltanodata-files-" + DataDirTag(config.data_dir),
                       .sftp_port = config_.sftp_port,
                       .ftp_port = config_.ftp_port,
                       .passive_min = config_.passive_min,
                       .passive_max = config_.passive_max};
  if (!config_.enabled) {
    for (const char* name : {"sftp", "ftp"}) MD_RETURN_IF_ERROR(supervisor.Remove(name));
    return Status::Ok();
  }
  for (const std::string& binary : {s.sshd_binary, s.vsftpd_binary}) {
    if (!PathExists(binary)) {
      return FailedPrecondition(binary + " is missing: install openssh-server, vsftpd and libpam-pwdfile "
                                "(scripts/install-deps), or set [files] enabled = false");
    }
  }
  MD_RETURN_IF_ERROR(EnsureDirectory(s.ssh_dir, 0700));
  MD_RETURN_IF_ERROR(EnsureDirectory(s.ftp_dir, 0755));
  MD_RETURN_IF_ERROR(EnsureDirectory(config.data_dir + "/files", 0755));
  MD_RETURN_IF_ERROR(EnsureDirectory(s.roots_dir, 0755));
  MD_RETURN_IF_ERROR(EnsureHostKeys(s.ssh_dir));
  MD_ASSIGN_OR_RETURN(host_keys_, ReadHostKeys(s.ssh_dir));
  s.host_key_paths = HostKeyPaths(s.ssh_dir);
  s.cert_file = s.ftp_dir + "/cert.pem";
  s.key_file = s.ftp_dir + "/key.pem";
  MD_RETURN_IF_ERROR(WriteFtpCertificate(store, local_ca, config.domain, s.cert_file, s.key_file).WithContext("FTPS"));
  MD_RETURN_IF_ERROR(WriteFileServerFiles(s));
  if (std::string problem = ChrootPathProblem(s.roots_dir); !problem.empty()) {
    std::fprintf(stderr, "meltanodata: warning: SFTP logins will fail: sshd chroots only below root-owned dirs "
                         "that nobody else can write, and %s; choose another data dir\n", problem.c_str());
  }
  MD_RETURN_IF_ERROR(supervisor.Install({.name = "sftp", .run_script = RenderSftpRunScript(s)}));
  MD_RETURN_IF_ERROR(supervisor.Install({.name = "ftp", .run_script = RenderFtpRunScript(s)}));
  running_ = true;
  return Status::Ok();
}

FileAccessSummary FileAccessStack::summary() const {
  if (!running_) return {};
  FileAccessSummary summary{.sftp_port = config_.sftp_port, .ftp_port = config_.ftp_port};
  for (const HostKey& key : host_keys_) summary.host_keys.push_back({key.type, key.blob_base64, key.sha256});
  return summary;
}

std::vector<std::string> FileAccessStack::sshfp() const {
  std::vector<std::string> values;
  if (running_) {
    for (const HostKey& key : host_keys_) values.push_back(key.SshfpValue());
  }
  return values;
}

}  // namespace md
