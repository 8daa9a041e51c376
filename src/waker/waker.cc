#include "waker/waker.h"

#include <dirent.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/clock.h"
#include "core/files.h"
#include "core/validate.h"

namespace md {
namespace {

constexpr int kMaxEvents = 256;

void Log(const std::string& line) { std::fprintf(stderr, "waker: %s\n", line.c_str()); }

const std::string& StoppedAnswer() {
  static const std::string answer =
      HtmlAnswer("503 Service Unavailable", "This app is stopped",
                 "Its operator has stopped it. It answers again once they start it.");
  return answer;
}

const std::string& NotStartingAnswer() {
  static const std::string answer =
      HtmlAnswer("503 Service Unavailable", "This app could not be started",
                 "It was asleep and did not start in time. Try again in a minute; if it goes on, tell its operator.");
  return answer;
}

const std::string& BusyAnswer() {
  static const std::string answer = HtmlAnswer("503 Service Unavailable", "This app is starting",
                                               "Too many requests are waiting for it to start. Try again shortly.");
  return answer;
}

const std::string& WrongPeerAnswer() {
  static const std::string answer = HtmlAnswer("502 Bad Gateway", "This app cannot be reached",
                                               "Its socket is not its own. Its operator has been told.");
  return answer;
}

// A listening socket at `path`; what is there already is replaced only if
// it is a socket (a stale one of a waker before).
Result<int> Listen(const std::string& path) {
  struct stat st{};
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) return FailedPrecondition(path + " exists and is not a socket");
    if (unlink(path.c_str()) != 0) return Internal("cannot remove the old " + path + ": " + std::strerror(errno));
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Internal(std::string("socket: ") + std::strerror(errno));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());  // length checked by ValidateWakeEntry
  // The folder it is in decides who may connect (the proxy): the socket itself is open to all.
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || chmod(path.c_str(), 0666) != 0 ||
      listen(fd, SOMAXCONN) != 0) {
    Status error = Internal("cannot listen at " + path + ": " + std::strerror(errno));
    close(fd);
    return error;
  }
  return fd;
}

}  // namespace

Waker::Waker(Settings settings, AppControl& apps) : settings_(std::move(settings)), apps_(apps) {}

Waker::~Waker() {
  for (auto& [id, thread] : jobs_) thread.join();
  Close();
}

Status Waker::Open() {
  MD_RETURN_IF_ERROR(EnsureDirectory(settings_.tenants_dir, 0700));
  MD_RETURN_IF_ERROR(EnsureDirectory(settings_.asleep_dir, 0755));
  epoll_ = epoll_create1(EPOLL_CLOEXEC);
  inotify_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  jobs_event_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_ < 0 || inotify_ < 0 || jobs_event_ < 0) return Internal(std::string("waker: ") + std::strerror(errno));
  if (inotify_add_watch(inotify_, settings_.tenants_dir.c_str(),
                        IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ONLYDIR) < 0) {
    return Internal("cannot watch " + settings_.tenants_dir + ": " + std::strerror(errno));
  }
  for (auto [fd, watch] : {std::pair{inotify_, &inotify_watch_}, std::pair{jobs_event_, &jobs_watch_}}) {
    epoll_event ev{.events = EPOLLIN, .data = {.ptr = watch}};
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) != 0) return Internal(std::string("epoll: ") + std::strerror(errno));
  }
  return Status::Ok();
}

void Waker::Close() {
  std::vector<std::string> subs;
  for (const auto& [sub, t] : tenants_) subs.push_back(sub);
  for (const std::string& sub : subs) Remove(sub);
  ended_links_.clear();
  ended_tenants_.clear();
  for (auto& [fd, l] : lingering_) close(fd);
  lingering_.clear();
  ended_lingering_.clear();
  for (int* fd : {&epoll_, &inotify_, &jobs_event_}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

Status Waker::Run(const std::atomic<bool>& stop) {
  MD_RETURN_IF_ERROR(Open());
  Rescan();
  int64_t next_tick = NowMs();
  epoll_event events[kMaxEvents];
  while (!stop.load()) {
    int timeout = static_cast<int>(std::max<int64_t>(0, next_tick - NowMs()));
    int n = epoll_wait(epoll_, events, kMaxEvents, timeout);
    if (n < 0 && errno != EINTR) return Internal(std::string("epoll_wait: ") + std::strerror(errno));
    for (int i = 0; i < n; ++i) {
      auto* watch = static_cast<Watch*>(events[i].data.ptr);
      switch (watch->kind) {
        case Watch::Kind::kInotify: OnInotify(); break;
        case Watch::Kind::kJobDone: OnJobsDone(); break;
        case Watch::Kind::kListener:
          if (watch->tenant->listener >= 0) OnListener(*watch->tenant);
          break;
        case Watch::Kind::kLink: OnLink(*watch->link); break;
        case Watch::Kind::kLinger: OnLinger(*watch->lingering); break;
      }
    }
    ended_links_.clear();
    ended_tenants_.clear();
    ended_lingering_.clear();
    if (NowMs() >= next_tick) {
      Tick(NowMs());
      next_tick = NowMs() + settings_.tick.count();
    }
  }
  return Status::Ok();
}

void Waker::Rescan() {
  std::vector<std::string> present;
  if (DIR* dir = opendir(settings_.tenants_dir.c_str())) {
    while (dirent* e = readdir(dir)) {
      if (ValidateSubdomain(e->d_name).ok()) present.push_back(e->d_name);
    }
    closedir(dir);
  }
  std::vector<std::string> gone;
  for (const auto& [sub, t] : tenants_) {
    if (std::find(present.begin(), present.end(), sub) == present.end()) gone.push_back(sub);
  }
  for (const std::string& sub : gone) Remove(sub);
  for (const std::string& sub : present) Reload(sub);
}

void Waker::OnInotify() {
  alignas(inotify_event) char buffer[16384];
  while (true) {
    ssize_t n = read(inotify_, buffer, sizeof(buffer));
    if (n <= 0) return;
    for (ssize_t at = 0; at < n;) {
      const auto* e = reinterpret_cast<const inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      if (e->mask & IN_Q_OVERFLOW) {
        Rescan();
        continue;
      }
      std::string name = e->len > 0 ? e->name : "";
      if (ValidateSubdomain(name).ok()) Reload(name);
    }
  }
}

void Waker::Reload(const std::string& sub) {
  auto text = ReadFile(settings_.tenants_dir + "/" + sub);
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) Remove(sub);
    return;
  }
  auto entry = ParseWakeEntry(*text);
  if (!entry.ok() || entry->subdomain != sub) {
    Log(sub + ": its entry is refused: " + (entry.ok() ? "another subdomain's" : entry.status().message()));
    return;
  }
  auto it = tenants_.find(sub);
  if (it != tenants_.end() && it->second->entry == *entry) return;
  if (it != tenants_.end() && it->second->entry.listen_socket != entry->listen_socket) {
    Remove(sub);  // listened for again below, at its new place
    it = tenants_.end();
  }
  if (it == tenants_.end()) {
    auto listener = Listen(entry->listen_socket);
    if (!listener.ok()) {
      Log(sub + ": " + listener.status().message());
      return;
    }
    auto t = std::make_unique<Tenant>();
    t->listener = *listener;
    t->last_active_ms = NowMs();
    t->state = PathExists(settings_.asleep_dir + "/" + sub) ? State::kAsleep : State::kServing;
    epoll_event ev{.events = EPOLLIN, .data = {.ptr = &t->watch}};
    epoll_ctl(epoll_, EPOLL_CTL_ADD, t->listener, &ev);
    it = tenants_.emplace(sub, std::move(t)).first;
    // Asleep before this waker started: kept down (a supervisor that came back up starts every service).
    if (it->second->state == State::kAsleep) {
      it->second->entry = *entry;
      StartJob(*it->second, /*wake=*/false);
    }
  }
  Tenant& t = *it->second;
  const bool was_wakeable = t.entry.wakeable;
  t.entry = *entry;
  if (!t.entry.wakeable) {
    // Stopped by an operator: not idle, and nothing waits for it.
    AnswerWaiting(t, StoppedAnswer());
    t.state = State::kServing;
    MarkAsleep(sub, false);
  } else if (!was_wakeable) {
    t.state = State::kServing;  // started by an operator: idle from now on only
    t.last_active_ms = NowMs();
  }
}

void Waker::Remove(const std::string& sub) {
  auto it = tenants_.find(sub);
  if (it == tenants_.end()) return;
  Tenant& t = *it->second;
  CloseLinks(t);
  AnswerWaiting(t, NotStartingAnswer());
  close(t.listener);  // also out of the epoll set
  t.listener = -1;
  struct stat st{};
  if (lstat(t.entry.listen_socket.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) unlink(t.entry.listen_socket.c_str());
  MarkAsleep(sub, false);
  ended_tenants_.push_back(std::move(it->second));
  tenants_.erase(it);
}

void Waker::OnListener(Tenant& t) {
  while (t.listener >= 0) {
    int client = accept4(t.listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client < 0) {
      if (errno == EMFILE || errno == ENFILE) Log("out of descriptors: connections wait in their queue");
      return;
    }
    Admit(t, client);
  }
}

void Waker::Admit(Tenant& t, int client) {
  const int64_t now = NowMs();
  if (!t.entry.wakeable) return Answer(client, StoppedAnswer());
  if (t.state == State::kFailed && now < t.retry_at_ms) return Answer(client, NotStartingAnswer());
  if (t.state == State::kWaking) {
    if (t.waiting.size() >= kMaxWaiting) return Answer(client, BusyAnswer());
    t.waiting.push_back(client);
    return;
  }
  if (t.state == State::kServing) {
    auto app = apps_.Connect(t.entry);
    if (app.ok()) return Join(t, client, *app);
    if (app.status().code() == Code::kFailedPrecondition) {
      Log(t.entry.subdomain + ": " + app.status().message());
      return Answer(client, WrongPeerAnswer());
    }
  }
  // Asleep, or its app does not listen (starting, restarting, crashed): wake it, this one waiting.
  t.waiting.push_back(client);
  t.state = State::kWaking;
  t.wake_started_ms = now;
  StartJob(t, /*wake=*/true);
}

void Waker::Join(Tenant& t, int client, int app) {
  auto link = std::make_unique<Link>(client, app, &t);
  Link* raw = link.get();
  for (int fd : {client, app}) {
    epoll_event ev{.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data = {.ptr = &raw->watch}};
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
  }
  t.links.emplace(raw, std::move(link));
  t.last_active_ms = NowMs();
  OnLink(*raw);  // what is already there to move
}

void Waker::OnLink(Link& link) {
  Tenant& t = *link.tenant;
  auto it = t.links.find(&link);
  if (it == t.links.end()) return;  // ended earlier in this batch
  size_t moved = 0;
  bool alive = link.relay.Pump(&moved);
  if (moved > 0) t.last_active_ms = NowMs();
  if (!alive) {
    ended_links_.push_back(std::move(it->second));
    t.links.erase(it);
  }
}

// Closed at once (a client must not send on a connection about to go), freed after the batch.
void Waker::CloseLinks(Tenant& t) {
  for (auto& [raw, link] : t.links) {
    link->relay.Close();
    ended_links_.push_back(std::move(link));
  }
  t.links.clear();
}

void Waker::AnswerWaiting(Tenant& t, const std::string& answer) {
  for (int client : t.waiting) Answer(client, answer);
  t.waiting.clear();
}

void Waker::Answer(int client, const std::string& answer) {
  // Small: one send fits a unix socket's buffer.
  (void)send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
  shutdown(client, SHUT_WR);
  auto l = std::make_unique<Lingering>(client, NowMs() + kLingerMs);
  epoll_event ev{.events = EPOLLIN | EPOLLRDHUP, .data = {.ptr = &l->watch}};
  epoll_ctl(epoll_, EPOLL_CTL_ADD, client, &ev);
  lingering_[client] = std::move(l);
}

void Waker::OnLinger(Lingering& l) {
  auto it = lingering_.find(l.fd);
  if (it == lingering_.end() || it->second.get() != &l) return;  // closed earlier in this batch
  char drain[4096];
  ssize_t n;
  while ((n = read(l.fd, drain, sizeof(drain))) > 0) {
  }
  if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
    close(l.fd);
    ended_lingering_.push_back(std::move(it->second));
    lingering_.erase(it);
  }
}

void Waker::StartJob(Tenant& t, bool wake) {
  if (t.job_running) {
    t.wake_after_job = t.wake_after_job || wake;
    return;
  }
  t.job_running = true;
  const int id = next_job_++;
  jobs_.emplace(id, std::thread([this, id, wake, entry = t.entry] {
    Status status = wake ? apps_.Wake(entry) : apps_.Sleep(entry);
    {
      std::lock_guard lock(jobs_mu_);
      done_.push_back({id, entry.subdomain, wake, std::move(status)});
    }
    uint64_t one = 1;
    (void)!write(jobs_event_, &one, sizeof(one));
  }));
}

void Waker::OnJobsDone() {
  uint64_t count;
  (void)!read(jobs_event_, &count, sizeof(count));
  std::vector<JobDone> done;
  {
    std::lock_guard lock(jobs_mu_);
    done.swap(done_);
  }
  for (JobDone& job : done) {
    if (auto thread = jobs_.find(job.id); thread != jobs_.end()) {
      thread->second.join();
      jobs_.erase(thread);
    }
    auto it = tenants_.find(job.subdomain);
    if (it == tenants_.end()) continue;  // removed meanwhile
    Tenant& t = *it->second;
    t.job_running = false;
    const int64_t now = NowMs();
    if (!job.wake) {
      if (!job.status.ok()) {
        Log(job.subdomain + ": could not be stopped: " + job.status.message());
        if (t.state == State::kAsleep) {
          t.state = State::kServing;  // tried again once idle again
          t.last_active_ms = now;
        }
      } else if (t.state == State::kAsleep) {
        MarkAsleep(job.subdomain, true);  // down for good: shown idle from now
      }
    } else if (job.status.ok()) {
      Log(job.subdomain + ": awake in " + std::to_string(now - t.wake_started_ms) + " ms");
      t.state = State::kServing;
      t.last_active_ms = now;
      MarkAsleep(job.subdomain, false);
      std::vector<int> waiting;
      waiting.swap(t.waiting);
      for (int client : waiting) {
        auto app = apps_.Connect(t.entry);
        if (app.ok()) {
          Join(t, client, *app);
        } else {
          Log(job.subdomain + ": awake but not reachable: " + app.status().message());
          Answer(client, NotStartingAnswer());
        }
      }
    } else if (t.entry.wakeable) {
      Log(job.subdomain + ": wake failed: " + job.status.message());
      t.state = State::kFailed;
      t.retry_at_ms = now + std::chrono::milliseconds(kRetryAfterFailedWake).count();
      AnswerWaiting(t, NotStartingAnswer());
    }
    if (t.wake_after_job && t.entry.wakeable) {
      t.wake_after_job = false;
      if (t.state == State::kWaking) StartJob(t, true);
    }
  }
}

void Waker::Tick(int64_t now_ms) {
  for (auto it = lingering_.begin(); it != lingering_.end();) {
    if (it->second->until_ms > now_ms) {
      ++it;
      continue;
    }
    close(it->first);
    ended_lingering_.push_back(std::move(it->second));
    it = lingering_.erase(it);
  }
  for (auto& [sub, t] : tenants_) {
    const int64_t idle_ms = int64_t{t->entry.idle_after_s} * 1000;
    if (t->state != State::kServing || !t->entry.wakeable || idle_ms == 0 || now_ms - t->last_active_ms < idle_ms) {
      continue;
    }
    Log(sub + ": asleep after " + std::to_string(t->entry.idle_after_s) + " s without a request");
    CloseLinks(*t);
    t->state = State::kAsleep;
    StartJob(*t, /*wake=*/false);
  }
}

void Waker::MarkAsleep(const std::string& sub, bool asleep) {
  const std::string path = settings_.asleep_dir + "/" + sub;
  if (asleep) {
    (void)WriteFileAtomic(path, "", 0644);
  } else {
    unlink(path.c_str());
  }
}

}  // namespace md
