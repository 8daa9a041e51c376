#pragma once
// S6Supervisor: Supervisor backed by s6 (s6-svscan on one scan directory).
// The s6-svscan it starts is detached from the controller and outlives it;
// the object itself holds no process and can be dropped and made again.
// Thread-safe: Install/Remove/EnsureRunning/Shutdown are serialised.

#include <mutex>
#include <string>
#include <vector>

#include "drivers/supervisor/service_name.h"
#include "drivers/supervisor/supervisor.h"

namespace md {

struct S6SupervisorOptions {
  int max_services = 20000;       // s6-svscan -c: 10,000 instances, each with its logger (which counts too)
  int pickup_timeout_ms = 10000;  // Install/EnsureRunning: wait this long for s6 to answer
  int state_timeout_ms = 15000;   // Start/Stop/Restart/Remove/Shutdown: wait this long for up/down
  int kill_after_ms = 10000;      // a service that ignores SIGTERM gets SIGKILL after this (timeout-kill)
  int poll_ms = 5;                // polling period while waiting
  // PATH of s6-svscan and so of every service: it gets no other variable
  // of the controller's environment.
  std::string path_env = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
};

class S6Supervisor final : public Supervisor {
 public:
  // `scan_dir`: the directory s6-svscan watches, e.g. DATA/services; made if absent.
  explicit S6Supervisor(std::string scan_dir, S6SupervisorOptions options = {});

  Status EnsureRunning() override;
  Status Install(const ServiceSpec& spec) override;
  Status Remove(const std::string& name) override;
  Result<ServiceStatus> GetStatus(const std::string& name) override;
  Status Start(const std::string& name) override;
  Status Stop(const std::string& name) override;
  Status Restart(const std::string& name) override;
  Status Reload(const std::string& name) override;
  Result<std::vector<std::string>> List() override;

  // Brings every service and logger down and stops s6-svscan; waits until
  // no s6-supervise of this scan dir is left. Not running is success.
  Status Shutdown();

  const std::string& scan_dir() const { return scan_dir_; }

 private:
  std::string ServiceDir(const std::string& name) const { return scan_dir_ + "/" + name; }
  bool SvscanAnswers(bool rescan_and_prune);
  Status EnsureRunningLocked();
  Status StartSvscan();
  Status RemoveLocked(const std::string& name);
  Status WaitSupervised(const std::string& dir, bool want_started);
  Status WaitUnsupervised(const std::vector<std::string>& dirs);
  Status RemoveStaleDotDirs(const std::string& name);
  Status RestartIfUp(const std::string& dir);
  Status Svc(const std::string& dir, const std::vector<std::string>& flags, const std::string& what);

  std::string scan_dir_;
  S6SupervisorOptions options_;
  std::mutex mutex_;
};

// `s6-svstat -o up,pid,wantedup,updownfor,exitcode,signum` output, parsed.
Result<ServiceStatus> ParseS6Status(const std::string& line);

}  // namespace md
