// meltanodata-demo: the demo tenant app. Reads its settings from the
// environment, serves on the unix socket SOCKET, re-reads <project>/.env on SIGHUP
// (same process), and exits cleanly on SIGTERM or SIGINT.
#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>

#include "config.h"
#include "database.h"
#include "demo_log.h"
#include "flags.h"
#include "routes.h"
#include "core/unix_http_server.h"

namespace md::demo {
namespace {

void ReloadFlags(FlagStore& flags, DemoLog& log) {
  for (const auto& problem : flags.Reload()) log.Line(problem);
  std::string names;
  for (const auto& [key, value] : flags.Snapshot()) names += (names.empty() ? "" : ",") + key;
  log.Line("reloaded flags: " + (names.empty() ? std::string("(none)") : names));
}

int Run() {
  // Signals are taken synchronously by one thread (sigwait), so no handler
  // runs in signal context. Blocked before any thread starts: all inherit it.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto config = ConfigFromEnvironment();
  if (!config.ok()) {
    std::cerr << "meltanodata-demo: " << config.status().message() << "\n";
    return 2;
  }
  DemoLog log(config->project_dir + "/.meltano/run/meltano-ui.log");
  FlagStore flags(config->project_dir + "/.env");
  for (const auto& problem : flags.Reload()) log.Line(problem);
  DemoDatabase database(config->database_url);

  UnixServer server;
  InstallRoutes(server, DemoApp{*config, &flags, &log, &database});
  if (std::string error; !server.BindUnix(config->socket_path, &error)) {
    log.Line(error);
    return 1;
  }

  std::atomic<bool> stopping{false};
  std::thread signal_thread([&] {
    for (;;) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      if (sig == SIGHUP) {
        log.Reopen();
        ReloadFlags(flags, log);
        continue;
      }
      if (!stopping.exchange(true)) log.Line(std::string("stopping on ") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
      // stop() is a no-op until listen has started: wait for it (briefly).
      for (int i = 0; i < 500 && !server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      server.stop();
      return;
    }
  });

  log.Line("started version " + config->version + " on " + config->socket_path);
  server.listen_after_bind();
  bool unexpected = !stopping.load();
  if (unexpected) {
    // The server ended on its own: wake the signal thread so that it ends too.
    log.Line("server stopped unexpectedly");
    kill(getpid(), SIGTERM);
  }
  signal_thread.join();
  log.Line("stopped");
  return unexpected ? 1 : 0;
}

}  // namespace
}  // namespace md::demo

int main() { return md::demo::Run(); }
