#include "core/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <linux/close_range.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace md {
namespace {

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// Writes stdin (small) to the child. A child that exits without reading is
// not an error: SIGPIPE is blocked in this thread and a pending one consumed,
// so the process's own disposition is left alone.
void WriteInput(int fd, const std::string& input) {
  if (input.empty()) return;
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  size_t written = 0;
  while (written < input.size()) {
    ssize_t n = write(fd, input.data() + written, input.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  timespec zero{0, 0};
  while (sigtimedwait(&pipe_set, nullptr, &zero) == SIGPIPE) {
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

}  // namespace

std::string LastLine(const std::string& text) {
  size_t end = text.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return "";
  size_t start = text.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return text.substr(start, end - start + 1);
}

Result<ProcessResult> RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) return InvalidArgument("empty command");
  for (int fd : {options.stdin_fd, options.stdout_fd}) {
    if (fd != -1 && fd <= 2) return InvalidArgument("a descriptor for stdin or stdout must be above 2");
  }
  if (options.stdin_fd != -1 && !options.input.empty()) return InvalidArgument("both stdin_fd and input");
  int out_pipe[2];
  int in_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return Internal(std::string("pipe: ") + strerror(errno));
  if (pipe2(in_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return Internal(std::string("pipe: ") + strerror(errno));
  }
  // Children get a minimal environment, never the controller's (which may
  // hold a token): PATH, a UTF-8 locale, and what the caller asks for.
  const char* path = std::getenv("PATH");
  std::vector<std::string> env_strings = {
      std::string("PATH=") + (path && *path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
      "LANG=C.UTF-8"};
  for (const auto& extra : options.env) {
    auto eq = extra.find('=');
    if (eq == std::string::npos || eq == 0) return InvalidArgument("environment entry without a name");
    auto key = extra.substr(0, eq + 1);
    std::erase_if(env_strings, [&](const std::string& s) { return s.rfind(key, 0) == 0; });
    env_strings.push_back(extra);
  }
  std::vector<char*> c_env;
  for (auto& s : env_strings) c_env.push_back(s.data());
  c_env.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> c_argv;
  for (auto& s : args) c_argv.push_back(s.data());
  c_argv.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) return Internal(std::string("fork: ") + strerror(errno));
  if (pid == 0) {
    dup2(options.stdin_fd != -1 ? options.stdin_fd : in_pipe[0], 0);
    dup2(options.stdout_fd != -1 ? options.stdout_fd : out_pipe[1], 1);
    dup2(out_pipe[1], 2);
    setpgid(0, 0);
    // Descriptors of the parent (API sockets, the store) must not leak into
    // long-lived children such as PostgreSQL; nor its signal mask.
    if (close_range(3, ~0U, 0) != 0) {
      for (long fd = 3, max = sysconf(_SC_OPEN_MAX); fd < max; ++fd) close(static_cast<int>(fd));
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) _exit(126);
    execvpe(c_argv[0], c_argv.data(), c_env.data());
    const char msg[] = "exec failed\n";
    (void)!write(2, msg, sizeof(msg) - 1);
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  int in_fd = in_pipe[1];
  int out_fd = out_pipe[0];
  WriteInput(in_fd, options.input);
  CloseFd(in_fd);

  ProcessResult result;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.timeout_ms);
  bool timed_out = false;
  char buf[4096];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      kill(-pid, SIGKILL);
      break;
    }
    pollfd pfd{out_fd, POLLIN, 0};
    int rc = poll(&pfd, 1, static_cast<int>(left.count()));
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) {
      kill(-pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      CloseFd(out_fd);
      return Internal(std::string("poll: ") + strerror(errno));
    }
    if (rc == 0) continue;
    ssize_t n = read(out_fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.output.append(buf, static_cast<size_t>(n));
  }
  CloseFd(out_fd);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return Unavailable(argv[0] + " timed out after " + std::to_string(options.timeout_ms) + " ms");
  if (WIFEXITED(wstatus)) result.exit_code = WEXITSTATUS(wstatus);
  else if (WIFSIGNALED(wstatus)) result.exit_code = 128 + WTERMSIG(wstatus);
  if (result.exit_code == 127 && result.output == "exec failed\n") {
    return Internal(argv[0] + ": command not found");
  }
  return result;
}

Result<std::string> RunChecked(const std::vector<std::string>& argv, const ProcessOptions& options) {
  MD_ASSIGN_OR_RETURN(ProcessResult r, RunProcess(argv, options));
  if (r.exit_code != 0) {
    std::string last = LastLine(r.output);
    return Internal(argv[0] + " exited with " + std::to_string(r.exit_code) + (last.empty() ? "" : ": " + last));
  }
  return std::move(r.output);
}

Result<std::vector<std::string>> AsUser(uid_t uid, gid_t gid, const std::vector<std::string>& argv) {
  if (uid == 0 || gid == 0 || uid == static_cast<uid_t>(-1) || gid == static_cast<gid_t>(-1)) {
    return InvalidArgument("refusing to run " + (argv.empty() ? std::string("a command") : argv[0]) +
                           " as " + std::to_string(uid) + ":" + std::to_string(gid) + ": not a tenant");
  }
  std::vector<std::string> full = {"setpriv", "--reuid=" + std::to_string(uid), "--regid=" + std::to_string(gid),
                                   "--clear-groups", "--no-new-privs", "--"};
  full.insert(full.end(), argv.begin(), argv.end());
  return full;
}

}  // namespace md
