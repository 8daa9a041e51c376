#include "main/waker_main.h"

#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>

#include "service/layout.h"
#include "waker/app_control.h"
#include "waker/waker.h"

namespace md {
namespace {

std::atomic<bool> g_stop{false};

void OnStopSignal(int) { g_stop.store(true); }

}  // namespace

int RunWaker(int argc, char** argv) {
  std::string data_dir;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc) {
      data_dir = argv[++i];
    } else {
      std::fprintf(stderr, "meltanodata waker: unknown argument '%s' (usage: meltanodata waker --data-dir DIR)\n",
                   argv[i]);
      return 2;
    }
  }
  if (data_dir.empty() || data_dir.front() != '/') {
    std::fprintf(stderr, "meltanodata waker: --data-dir must be an absolute path\n");
    return 2;
  }
  // No SA_RESTART: the loop's wait ends on the signal and sees the flag.
  struct sigaction stop{};
  stop.sa_handler = OnStopSignal;
  sigaction(SIGTERM, &stop, nullptr);
  sigaction(SIGINT, &stop, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // A listening socket per instance and two descriptors per connection: as many as the host allows.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  const Layout layout(data_dir);
  S6AppControl apps;
  Waker waker({.tenants_dir = layout.wake_entries_dir(), .asleep_dir = layout.asleep_dir()}, apps);
  Status ran = waker.Run(g_stop);
  if (!ran.ok()) {
    std::fprintf(stderr, "meltanodata waker: %s\n", ran.message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace md
