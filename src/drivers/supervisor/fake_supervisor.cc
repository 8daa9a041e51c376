#include "drivers/supervisor/fake_supervisor.h"

#include "drivers/supervisor/service_name.h"

namespace md {
namespace {
constexpr int kExitBySigterm = 128 + 15;  // what a stopped service reports, as with s6
}  // namespace

std::optional<Status> FakeSupervisor::Begin(std::string call) {
  calls_.push_back(std::move(call));
  std::optional<Status> failure;
  failure.swap(fail_next_);
  return failure;
}

void FakeSupervisor::StartProcess(Service& s) {
  if (s.status.up) StopProcess(s);
  s.status.up = true;
  s.status.pid = next_pid_++;
  s.status.uptime_s = 0;
  s.hups = 0;
}

void FakeSupervisor::StopProcess(Service& s) {
  if (!s.status.up) return;
  s.status.up = false;
  s.status.pid = 0;
  s.status.last_exit = kExitBySigterm;
}

Status FakeSupervisor::EnsureRunning() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("EnsureRunning")) return *f;
  running_ = true;
  return Status::Ok();
}

Status FakeSupervisor::Install(const ServiceSpec& spec) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("Install " + spec.name)) return *f;
  MD_RETURN_IF_ERROR(ValidateServiceName(spec.name));
  if (spec.run_script.empty()) return InvalidArgument("service " + spec.name + ": empty run script");
  running_ = true;
  auto it = services_.find(spec.name);
  if (it != services_.end()) {
    Service& s = it->second;
    if (s.spec.run_script == spec.run_script && s.spec.log_script == spec.log_script) return Status::Ok();
    bool logger_changed = s.spec.log_script.empty() != spec.log_script.empty();
    bool run_changed = s.spec.run_script != spec.run_script;
    if (!logger_changed) {
      s.spec = spec;
      if (run_changed && s.status.up) StartProcess(s);  // restarted with the new script
      return Status::Ok();
    }
    services_.erase(it);  // adding or dropping the logger is a fresh install, as with s6
  }
  Service s;
  s.spec = spec;
  s.status.want_up = true;
  StartProcess(s);
  services_[spec.name] = s;
  return Status::Ok();
}

Status FakeSupervisor::Remove(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("Remove " + name)) return *f;
  MD_RETURN_IF_ERROR(ValidateServiceName(name));
  services_.erase(name);
  return Status::Ok();
}

Result<ServiceStatus> FakeSupervisor::GetStatus(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("GetStatus " + name)) return *f;
  MD_RETURN_IF_ERROR(ValidateServiceName(name));
  auto it = services_.find(name);
  if (it == services_.end()) return NotFound("no such service: " + name);
  return it->second.status;
}

Status FakeSupervisor::Start(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("Start " + name)) return *f;
  MD_RETURN_IF_ERROR(ValidateServiceName(name));
  auto it = services_.find(name);
  if (it == services_.end()) return NotFound("no such service: " + name);
  it->second.status.want_up = true;
  if (!it->second.status.up) StartProcess(it->second);
  return Status::Ok();
}

Status FakeSupervisor::Stop(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("Stop " + name)) return *f;
  MD_RETURN_IF_ERROR(ValidateServiceName(name));
  auto it = services_.find(name);
  if (it == services_.end()) return NotFound("no such service: " + name);
  it->second.status.want_up = false;
  StopProcess(it->second);
  return Status::Ok();
}

Status FakeSupervisor::Restart(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("Restart " + name)) return *f;
  MD_RETURN_IF_ERROR(ValidateServiceName(name));
  auto it = services_.find(name);
  if (it == services_.end()) return NotFound("no such service: " + name);
  it->second.status.want_up = true;
  StartProcess(it->second);
  return Status::Ok();
}

Status FakeSupervisor::Reload(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("Reload " + name)) return *f;
  MD_RETURN_IF_ERROR(ValidateServiceName(name));
  auto it = services_.find(name);
  if (it == services_.end()) return NotFound("no such service: " + name);
  if (it->second.status.up) ++it->second.hups;
  return Status::Ok();
}

Result<std::vector<std::string>> FakeSupervisor::List() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto f = Begin("List")) return *f;
  std::vector<std::string> names;
  for (const auto& [name, s] : services_) names.push_back(name);
  return names;
}

void FakeSupervisor::FailNext(Status status) {
  std::lock_guard<std::mutex> lock(mutex_);
  fail_next_ = std::move(status);
}

std::vector<std::string> FakeSupervisor::calls() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return calls_;
}

bool FakeSupervisor::running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_;
}

Result<ServiceSpec> FakeSupervisor::SpecOf(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = services_.find(name);
  if (it == services_.end()) return NotFound("no such service: " + name);
  return it->second.spec;
}

int FakeSupervisor::HupCount(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = services_.find(name);
  return it == services_.end() ? 0 : it->second.hups;
}

void FakeSupervisor::Crash(const std::string& name, int exit_code) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = services_.find(name);
  if (it == services_.end()) return;
  it->second.status.up = false;
  it->second.status.pid = 0;
  it->second.status.last_exit = exit_code;
}

}  // namespace md
