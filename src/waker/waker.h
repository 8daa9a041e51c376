#pragma once
// Waker: the activator between the front proxy and the apps, so that an
// instance nobody uses costs no process of its own (scale to zero).
//
// For each instance (a WakeEntry file in `tenants_dir`) it listens at the
// entry's listen_socket — the proxy's upstream — and relays each connection
// to the app's own socket. An app with no byte relayed for idle_after_s is
// stopped and marked asleep (an empty file asleep_dir/SUB, which `status`
// reads as `idle`). The next connection wakes it: the app is started and its
// health path polled while connections wait, then they are relayed, so no
// request is refused because the app was asleep or restarting. A wake that
// is not healthy in time answers the waiting requests 503 with a page that
// says so (and the next try waits kRetryAfterFailedWake); an instance an
// operator stopped is answered 503 and never started.
//
// It runs as a service of its own, supervised like the proxy, and needs the
// controller for nothing. An entry that changes is read again (inotify), one
// file at a time: adding or removing an instance costs the same at the
// thousandth as at the first. One thread runs the loop; starting and
// stopping apps run on threads of their own, one at a time per instance.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "waker/app_control.h"
#include "waker/relay.h"
#include "waker/wake_entry.h"

namespace md {

class Waker {
 public:
  static constexpr std::chrono::seconds kRetryAfterFailedWake{10};
  static constexpr size_t kMaxWaiting = 1024;  // connections held per waking instance

  struct Settings {
    std::string tenants_dir;  // WakeEntry files, root's alone
    std::string asleep_dir;   // SUB: that instance's app was stopped for being idle
    std::chrono::milliseconds tick{1000};  // how often idle apps are looked for and `stop` read
  };

  Waker(Settings settings, AppControl& apps);
  ~Waker();
  Waker(const Waker&) = delete;
  Waker& operator=(const Waker&) = delete;

  // Serves until `stop` is set; an error only when it cannot start.
  Status Run(const std::atomic<bool>& stop);

 private:
  struct Tenant;
  struct Link;
  struct Lingering;
  // What an epoll event is about.
  struct Watch {
    enum class Kind { kListener, kLink, kLinger, kInotify, kJobDone } kind;
    Tenant* tenant = nullptr;
    Link* link = nullptr;
    Lingering* lingering = nullptr;
  };
  struct Link {
    Link(int client, int app, Tenant* t) : relay(client, app), tenant(t), watch{Watch::Kind::kLink, t, this} {}
    Relay relay;
    Tenant* tenant;
    Watch watch;
  };
  // A client the waker answered itself: kept open until it has sent its
  // request (read and dropped) and closed, so that it reads the answer
  // rather than a reset, but no longer than kLingerMs.
  struct Lingering {
    Lingering(int f, int64_t until) : fd(f), until_ms(until), watch{Watch::Kind::kLinger, nullptr, nullptr, this} {}
    int fd;
    int64_t until_ms;
    Watch watch;
  };
  static constexpr int64_t kLingerMs = 2000;
  enum class State { kServing, kWaking, kAsleep, kFailed };
  struct Tenant {
    WakeEntry entry;
    int listener = -1;
    Watch watch{Watch::Kind::kListener, this, nullptr};
    State state = State::kServing;
    int64_t last_active_ms = 0;
    int64_t retry_at_ms = 0;            // kFailed: no wake before
    std::map<Link*, std::unique_ptr<Link>> links;
    std::vector<int> waiting;           // accepted while it wakes
    bool job_running = false;           // a wake or sleep of it runs
    bool wake_after_job = false;
    int64_t wake_started_ms = 0;
  };
  struct JobDone {
    int id;
    std::string subdomain;
    bool wake;
    Status status;
  };

  Status Open();
  void Close();
  void Rescan();
  void Reload(const std::string& subdomain);
  void Remove(const std::string& subdomain);
  void OnInotify();
  void OnListener(Tenant& t);
  void Admit(Tenant& t, int client);
  void Join(Tenant& t, int client, int app);
  void OnLink(Link& link);
  void CloseLinks(Tenant& t);
  void AnswerWaiting(Tenant& t, const std::string& answer);
  // Sends `answer` (a whole HTTP response) to `client`, then lingers.
  void Answer(int client, const std::string& answer);
  void OnLinger(Lingering& l);
  void StartJob(Tenant& t, bool wake);
  void OnJobsDone();
  void Tick(int64_t now_ms);
  void MarkAsleep(const std::string& subdomain, bool asleep);

  const Settings settings_;
  AppControl& apps_;
  int epoll_ = -1;
  int inotify_ = -1;
  int jobs_event_ = -1;
  Watch inotify_watch_{Watch::Kind::kInotify};
  Watch jobs_watch_{Watch::Kind::kJobDone};
  std::map<std::string, std::unique_ptr<Tenant>> tenants_;
  // Freed after the batch of events in which they ended (a later event of
  // the batch may name them).
  std::vector<std::unique_ptr<Link>> ended_links_;
  std::vector<std::unique_ptr<Tenant>> ended_tenants_;
  std::map<int, std::unique_ptr<Lingering>> lingering_;  // by descriptor
  std::vector<std::unique_ptr<Lingering>> ended_lingering_;

  std::mutex jobs_mu_;
  std::vector<JobDone> done_;            // guarded by jobs_mu_
  std::map<int, std::thread> jobs_;      // the loop's alone
  int next_job_ = 1;
};

}  // namespace md
