#include "knot_fixture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include "core/files.h"
#include "core/process.h"

namespace md::test {
namespace {

using namespace std::chrono_literals;

// 32 random bytes in base64, as `keymgr -t` makes them.
std::string RandomSecret() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();
  unsigned char text[64];
  int n = EVP_EncodeBlock(text, bytes, sizeof(bytes));
  return std::string(reinterpret_cast<char*>(text), static_cast<size_t>(n));
}

// True if a socket of `type` can bind 127.0.0.1:`port` (0: any); sets `port`.
bool BindLoopback(int type, int* port) {
  int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(*port));
  socklen_t len = sizeof(addr);
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
            getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  if (ok) *port = ntohs(addr.sin_port);
  close(fd);
  return ok;
}

// A port free for both TCP and UDP on 127.0.0.1 right now, or 0.
int FreeTcpUdpPort() {
  for (int attempt = 0; attempt < 20; ++attempt) {
    int port = 0;
    if (BindLoopback(SOCK_STREAM, &port) && BindLoopback(SOCK_DGRAM, &port)) return port;
  }
  return 0;
}

// `path` if it is there (sbin may be missing from PATH), else `name` from PATH.
std::string Program(const std::string& path, const std::string& name) {
  return access(path.c_str(), X_OK) == 0 ? path : name;
}

}  // namespace

Result<std::unique_ptr<KnotFixture>> KnotFixture::Start(KnotOptions options) {
  std::unique_ptr<KnotFixture> f(new KnotFixture());
  f->options_ = std::move(options);
  std::string tmpl = (std::filesystem::temp_directory_path() / "md-knot-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return Internal("mkdtemp failed");
  f->dir_ = tmpl;
  f->secret_ = RandomSecret();
  f->other_secret_ = RandomSecret();
  // A free port can be taken between the check and knotd's bind: try a few.
  Status started;
  for (int attempt = 0; attempt < 3; ++attempt) {
    f->port_ = FreeTcpUdpPort();
    if (f->port_ == 0) return Internal("no free port on 127.0.0.1");
    MD_RETURN_IF_ERROR(f->WriteFiles());
    started = f->Launch();
    if (started.ok()) return f;
    f->Stop();
  }
  return started;
}

Status KnotFixture::WriteFiles() {
  MD_RETURN_IF_ERROR(EnsureDirectory(dir_ + "/db", 0700));
  const std::string& z = options_.zone;
  MD_RETURN_IF_ERROR(WriteFileAtomic(dir_ + "/zone.db",
                                     "$ORIGIN " + z + ".\n$TTL 300\n"
                                     "@ SOA ns1 hostmaster 1 3600 600 86400 300\n"
                                     "@ NS ns1\n"
                                     "ns1 A 127.0.0.1\n",
                                     0600));
  std::ostringstream conf;
  conf << "server:\n"
       << "    listen: " << server_ << "@" << port_ << "\n"
       << "    rundir: " << dir_ << "\n"
       << "log:\n  - target: stderr\n    any: info\n"
       << "database:\n    storage: " << dir_ << "/db\n"
       << "key:\n";
  for (const auto& [id, secret] : {std::pair{key_name_, secret_}, std::pair{other_key_name_, other_secret_}}) {
    conf << "  - id: " << id << "\n    algorithm: " << options_.algorithm << "\n    secret: " << secret << "\n";
  }
  conf << "acl:\n  - id: update\n    address: 127.0.0.1\n    key: " << key_name_ << "\n    action: update\n"
       << "template:\n  - id: default\n    storage: " << dir_ << "\n    zonefile-sync: -1\n"
       << "zone:\n  - domain: " << z << "\n    file: zone.db\n    acl: update\n";
  return WriteFileAtomic(dir_ + "/knot.conf", conf.str(), 0600);
}

Status KnotFixture::Launch() {
  std::string knotd = Program("/usr/sbin/knotd", "knotd");
  std::string conf = dir_ + "/knot.conf";
  std::string log = dir_ + "/knotd.log";
  const char* argv[] = {knotd.c_str(), "-c", conf.c_str(), nullptr};
  pid_t pid = fork();
  if (pid < 0) return ErrnoStatus("fork");
  if (pid == 0) {
    // knotd dies with the test, even if the test crashes.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    int in = open("/dev/null", O_RDONLY);
    if (out < 0 || in < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(out, 2);
    close_range(3, ~0U, 0);
    execvp(argv[0], const_cast<char* const*>(argv));
    _exit(127);
  }
  pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    int wstatus = 0;
    if (waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      return Internal("knotd exited at start: " + LastLine(Log()));
    }
    auto soa = Dig(options_.zone, "SOA");
    if (soa.ok() && !soa->empty()) return Status::Ok();
    std::this_thread::sleep_for(20ms);
  }
  return Unavailable("knotd does not answer on port " + std::to_string(port_) + ": " + LastLine(Log()));
}

void KnotFixture::Stop() {
  if (pid_ < 0) return;
  kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  int wstatus = 0;
  while (waitpid(pid_, &wstatus, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &wstatus, 0);
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  pid_ = -1;
}

Status KnotFixture::Restart() {
  Stop();
  return Launch();
}

Result<std::vector<std::string>> KnotFixture::Dig(const std::string& name, const std::string& type) const {
  ProcessOptions quick;
  quick.timeout_ms = 5000;
  MD_ASSIGN_OR_RETURN(ProcessResult r, RunProcess({Program("/usr/bin/kdig", "kdig"), "@" + server_, "-p",
                                                   std::to_string(port_), "+tcp", "+short", "+norecurse",
                                                   "+timeout=1", "+retry=0", type, name},
                                                  quick));
  if (r.exit_code != 0) return Unavailable("kdig exited with " + std::to_string(r.exit_code) + ": " + LastLine(r.output));
  std::vector<std::string> lines;
  std::istringstream in(r.output);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && !line.starts_with(";;")) lines.push_back(line);  // kdig's warnings
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::string KnotFixture::Log() const {
  auto log = ReadFile(dir_ + "/knotd.log");
  return log.ok() ? *log : "";
}

KnotFixture::~KnotFixture() {
  Stop();
  if (!dir_.empty()) {
    Status removed = RemoveTree(dir_);
    if (!removed.ok()) fprintf(stderr, "KnotFixture: %s\n", removed.message().c_str());
  }
}

}  // namespace md::test
