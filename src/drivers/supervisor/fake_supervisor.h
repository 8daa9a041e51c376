#pragma once
// FakeSupervisor: Supervisor kept in memory, for unit tests. A service gets a
// fake pid that changes on every (re)start and not on reload. Records every
// call and can fail the next one on demand. Thread-safe.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "drivers/supervisor/supervisor.h"

namespace md {

class FakeSupervisor final : public Supervisor {
 public:
  FakeSupervisor() = default;

  Status EnsureRunning() override;
  Status Install(const ServiceSpec& spec) override;
  Status Remove(const std::string& name) override;
  Result<ServiceStatus> GetStatus(const std::string& name) override;
  Status Start(const std::string& name) override;
  Status Stop(const std::string& name) override;
  Status Restart(const std::string& name) override;
  Status Reload(const std::string& name) override;
  Result<std::vector<std::string>> List() override;

  // The next call (any method) returns `status` and changes nothing.
  void FailNext(Status status);
  // Calls so far, e.g. "Install acme", "Reload acme".
  std::vector<std::string> calls() const;
  bool running() const;
  // The spec a service was installed with; NotFound if absent.
  Result<ServiceSpec> SpecOf(const std::string& name) const;
  // How many SIGHUPs (Reload) the current process of the service got.
  int HupCount(const std::string& name) const;
  // Makes the service's process exit with `exit_code` and stay down, as if
  // it crashed and were not restarted yet.
  void Crash(const std::string& name, int exit_code);

 private:
  struct Service {
    ServiceSpec spec;
    ServiceStatus status;
    int hups = 0;
  };
  std::optional<Status> Begin(std::string call);
  void StartProcess(Service& s);
  void StopProcess(Service& s);

  mutable std::mutex mutex_;
  std::map<std::string, Service> services_;
  std::vector<std::string> calls_;
  std::optional<Status> fail_next_;
  bool running_ = false;
  int next_pid_ = 1000;
};

}  // namespace md
