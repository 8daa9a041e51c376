#include "waker/app_control.h"

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "core/process.h"
#include "core/unix_http.h"

namespace md {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kConnectTimeoutMs = 1000;
constexpr auto kHealthPoll = std::chrono::milliseconds(10);

constexpr int kStopTimeoutMs = 20000;  // s6 sends SIGKILL after its own kill timeout (10 s)

Status Svc(const WakeEntry& entry, std::vector<std::string> flags) {
  ProcessOptions opts;
  opts.timeout_ms = kStopTimeoutMs + 5000;
  std::vector<std::string> argv = {"s6-svc"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back(entry.service_dir);
  return RunChecked(argv, opts).status().WithContext("s6-svc " + entry.subdomain);
}

}  // namespace

Result<int> S6AppControl::Connect(const WakeEntry& entry) {
  return ConnectUnixSocket(entry.app_socket, entry.uid, kConnectTimeoutMs);
}

Status S6AppControl::Wake(const WakeEntry& entry) {
  const auto deadline = Clock::now() + std::chrono::seconds(entry.start_timeout_s);
  MD_RETURN_IF_ERROR(Svc(entry, {"-u"}));
  Status last = Unavailable("not answering yet");
  while (Clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    auto answer = SendUnixHttp(entry.app_socket, {.target = entry.health_path,
                                                  .timeout_ms = static_cast<int>(std::max<int64_t>(1, left)),
                                                  .peer_uid = entry.uid});
    if (answer.ok() && answer->status == 200) return Status::Ok();
    last = answer.ok() ? Unavailable("its health path answered " + std::to_string(answer->status)) : answer.status();
    if (answer.status().code() == Code::kFailedPrecondition) return answer.status();
    std::this_thread::sleep_for(kHealthPoll);
  }
  return Unavailable(entry.subdomain + " was not healthy within " + std::to_string(entry.start_timeout_s) +
                     " s: " + last.message());
}

// Returns once the app is down for good: a wake right after must not find it still answering.
Status S6AppControl::Sleep(const WakeEntry& entry) {
  return Svc(entry, {"-wD", "-T", std::to_string(kStopTimeoutMs), "-d"});
}

}  // namespace md
