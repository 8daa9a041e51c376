#include "pebble_fixture.h"

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/files.h"
#include "core/process.h"
#include "drivers/certs/acme_http.h"
#include "postgres_fixture.h"

extern char** environ;

namespace md::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// `name` found on PATH, resolved before fork (the child only calls execve).
std::string Which(const std::string& name) {
  const char* path = getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (size_t start = 0; start <= dirs.size();) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return name;
}

// Calls `ready` every 50 ms for up to 10 s while `process` runs.
Status WaitUntil(ChildProcess& process, const std::string& what, const std::string& log,
                 const std::function<bool()>& ready) {
  for (auto deadline = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < deadline;) {
    if (ready()) return Status::Ok();
    if (!process.running()) break;
    std::this_thread::sleep_for(50ms);
  }
  auto text = ReadFile(log);
  return Unavailable(what + " did not start: " + (text.ok() ? LastLine(*text) : "no log"));
}

// A GET over HTTPS trusting `ca_file`; the body of a 200, else an error.
Result<std::string> HttpsGet(const std::string& ca_file, const std::string& url) {
  CurlTransport http(ca_file, 5000);
  MD_ASSIGN_OR_RETURN(HttpResponse r, http.Send("GET", url, ""));
  if (r.status != 200) return Unavailable("GET " + url + ": HTTP " + std::to_string(r.status));
  return r.body;
}

}  // namespace

Result<std::unique_ptr<ChildProcess>> ChildProcess::Start(const std::vector<std::string>& argv,
                                                          const std::vector<std::string>& env,
                                                          const std::string& log_path) {
  std::vector<std::string> args = argv;
  args[0] = Which(argv[0]);
  std::vector<std::string> envs = env;
  for (char** e = environ; *e != nullptr; ++e) envs.emplace_back(*e);
  std::vector<char*> c_args, c_env;
  for (auto& a : args) c_args.push_back(a.data());
  for (auto& e : envs) c_env.push_back(e.data());
  c_args.push_back(nullptr);
  c_env.push_back(nullptr);
  int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log < 0) return ErrnoStatus("cannot open " + log_path);
  std::unique_ptr<ChildProcess> child(new ChildProcess());
  child->pid_ = fork();
  if (child->pid_ == 0) {
    int null = open("/dev/null", O_RDONLY);
    dup2(null, STDIN_FILENO);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    execve(c_args[0], c_args.data(), c_env.data());
    _exit(127);
  }
  close(log);
  if (child->pid_ < 0) return ErrnoStatus("fork");
  return child;
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  if (waitpid(pid_, nullptr, WNOHANG) == pid_) pid_ = -1;
  return pid_ > 0;
}

ChildProcess::~ChildProcess() {
  if (!running()) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 100 && running(); ++i) std::this_thread::sleep_for(20ms);
  if (running()) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

Result<std::unique_ptr<PebbleFixture>> PebbleFixture::Start(PebbleOptions options) {
  std::unique_ptr<PebbleFixture> f(new PebbleFixture());
  std::string tmpl = (fs::temp_directory_path() / "md-pebble-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return ErrnoStatus("mkdtemp");
  f->dir_ = tmpl;
  f->ca_file_ = f->dir_ + "/tls-cert.pem";
  MD_RETURN_IF_ERROR(RunChecked({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                 "-nodes", "-days", "2", "-subj", "/CN=pebble test", "-addext",
                                 "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", f->dir_ + "/tls-key.pem",
                                 "-out", f->ca_file_})
                         .status());
  f->acme_port_ = FreeTcpPort();
  f->management_port_ = FreeTcpPort();
  f->http01_port_ = FreeTcpPort();
  f->dns_port_ = FreeTcpPort();
  f->challtest_port_ = FreeTcpPort();
  const std::string local = "127.0.0.1:";

  const std::string challtest_log = f->dir_ + "/challtestsrv.log";
  MD_ASSIGN_OR_RETURN(f->challtestsrv_,
                      ChildProcess::Start({"pebble-challtestsrv", "-management", local + std::to_string(f->challtest_port_),
                                           "-dns01", local + std::to_string(f->dns_port_), "-http01", "", "-https01", "",
                                           "-tlsalpn01", "", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", ""},
                                          {}, challtest_log));
  MD_RETURN_IF_ERROR(WaitUntil(*f->challtestsrv_, "pebble-challtestsrv", challtest_log, [&] {
    httplib::Client c("127.0.0.1", f->challtest_port_);
    return static_cast<bool>(c.Post("/clear-txt", R"({"host":"ready.test."})", "application/json"));
  }));

  nlohmann::json config = {{"pebble",
                            {{"listenAddress", local + std::to_string(f->acme_port_)},
                             {"managementListenAddress", local + std::to_string(f->management_port_)},
                             {"certificate", f->dir_ + "/tls-cert.pem"},
                             {"privateKey", f->dir_ + "/tls-key.pem"},
                             {"httpPort", f->http01_port_},
                             {"tlsPort", FreeTcpPort()},
                             {"ocspResponderURL", ""},
                             {"externalAccountBindingRequired", false}}}};
  MD_RETURN_IF_ERROR(WriteFileAtomic(f->dir_ + "/pebble.json", config.dump(2), 0600, Owner{geteuid(), getegid()}));
  const std::string pebble_log = f->dir_ + "/pebble.log";
  MD_ASSIGN_OR_RETURN(
      f->pebble_,
      ChildProcess::Start({"pebble", "-config", f->dir_ + "/pebble.json", "-dnsserver", local + std::to_string(f->dns_port_)},
                          {"PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=" + std::to_string(options.nonce_reject_percent),
                           "PEBBLE_AUTHZREUSE=" + std::to_string(options.authz_reuse_percent)},
                          pebble_log));
  MD_RETURN_IF_ERROR(WaitUntil(*f->pebble_, "pebble", pebble_log, [&] {
    return HttpsGet(f->ca_file_, f->directory_url()).ok() && f->RootPem().ok();
  }));
  return f;
}

PebbleFixture::~PebbleFixture() {
  proxy_.reset();
  pebble_.reset();
  challtestsrv_.reset();
  if (!dir_.empty()) (void)RemoveTree(dir_);
}

Status PebbleFixture::AddTxt(const std::string& host, const std::string& value) {
  httplib::Client c("127.0.0.1", challtest_port_);
  auto r = c.Post("/set-txt", nlohmann::json{{"host", host}, {"value", value}}.dump(), "application/json");
  if (!r || r->status != 200) return Unavailable("challtestsrv /set-txt failed");
  return Status::Ok();
}

Status PebbleFixture::ClearTxt(const std::string& host) {
  httplib::Client c("127.0.0.1", challtest_port_);
  auto r = c.Post("/clear-txt", nlohmann::json{{"host", host}}.dump(), "application/json");
  if (!r || r->status != 200) return Unavailable("challtestsrv /clear-txt failed");
  return Status::Ok();
}

Result<std::string> PebbleFixture::ManagementGet(const std::string& path) const {
  return HttpsGet(ca_file_, "https://127.0.0.1:" + std::to_string(management_port_) + path);
}

Result<std::string> PebbleFixture::RootPem() const { return ManagementGet("/roots/0"); }
Result<std::string> PebbleFixture::IntermediatePem() const { return ManagementGet("/intermediates/0"); }

Result<std::string> PebbleFixture::StartFaultProxy() {
  const int port = FreeTcpPort();
  const std::string script = (fs::path(__FILE__).parent_path() / "acme_fault_proxy.py").string();
  const std::string log = dir_ + "/proxy.log";
  MD_ASSIGN_OR_RETURN(proxy_, ChildProcess::Start({"python3", script, "--port", std::to_string(port), "--upstream",
                                                   "https://127.0.0.1:" + std::to_string(acme_port_), "--cert",
                                                   dir_ + "/tls-cert.pem", "--key", dir_ + "/tls-key.pem",
                                                   "--ari-log", proxy_ari_log()},
                                                  {}, log));
  const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/dir";
  MD_RETURN_IF_ERROR(WaitUntil(*proxy_, "acme_fault_proxy.py", log, [&] { return HttpsGet(ca_file_, url).ok(); }));
  return url;
}

}  // namespace md::test
