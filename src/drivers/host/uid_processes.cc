#include "drivers/host/uid_processes.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <thread>

namespace md {
namespace {

// Whether /proc/PID/status names a live process of `uid`.
bool IsLiveProcessOf(const char* pid, uid_t uid) {
  std::string path = std::string("/proc/") + pid + "/status";
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;  // gone meanwhile
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return false;
  buf[n] = '\0';
  std::istringstream in(buf);
  std::string line;
  bool zombie = false, ours = false;
  while (std::getline(in, line)) {
    if (line.rfind("State:", 0) == 0) zombie = line.find('Z') != std::string::npos;
    if (line.rfind("Uid:", 0) == 0) {
      std::istringstream ids(line.substr(4));
      unsigned long id;
      while (ids >> id) ours |= id == uid;
    }
  }
  return ours && !zombie;
}

// One sweep; returns how many processes it signalled.
Result<int> Sweep(uid_t uid) {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return Internal(std::string("cannot read /proc: ") + strerror(errno));
  int killed = 0;
  while (dirent* e = readdir(proc)) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    if (!IsLiveProcessOf(e->d_name, uid)) continue;
    if (kill(static_cast<pid_t>(std::atol(e->d_name)), SIGKILL) == 0) ++killed;
  }
  closedir(proc);
  return killed;
}

}  // namespace

Status KillProcessesOf(uid_t uid, int timeout_ms) {
  if (uid == 0) return InvalidArgument("refusing to kill the processes of root");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    MD_ASSIGN_OR_RETURN(int killed, Sweep(uid));
    if (killed == 0) return Status::Ok();
    if (std::chrono::steady_clock::now() >= deadline) {
      return Unavailable("processes of UID " + std::to_string(uid) + " keep appearing after " +
                         std::to_string(timeout_ms / 1000) + " s of killing them");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace md
