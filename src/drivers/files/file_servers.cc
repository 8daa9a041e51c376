#include "drivers/files/file_servers.h"

#include <functional>

#include "core/files.h"
#include "core/process.h"
#include "core/strings.h"

namespace md {
namespace {

constexpr mode_t kConfigMode = 0644;

bool ValidPort(int port) { return port >= 1 && port <= 65535; }

bool SafePath(const std::string& path) {
  if (path.empty() || path[0] != '/') return false;
  for (char c : path) {
    if (c <= ' ' || c == '"' || c == '%' || c == '$' || c == '\\' || c >= 0x7f) return false;
  }
  return true;
}

}  // namespace

Status ValidateFileServerSettings(const FileServerSettings& s) {
  for (int port : {s.sftp_port, s.ftp_port, s.passive_min, s.passive_max}) {
    if (!ValidPort(port)) return InvalidArgument("file access port " + std::to_string(port) + " is not 1-65535");
  }
  if (s.sftp_port == s.ftp_port) return InvalidArgument("sftp_port and ftp_port must differ");
  if (s.passive_min > s.passive_max) return InvalidArgument("ftp_passive_ports: the first port is above the last");
  for (int port : {s.sftp_port, s.ftp_port}) {
    if (port >= s.passive_min && port <= s.passive_max) {
      return InvalidArgument("ftp_passive_ports must not hold port " + std::to_string(port));
    }
  }
  if (s.pam_service.empty() || s.pam_service.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") !=
                                   std::string::npos) {
    return InvalidArgument("PAM service name must be [a-z0-9-]+: '" + s.pam_service + "'");
  }
  for (const std::string& path : {s.ssh_dir, s.ftp_dir, s.roots_dir, s.passwd_path, s.pam_dir, s.cert_file,
                                  s.key_file}) {
    if (!SafePath(path)) {
      return InvalidArgument("file access path '" + path + "' must be absolute, with no space, quote, %, $ or \\");
    }
  }
  return Status::Ok();
}

std::string RenderPamService(const FileServerSettings& s) {
  return "# MeltanoData file access (FTP and SFTP): tenants' logins, from " + s.passwd_path +
         " alone.\n"
         "# Written by meltanodata serve; changes are overwritten.\n"
         "auth required pam_pwdfile.so pwdfile=" + s.passwd_path + "\n"
         "account required pam_permit.so\n"
         "session required pam_permit.so\n"
         "password required pam_deny.so\n";
}

std::string RenderSshdConfig(const FileServerSettings& s) {
  std::string c =
      "# MeltanoData SFTP: tenants only, chrooted to their roots, nothing but SFTP.\n"
      "# Written by meltanodata serve; changes are overwritten.\n"
      "Port " + std::to_string(s.sftp_port) + "\n";
  for (const std::string& key : s.host_key_paths) c += "HostKey " + key + "\n";
  c += "PidFile none\n"
       "LogLevel INFO\n"
       "UseDNS no\n"
       "StrictModes yes\n"
       "LoginGraceTime 30\n"
       "MaxAuthTries 3\n"
       "PermitRootLogin no\n"
       // Passwords go to PAM (this controller's service, by the program's name),
       // never to /etc/shadow: tenants' Unix passwords stay locked.
       "UsePAM yes\n"
       "AuthenticationMethods password\n"
       "PasswordAuthentication yes\n"
       "PermitEmptyPasswords no\n"
       "KbdInteractiveAuthentication no\n"
       "PubkeyAuthentication no\n"
       "HostbasedAuthentication no\n"
       "AuthorizedKeysFile none\n"
       "AllowTcpForwarding no\n"
       "AllowStreamLocalForwarding no\n"
       "AllowAgentForwarding no\n"
       "GatewayPorts no\n"
       "PermitTunnel no\n"
       "PermitTTY no\n"
       "PermitUserRC no\n"
       "PermitUserEnvironment no\n"
       "X11Forwarding no\n"
       "PrintMotd no\n"
       "Banner none\n"
       "Subsystem sftp internal-sftp\n"
       "Match all\n"
       "  ChrootDirectory " + s.roots_dir + "/%u\n"
       "  ForceCommand internal-sftp -u 0027 -d /project\n";
  return c;
}

std::string RenderVsftpdConfig(const FileServerSettings& s) {
  return "# MeltanoData FTP: explicit FTPS for tenants only, chrooted to their roots.\n"
         "# Written by meltanodata serve; changes are overwritten.\n"
         "listen=YES\n"
         "listen_ipv6=NO\n"
         "listen_port=" + std::to_string(s.ftp_port) + "\n"
         "background=NO\n"
         "ftpd_banner=MeltanoData file access\n"
         "anonymous_enable=NO\n"
         "local_enable=YES\n"
         "write_enable=YES\n"
         "local_umask=027\n"
         "hide_ids=YES\n"
         "pam_service_name=" + s.pam_service + "\n"
         "max_login_fails=3\n"
         // The chroot is the tenant's root, root's and not writable by the
         // tenant; only project/ beneath it is. So vsftpd's "refusing to run
         // with writable root inside chroot()" cannot happen.
         "chroot_local_user=YES\n"
         "allow_writeable_chroot=NO\n"
         "user_sub_token=$USER\n"
         "local_root=" + s.roots_dir + "/$USER\n"
         "secure_chroot_dir=" + s.ftp_dir + "/empty\n"
         "pasv_enable=YES\n"
         "pasv_min_port=" + std::to_string(s.passive_min) + "\n"
         "pasv_max_port=" + std::to_string(s.passive_max) + "\n"
         "port_enable=NO\n"
         "ssl_enable=YES\n"
         "rsa_cert_file=" + s.cert_file + "\n"
         "rsa_private_key_file=" + s.key_file + "\n"
         "force_local_logins_ssl=YES\n"
         "force_local_data_ssl=YES\n"
         "ssl_sslv2=NO\n"
         "ssl_sslv3=NO\n"
         "ssl_tlsv1=NO\n"  // TLS 1.0 off; 1.2 and 1.3 stay (Debian's 3.0.3 has no finer switch)
         "ssl_ciphers=HIGH\n"
         "xferlog_enable=YES\n"
         "vsftpd_log_file=" + s.ftp_dir + "/vsftpd.log\n";
}

// A line that changes with `config`: the supervisor restarts a service whose
// run script changed, so a new config takes effect.
static std::string ConfigStamp(const std::string& config) {
  return "# config " + std::to_string(std::hash<std::string>{}(config)) + "\n";
}

std::string RenderSftpRunScript(const FileServerSettings& s) {
  return "#!/bin/sh\n"
         "# sshd for SFTP; its program name is the PAM service's.\n" +
         ConfigStamp(RenderSshdConfig(s)) +
         "exec 2>&1\n"
         "mkdir -p -m 0755 /run/sshd\n"
         "exec " + ShellQuote(s.sshd_link()) + " -D -e -f " + ShellQuote(s.sshd_config()) + "\n";
}

std::string RenderFtpRunScript(const FileServerSettings& s) {
  return "#!/bin/sh\n"
         "# vsftpd for explicit FTPS.\n" +
         ConfigStamp(RenderVsftpdConfig(s)) +
         "exec 2>&1\n"
         "exec " + ShellQuote(s.vsftpd_binary) + " " + ShellQuote(s.vsftpd_config()) + "\n";
}

Status WriteFileServerFiles(const FileServerSettings& s) {
  MD_RETURN_IF_ERROR(ValidateFileServerSettings(s));
  MD_RETURN_IF_ERROR(EnsureDirectory(s.ftp_dir + "/empty", 0755));
  MD_RETURN_IF_ERROR(WriteFileAtomic(s.pam_file(), RenderPamService(s), kConfigMode).WithContext("PAM service"));
  MD_RETURN_IF_ERROR(WriteFileAtomic(s.vsftpd_config(), RenderVsftpdConfig(s), kConfigMode));
  MD_RETURN_IF_ERROR(WriteFileAtomic(s.sshd_config(), RenderSshdConfig(s), kConfigMode));
  MD_RETURN_IF_ERROR(ReplaceSymlink(s.sshd_binary, s.sshd_link()));
  auto checked = RunProcess({s.sshd_link(), "-t", "-f", s.sshd_config()});
  MD_RETURN_IF_ERROR(checked.status());
  if (checked->exit_code != 0) return FailedPrecondition("sshd refuses " + s.sshd_config() + ": " + LastLine(checked->output));
  return Status::Ok();
}

}  // namespace md
