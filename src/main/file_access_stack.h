#pragma once
// FileAccessStack: FTP and SFTP as `serve` runs them — the SSH host keys
// (DATA/ssh, made once and kept: re-creates and restores never change
// them), the accounts (DATA/files), this controller's PAM service, both
// daemons' configs, and the two services "sftp" and "ftp" under the
// supervisor. With file access off, accounts are still kept (so turning it
// on needs no repair) but no daemon runs. Owns the accounts driver.

#include <memory>
#include <string>
#include <vector>

#include "drivers/certs/local_ca.h"
#include "drivers/files/host_keys.h"
#include "drivers/files/pwdfile_accounts.h"
#include "drivers/supervisor/supervisor.h"
#include "main/server_config.h"
#include "service/controller_impl.h"
#include "store/store.h"

namespace md {

class FileAccessStack {
 public:
  // Call after the front door has served its certificates: FTPS uses the
  // wildcard certificate when there is one, else one from the local CA.
  static Result<std::unique_ptr<FileAccessStack>> Start(const ServerConfig& config, Supervisor& supervisor,
                                                        Store& store, LocalCa& local_ca);

  FileAccounts& accounts() { return accounts_; }
  // What show and known-hosts tell; sftp_port 0 when off.
  FileAccessSummary summary() const;
  // The SSHFP values of the host keys ("ALG 2 HEX"); empty when off.
  std::vector<std::string> sshfp() const;

 private:
  explicit FileAccessStack(const std::string& data_dir) : accounts_(data_dir + "/files") {}
  Status Init(const ServerConfig& config, Supervisor& supervisor, Store& store, LocalCa& local_ca);

  PwdfileAccounts accounts_;
  FileAccessConfig config_;
  bool running_ = false;
  std::vector<HostKey> host_keys_;
};

}  // namespace md
