#pragma once
// Supervisor: long-running services supervised outside the controller
// (s6 or runit), so that they outlive it. Idempotent and thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace md {

struct ServiceSpec {
  std::string name;        // [a-z0-9_-]+, unique on the host
  std::string run_script;  // full text of the run script (#!/bin/sh ...)
  std::string log_script;  // text of the logger's run script; empty: no logger
};

struct ServiceStatus {
  bool up = false;
  int pid = 0;
  int64_t uptime_s = 0;
  bool want_up = false;
  int last_exit = -1;  // exit code or -1 if unknown / never exited
};

class Supervisor {
 public:
  virtual ~Supervisor() = default;
  // Starts the supervision tree if it is not running already.
  virtual Status EnsureRunning() = 0;
  // Installs (or updates) the service and starts it. Returns once the
  // supervisor has picked it up.
  virtual Status Install(const ServiceSpec& spec) = 0;
  // Stops the service and its logger and removes it; absent is success.
  virtual Status Remove(const std::string& name) = 0;
  virtual Result<ServiceStatus> GetStatus(const std::string& name) = 0;  // NotFound if absent
  virtual Status Start(const std::string& name) = 0;
  virtual Status Stop(const std::string& name) = 0;
  virtual Status Restart(const std::string& name) = 0;
  // Sends SIGHUP to the service's process.
  virtual Status Reload(const std::string& name) = 0;
  virtual Result<std::vector<std::string>> List() = 0;
};

}  // namespace md
