#pragma once
// The two file servers of every tenant's files, as the supervisor runs them
// from the data dir: OpenSSH's sshd for SFTP and vsftpd for explicit FTPS.
// Both log a tenant in through one PAM service of this controller's own
// (pam_pwdfile over PwdfileAccounts' passwd), chroot it to roots/USER (its
// tenant's root, which it cannot write) and act as its Unix user. sshd takes
// its PAM service name from its program name, so it runs through a link
// named after the service. Pure rendering plus WriteFileServerFiles; no
// process is started here.

#include <string>
#include <vector>

#include "core/status.h"

namespace md {

struct FileServerSettings {
  std::string ssh_dir;       // DATA/ssh: host keys, sshd_config, the sshd link
  std::string ftp_dir;       // DATA/ftp: vsftpd.conf, its empty dir, its log
  std::string roots_dir;     // PwdfileAccounts::roots_dir()
  std::string passwd_path;   // PwdfileAccounts::passwd_path()
  std::string pam_service;   // [a-z0-9-]+, unique to this data dir
  std::string pam_dir = "/etc/pam.d";
  std::string sshd_binary = "/usr/sbin/sshd";
  std::string vsftpd_binary = "/usr/sbin/vsftpd";
  int sftp_port = 2022;
  int ftp_port = 2021;
  int passive_min = 21000;   // vsftpd's passive data ports
  int passive_max = 21099;
  std::string cert_file;     // FTPS: PEM chain and key, read at each TLS handshake
  std::string key_file;
  std::vector<std::string> host_key_paths;

  std::string sshd_link() const { return ssh_dir + "/" + pam_service; }
  std::string sshd_config() const { return ssh_dir + "/sshd_config"; }
  std::string vsftpd_config() const { return ftp_dir + "/vsftpd.conf"; }
  std::string pam_file() const { return pam_dir + "/" + pam_service; }
};

// Checks ports, names and paths: InvalidArgument with one line.
Status ValidateFileServerSettings(const FileServerSettings& s);

std::string RenderPamService(const FileServerSettings& s);
std::string RenderSshdConfig(const FileServerSettings& s);
std::string RenderVsftpdConfig(const FileServerSettings& s);
std::string RenderSftpRunScript(const FileServerSettings& s);
std::string RenderFtpRunScript(const FileServerSettings& s);

// Writes the PAM service, both configs and the sshd link (root's, 0644; the
// dirs must exist), and checks sshd's config with `sshd -t`.
Status WriteFileServerFiles(const FileServerSettings& s);

}  // namespace md
