#include "drivers/supervisor/s6_supervisor.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <sstream>
#include <thread>

#include "core/files.h"
#include "core/process.h"
#include "core/random.h"

namespace md {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kToolTimeoutMs = 10000;   // one s6 command that does not wait for a state
constexpr int kSvlistenTimedOut = 99;   // s6-svc -w… past -T
constexpr const char* kInstallingPrefix = ".installing-";
constexpr const char* kRemovingPrefix = ".removing-";

// Runs a short s6 command; true when it exits 0.
bool Succeeds(const std::vector<std::string>& argv) {
  ProcessOptions opts;
  opts.timeout_ms = kToolTimeoutMs;
  auto r = RunProcess(argv, opts);
  return r.ok() && r->exit_code == 0;
}

bool IsSupervised(const std::string& dir) { return Succeeds({"s6-svok", dir}); }

std::optional<std::string> ReadIfPresent(const std::string& path) {
  auto r = ReadFile(path);
  if (!r.ok()) return std::nullopt;
  return *r;
}

// Names of the entries of `dir` (no "." or ".."); empty if it is absent.
std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Absolute path of `program` from PATH, for execve after fork.
std::string FindProgram(const std::string& program) {
  const char* path = getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::stringstream ss(dirs);
  std::string d;
  while (std::getline(ss, d, ':')) {
    std::string candidate = (d.empty() ? "." : d) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// Pids of the live (not zombie) s6-svscan processes watching `scan_dir`.
std::vector<pid_t> SvscanPids(const std::string& scan_dir) {
  std::vector<pid_t> pids;
  for (const auto& entry : Entries("/proc")) {
    if (entry.empty() || !std::all_of(entry.begin(), entry.end(), ::isdigit)) continue;
    auto cmdline = ReadIfPresent("/proc/" + entry + "/cmdline");
    if (!cmdline || cmdline->empty()) continue;  // a zombie has none
    std::vector<std::string> argv;
    std::stringstream ss(*cmdline);
    std::string arg;
    while (std::getline(ss, arg, '\0')) argv.push_back(arg);
    if (argv.size() < 2 || fs::path(argv[0]).filename() != "s6-svscan" || argv.back() != scan_dir) continue;
    pids.push_back(static_cast<pid_t>(std::stol(entry)));
  }
  return pids;
}

// True if `rest` is NAME-XXXXXXXX (8 hex digits): a temporary dir of this service.
bool IsTempOf(const std::string& rest, const std::string& name) {
  if (rest.size() != name.size() + 9 || rest.compare(0, name.size(), name) != 0 || rest[name.size()] != '-') {
    return false;
  }
  return std::all_of(rest.begin() + static_cast<long>(name.size()) + 1, rest.end(), ::isxdigit);
}

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

Result<ServiceStatus> ParseS6Status(const std::string& line) {
  std::istringstream in(line);
  std::string up, wanted;
  long long pid = 0, updownfor = 0, exitcode = 0, signum = 0;
  if (!(in >> up >> pid >> wanted >> updownfor >> exitcode >> signum) || (up != "true" && up != "false") ||
      (wanted != "true" && wanted != "false")) {
    return Internal("cannot parse s6-svstat output: '" + LastLine(line) + "'");
  }
  ServiceStatus st;
  st.up = up == "true";
  st.pid = st.up && pid > 0 ? static_cast<int>(pid) : 0;
  st.want_up = wanted == "true";
  st.uptime_s = st.up ? updownfor : 0;
  st.last_exit = exitcode >= 0 ? static_cast<int>(exitcode) : signum > 0 ? 128 + static_cast<int>(signum) : -1;
  return st;
}

S6Supervisor::S6Supervisor(std::string scan_dir, S6SupervisorOptions options) : options_(std::move(options)) {
  std::error_code ec;
  fs::path p = fs::absolute(fs::path(scan_dir), ec).lexically_normal();
  scan_dir_ = p.string();
  while (scan_dir_.size() > 1 && scan_dir_.back() == '/') scan_dir_.pop_back();
}

bool S6Supervisor::SvscanAnswers(bool rescan_and_prune) {
  return Succeeds({"s6-svscanctl", rescan_and_prune ? "-an" : "-a", scan_dir_});
}

Status S6Supervisor::EnsureRunning() {
  std::lock_guard<std::mutex> lock(mutex_);
  return EnsureRunningLocked();
}

Status S6Supervisor::EnsureRunningLocked() {
  if (!PathExists(scan_dir_)) MD_RETURN_IF_ERROR(EnsureDirectory(scan_dir_, 0755));
  if (SvscanAnswers(false)) return Status::Ok();
  MD_RETURN_IF_ERROR(StartSvscan());
  auto deadline = Clock::now() + std::chrono::milliseconds(options_.pickup_timeout_ms);
  while (!SvscanAnswers(false)) {
    if (Clock::now() >= deadline) {
      std::string out = ReadIfPresent(scan_dir_ + "/.s6-svscan/output").value_or("");
      return Unavailable("s6-svscan " + scan_dir_ + " did not answer within " +
                         std::to_string(options_.pickup_timeout_ms) + " ms" +
                         (out.empty() ? "" : ": " + LastLine(out)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.poll_ms));
  }
  return Status::Ok();
}

// Starts `s6-svscan -c N SCAN` in its own session, reparented away from the
// controller (double fork), with a clean environment, signal state and fds,
// stdin from /dev/null and stdout/stderr (that of services without a logger
// too) appended to SCAN/.s6-svscan/output.
Status S6Supervisor::StartSvscan() {
  std::string program = FindProgram("s6-svscan");
  if (program.empty()) return FailedPrecondition("s6-svscan not found in PATH (install the s6 package)");
  std::string control = scan_dir_ + "/.s6-svscan";
  if (!PathExists(control)) MD_RETURN_IF_ERROR(EnsureDirectory(control, 0700));
  std::string output = control + "/output";

  // Everything the child needs is made before fork: after it, only
  // async-signal-safe calls (the controller is multi-threaded).
  std::vector<std::string> args = {program, "-c", std::to_string(options_.max_services), scan_dir_};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string path_env = "PATH=" + options_.path_env;
  char* envp[] = {path_env.data(), nullptr};

  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) return ErrnoStatus("cannot open /dev/null");
  int out_fd = open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (out_fd < 0) {
    close(null_fd);
    return ErrnoStatus("cannot open " + output);
  }
  pid_t child = fork();
  if (child < 0) {
    close(null_fd);
    close(out_fd);
    return ErrnoStatus("fork for s6-svscan");
  }
  if (child == 0) {
    setsid();
    pid_t grandchild = fork();
    if (grandchild != 0) _exit(grandchild < 0 ? 1 : 0);
    dup2(null_fd, 0);
    dup2(out_fd, 1);
    dup2(out_fd, 2);
    close_range(3, ~0U, 0);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    umask(022);
    if (chdir("/") != 0) _exit(126);
    execve(argv[0], argv.data(), envp);
    _exit(127);
  }
  close(null_fd);
  close(out_fd);
  int wstatus = 0;
  while (waitpid(child, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) return Internal("cannot start s6-svscan: fork failed");
  return Status::Ok();
}

Status S6Supervisor::WaitSupervised(const std::string& dir, bool want_started) {
  auto deadline = Clock::now() + std::chrono::milliseconds(options_.pickup_timeout_ms);
  bool supervised = false;
  while (true) {
    supervised = supervised || IsSupervised(dir);
    if (supervised && !want_started) return Status::Ok();
    if (supervised) {
      // Started: up now, or it has already run and exited (a crashing
      // service is picked up too; GetStatus tells the rest).
      ProcessOptions opts;
      opts.timeout_ms = kToolTimeoutMs;
      auto r = RunProcess({"s6-svstat", "-o", "up,pid,wantedup,updownfor,exitcode,signum", dir}, opts);
      if (r.ok() && r->exit_code == 0) {
        auto st = ParseS6Status(r->output);
        if (st.ok() && (st->up || st->last_exit != -1)) return Status::Ok();
      }
    }
    if (Clock::now() >= deadline) {
      return Unavailable(std::string(supervised ? "s6 did not start " : "s6-svscan did not pick up ") + dir + " within " +
                         std::to_string(options_.pickup_timeout_ms) + " ms");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.poll_ms));
  }
}

Status S6Supervisor::WaitUnsupervised(const std::vector<std::string>& dirs) {
  auto deadline = Clock::now() + std::chrono::milliseconds(options_.state_timeout_ms);
  for (const auto& dir : dirs) {
    while (IsSupervised(dir)) {
      if (Clock::now() >= deadline) {
        return Unavailable("s6-supervise of " + dir + " still running after " +
                           std::to_string(options_.state_timeout_ms) + " ms");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(options_.poll_ms));
    }
  }
  return Status::Ok();
}

// Clears what an interrupted Install or Remove of `name` left: temporary
// dot-dirs (s6-svscan ignores them), stopping a supervisor still in one.
Status S6Supervisor::RemoveStaleDotDirs(const std::string& name) {
  for (const auto& entry : Entries(scan_dir_)) {
    bool installing = StartsWith(entry, kInstallingPrefix) &&
                      IsTempOf(entry.substr(strlen(kInstallingPrefix)), name);
    bool removing = StartsWith(entry, kRemovingPrefix) && IsTempOf(entry.substr(strlen(kRemovingPrefix)), name);
    if (!installing && !removing) continue;
    std::string dir = scan_dir_ + "/" + entry;
    std::vector<std::string> dirs = {dir, dir + "/log"};
    bool any = false;
    for (const auto& d : dirs) {
      if (IsSupervised(d)) {
        any = true;
        (void)Succeeds({"s6-svc", "-dx", d});
      }
    }
    if (any) MD_RETURN_IF_ERROR(WaitUnsupervised(dirs));
    MD_RETURN_IF_ERROR(RemoveTree(dir));
  }
  return Status::Ok();
}

Status S6Supervisor::Install(const ServiceSpec& spec) {
  MD_RETURN_IF_ERROR(ValidateServiceName(spec.name));
  if (spec.run_script.empty()) return InvalidArgument("service " + spec.name + ": empty run script");
  std::lock_guard<std::mutex> lock(mutex_);
  MD_RETURN_IF_ERROR(EnsureRunningLocked());
  MD_RETURN_IF_ERROR(RemoveStaleDotDirs(spec.name));
  const std::string dir = ServiceDir(spec.name);
  const bool has_log = !spec.log_script.empty();
  const std::string kill_after = std::to_string(options_.kill_after_ms) + "\n";

  if (PathExists(dir)) {
    const bool had_log = PathExists(dir + "/log");
    if (had_log != has_log) {
      // s6-svscan pairs a service with its logger when it first sees it:
      // adding or dropping the logger means a fresh install.
      MD_RETURN_IF_ERROR(RemoveLocked(spec.name));
    } else {
      bool run_changed = ReadIfPresent(dir + "/run") != spec.run_script;
      bool log_changed = has_log && ReadIfPresent(dir + "/log/run") != spec.log_script;
      if (ReadIfPresent(dir + "/timeout-kill") != kill_after) {
        MD_RETURN_IF_ERROR(WriteFileAtomic(dir + "/timeout-kill", kill_after, 0644));
      }
      if (run_changed) MD_RETURN_IF_ERROR(WriteFileAtomic(dir + "/run", spec.run_script, 0755));
      if (log_changed) MD_RETURN_IF_ERROR(WriteFileAtomic(dir + "/log/run", spec.log_script, 0755));
      // Picked up already, or not yet if a previous Install was interrupted.
      if (!SvscanAnswers(false)) return Unavailable("s6-svscan " + scan_dir_ + " stopped answering");
      MD_RETURN_IF_ERROR(WaitSupervised(dir, false));
      if (has_log) MD_RETURN_IF_ERROR(WaitSupervised(dir + "/log", false));
      // A new run script takes effect at the next start: restart what is up.
      if (run_changed) MD_RETURN_IF_ERROR(RestartIfUp(dir));
      if (log_changed) MD_RETURN_IF_ERROR(RestartIfUp(dir + "/log"));
      return Status::Ok();
    }
  }

  // Written complete under a dot-name s6-svscan ignores, then renamed into place.
  const std::string tmp = scan_dir_ + "/" + kInstallingPrefix + spec.name + "-" + RandomHex(4);
  auto write_all = [&]() -> Status {
    MD_RETURN_IF_ERROR(EnsureDirectory(tmp, 0755));
    MD_RETURN_IF_ERROR(WriteFileAtomic(tmp + "/run", spec.run_script, 0755));
    MD_RETURN_IF_ERROR(WriteFileAtomic(tmp + "/timeout-kill", kill_after, 0644));
    if (has_log) {
      MD_RETURN_IF_ERROR(EnsureDirectory(tmp + "/log", 0755));
      MD_RETURN_IF_ERROR(WriteFileAtomic(tmp + "/log/run", spec.log_script, 0755));
    }
    if (rename(tmp.c_str(), dir.c_str()) != 0) return ErrnoStatus("cannot rename into place " + dir);
    return Status::Ok();
  };
  Status written = write_all();
  if (!written.ok()) {
    (void)RemoveTree(tmp);
    return written.WithContext("install service " + spec.name);
  }
  if (!SvscanAnswers(false)) return Unavailable("s6-svscan " + scan_dir_ + " stopped answering");
  MD_RETURN_IF_ERROR(WaitSupervised(dir, true));
  if (has_log) MD_RETURN_IF_ERROR(WaitSupervised(dir + "/log", true));
  return Status::Ok();
}

Status S6Supervisor::Remove(const std::string& name) {
  MD_RETURN_IF_ERROR(ValidateServiceName(name));
  std::lock_guard<std::mutex> lock(mutex_);
  return RemoveLocked(name);
}

Status S6Supervisor::RemoveLocked(const std::string& name) {
  const std::string dir = ServiceDir(name);
  if (PathExists(dir)) {
    if (IsSupervised(dir)) {
      // Down first, so that the logger still gets the service's last words.
      // A timeout is not fatal: timeout-kill and the prune below finish the job.
      (void)Svc(dir, {"-wd", "-T", std::to_string(options_.state_timeout_ms), "-d"}, "stop");
    }
    // Out of s6-svscan's sight in one step, then its supervisors are pruned.
    const std::string moved = scan_dir_ + "/" + kRemovingPrefix + name + "-" + RandomHex(4);
    if (rename(dir.c_str(), moved.c_str()) != 0) return ErrnoStatus("cannot move aside " + dir);
    std::vector<std::string> dirs = {moved, moved + "/log"};
    if (!SvscanAnswers(true)) {
      // No s6-svscan (it was killed): tell the orphaned supervisors to exit.
      for (const auto& d : dirs) {
        if (IsSupervised(d)) (void)Succeeds({"s6-svc", "-dx", d});
      }
    }
    MD_RETURN_IF_ERROR(WaitUnsupervised(dirs));
    MD_RETURN_IF_ERROR(RemoveTree(moved));
  }
  return RemoveStaleDotDirs(name);
}

Result<ServiceStatus> S6Supervisor::GetStatus(const std::string& name) {
  MD_RETURN_IF_ERROR(ValidateServiceName(name));
  const std::string dir = ServiceDir(name);
  if (!PathExists(dir)) return NotFound("no such service: " + name);
  ProcessOptions opts;
  opts.timeout_ms = kToolTimeoutMs;
  MD_ASSIGN_OR_RETURN(ProcessResult r,
                      RunProcess({"s6-svstat", "-o", "up,pid,wantedup,updownfor,exitcode,signum", dir}, opts));
  if (r.exit_code != 0) return Unavailable("service " + name + " is not supervised: " + LastLine(r.output));
  return ParseS6Status(r.output);
}

Status S6Supervisor::Svc(const std::string& dir, const std::vector<std::string>& flags, const std::string& what) {
  std::vector<std::string> argv = {"s6-svc"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back(dir);
  ProcessOptions opts;
  opts.timeout_ms = options_.state_timeout_ms + kToolTimeoutMs;
  MD_ASSIGN_OR_RETURN(ProcessResult r, RunProcess(argv, opts));
  if (r.exit_code == 0) return Status::Ok();
  std::string last = LastLine(r.output);
  if (r.exit_code == kSvlistenTimedOut) {
    return Unavailable(what + " " + dir + ": timed out after " + std::to_string(options_.state_timeout_ms) + " ms");
  }
  if (last.find("not running") != std::string::npos || last.find("not listening") != std::string::npos) {
    return Unavailable(what + " " + dir + ": not supervised: " + last);
  }
  return Internal(what + " " + dir + ": s6-svc exited with " + std::to_string(r.exit_code) + ": " + last);
}

Status S6Supervisor::RestartIfUp(const std::string& dir) {
  ProcessOptions opts;
  opts.timeout_ms = kToolTimeoutMs;
  MD_ASSIGN_OR_RETURN(ProcessResult r, RunProcess({"s6-svstat", "-o", "up", dir}, opts));
  if (r.exit_code != 0 || r.output.rfind("true", 0) != 0) return Status::Ok();
  return Svc(dir, {"-wr", "-T", std::to_string(options_.state_timeout_ms), "-r"}, "restart");
}

Status S6Supervisor::Start(const std::string& name) {
  MD_RETURN_IF_ERROR(ValidateServiceName(name));
  if (!PathExists(ServiceDir(name))) return NotFound("no such service: " + name);
  return Svc(ServiceDir(name), {"-wu", "-T", std::to_string(options_.state_timeout_ms), "-u"}, "start");
}

Status S6Supervisor::Stop(const std::string& name) {
  MD_RETURN_IF_ERROR(ValidateServiceName(name));
  if (!PathExists(ServiceDir(name))) return NotFound("no such service: " + name);
  return Svc(ServiceDir(name), {"-wd", "-T", std::to_string(options_.state_timeout_ms), "-d"}, "stop");
}

Status S6Supervisor::Restart(const std::string& name) {
  MD_ASSIGN_OR_RETURN(ServiceStatus st, GetStatus(name));
  const std::string t = std::to_string(options_.state_timeout_ms);
  // -r only acts on a service that is up; a down one is started.
  if (!st.up) return Svc(ServiceDir(name), {"-wu", "-T", t, "-u"}, "restart");
  return Svc(ServiceDir(name), {"-wr", "-T", t, "-r"}, "restart");
}

Status S6Supervisor::Reload(const std::string& name) {
  MD_RETURN_IF_ERROR(ValidateServiceName(name));
  if (!PathExists(ServiceDir(name))) return NotFound("no such service: " + name);
  return Svc(ServiceDir(name), {"-h"}, "reload");
}

Result<std::vector<std::string>> S6Supervisor::List() {
  std::vector<std::string> names;
  for (const auto& entry : Entries(scan_dir_)) {
    if (entry.empty() || entry[0] == '.') continue;
    std::error_code ec;
    if (fs::is_directory(scan_dir_ + "/" + entry, ec)) names.push_back(entry);
  }
  return names;
}

Status S6Supervisor::Shutdown() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!PathExists(scan_dir_)) return Status::Ok();
  std::vector<std::string> dirs;
  for (const auto& entry : Entries(scan_dir_)) {
    if (entry == ".s6-svscan") continue;
    dirs.push_back(scan_dir_ + "/" + entry);
    dirs.push_back(scan_dir_ + "/" + entry + "/log");
  }
  // -t: s6-svscan sends SIGTERM to every s6-supervise (each brings its
  // service down and exits) and exits itself.
  if (!Succeeds({"s6-svscanctl", "-t", scan_dir_})) {
    for (const auto& d : dirs) {
      if (IsSupervised(d)) (void)Succeeds({"s6-svc", "-dx", d});
    }
  }
  MD_RETURN_IF_ERROR(WaitUnsupervised(dirs));
  auto deadline = Clock::now() + std::chrono::milliseconds(options_.state_timeout_ms);
  while (!SvscanPids(scan_dir_).empty()) {
    if (Clock::now() >= deadline) return Unavailable("s6-svscan " + scan_dir_ + " did not exit");
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.poll_ms));
  }
  return Status::Ok();
}

}  // namespace md
