#include "postgres_fixture.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>

#include "core/files.h"
#include "core/process.h"
#include "core/random.h"

namespace md::test {
namespace {

// Not "md-…": that prefix is the tenants'.
constexpr const char* kTestUser = "meltanodata-test-pg";

std::string Trim(const std::string& s) {
  size_t end = s.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return "";
  return s.substr(0, end + 1);
}

Result<std::pair<uid_t, gid_t>> EnsureTestUser() {
  auto lookup = []() -> std::optional<std::pair<uid_t, gid_t>> {
    passwd* pw = getpwnam(kTestUser);
    if (pw == nullptr) return std::nullopt;
    return std::make_pair(pw->pw_uid, pw->pw_gid);
  };
  if (auto ids = lookup()) return *ids;
  MD_ASSIGN_OR_RETURN(ProcessResult r, RunProcess({"useradd", "--system", "--user-group", "--no-create-home",
                                                   "--shell", "/usr/sbin/nologin", kTestUser}));
  if (r.exit_code != 0 && r.exit_code != 9) return Internal("useradd " + std::string(kTestUser) + ": " + LastLine(r.output));
  if (auto ids = lookup()) return *ids;
  return Internal(std::string(kTestUser) + " missing after useradd");
}

std::mutex g_shared_mu;
std::unique_ptr<PostgresFixture> g_shared;
std::string g_shared_error;
bool g_shared_tried = false;

// Stops the shared cluster when the test program ends.
class SharedPostgresEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    std::lock_guard lock(g_shared_mu);
    g_shared.reset();
  }
};

[[maybe_unused]] ::testing::Environment* const kSharedEnvironment =
    ::testing::AddGlobalTestEnvironment(new SharedPostgresEnvironment);

}  // namespace

std::string PostgresBinDir() {
  ProcessOptions quick;
  quick.timeout_ms = 10000;
  auto r = RunProcess({"pg_config", "--bindir"}, quick);
  if (r.ok() && r->exit_code == 0) {
    std::string dir = Trim(r->output);
    if (access((dir + "/pg_ctl").c_str(), X_OK) == 0) return dir;
  }
  return "/usr/lib/postgresql/15/bin";
}

int FreeTcpPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::vector<std::string> PostgresFixture::AsPgUser(std::vector<std::string> argv) const {
  if (!as_root_) return argv;
  std::vector<std::string> out = {"setpriv", "--reuid=" + std::to_string(uid_), "--regid=" + std::to_string(gid_),
                                  "--init-groups", "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

Result<std::unique_ptr<PostgresFixture>> PostgresFixture::Start() {
  std::unique_ptr<PostgresFixture> f(new PostgresFixture());
  f->bin_dir_ = PostgresBinDir();
  f->as_root_ = geteuid() == 0;
  if (f->as_root_) {
    MD_ASSIGN_OR_RETURN(auto ids, EnsureTestUser());
    f->uid_ = ids.first;
    f->gid_ = ids.second;
  } else {
    f->uid_ = geteuid();
    f->gid_ = getegid();
  }
  std::string tmpl = (std::filesystem::temp_directory_path() / "md-pg-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return Internal("mkdtemp failed");
  f->dir_ = tmpl;
  Owner pg{f->uid_, f->gid_};
  MD_RETURN_IF_ERROR(EnsureDirectory(f->dir_, 0700, pg));
  MD_RETURN_IF_ERROR(EnsureDirectory(f->dir_ + "/run", 0700, pg));
  f->password_ = RandomHex(16);
  const std::string pwfile = f->dir_ + "/pwfile";
  MD_RETURN_IF_ERROR(WriteFileAtomic(pwfile, f->password_ + "\n", 0600, pg));
  ProcessOptions in_dir;
  in_dir.cwd = f->dir_;
  in_dir.timeout_ms = 120000;
  auto initdb = RunChecked(f->AsPgUser({f->bin_dir_ + "/initdb", "-D", f->dir_ + "/data", "--auth=scram-sha-256",
                                        "--username=postgres", "--pwfile=" + pwfile, "--encoding=UTF8",
                                        "--locale=C.UTF-8", "--no-sync"}),
                           in_dir);
  if (!initdb.ok()) return initdb.status();
  // A free port can be taken between the check and the bind: try a few.
  Status started;
  for (int attempt = 0; attempt < 3; ++attempt) {
    f->port_ = FreeTcpPort();
    std::string opts = "-p " + std::to_string(f->port_) + " -k " + f->dir_ + "/run" +
                       " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100";
    auto r = RunChecked(f->AsPgUser({f->bin_dir_ + "/pg_ctl", "-D", f->dir_ + "/data", "-l", f->dir_ + "/log", "-w",
                                     "-t", "60", "-o", opts, "start"}),
                        in_dir);
    started = r.ok() ? Status::Ok() : r.status();
    if (started.ok()) break;
  }
  if (!started.ok()) {
    auto log = ReadFile(f->dir_ + "/log");
    return started.WithContext("pg_ctl start" + (log.ok() ? " (log: " + LastLine(*log) + ")" : ""));
  }
  f->running_ = true;
  f->admin_url_ = "postgresql://postgres:" + f->password_ + "@127.0.0.1:" + std::to_string(f->port_) + "/postgres";
  return f;
}

Status PostgresFixture::Stop() {
  Status result;
  ProcessOptions in_dir;
  in_dir.cwd = dir_;
  in_dir.timeout_ms = 90000;
  if (running_ || (!dir_.empty() && PathExists(dir_ + "/data/postmaster.pid"))) {
    auto r = RunChecked(AsPgUser({bin_dir_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "-t", "60", "stop"}),
                        in_dir);
    if (!r.ok()) result = r.status();
    running_ = false;
  }
  if (!dir_.empty()) {
    Status removed = RemoveTree(dir_);
    if (result.ok()) result = removed;
    dir_.clear();
  }
  return result;
}

PostgresFixture::~PostgresFixture() {
  Status s = Stop();
  if (!s.ok()) fprintf(stderr, "PostgresFixture: %s\n", s.message().c_str());
}

PostgresFixture* SharedPostgres(std::string* error) {
  std::lock_guard lock(g_shared_mu);
  if (!g_shared_tried) {
    g_shared_tried = true;
    auto f = PostgresFixture::Start();
    if (f.ok()) g_shared = std::move(f).value();
    else g_shared_error = f.status().message();
  }
  if (error != nullptr) *error = g_shared_error;
  return g_shared.get();
}

}  // namespace md::test
