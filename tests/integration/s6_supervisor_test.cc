// Supervisor contract, run against S6Supervisor (a real s6-svscan on a
// temporary scan dir; needs the s6 package) and FakeSupervisor. Every test
// has its own scan dir; TearDown shuts s6 down and checks no process is left.

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/files.h"
#include "eventually.h"
#include "drivers/supervisor/fake_supervisor.h"
#include "drivers/supervisor/s6_supervisor.h"

namespace md {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using test::Eventually;

std::string Slurp(const std::string& path) {
  auto r = ReadFile(path);
  return r.ok() ? *r : "";
}

// Live (not zombie) processes whose working directory is under `root` or
// whose command line mentions it, as "pid: cmdline".
std::vector<std::string> ProcessesUnder(const std::string& root) {
  std::vector<std::string> found;
  std::error_code ec;
  for (fs::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    std::string pid = it->path().filename().string();
    if (!std::all_of(pid.begin(), pid.end(), ::isdigit)) continue;
    std::string stat = Slurp("/proc/" + pid + "/stat");
    auto close_paren = stat.rfind(')');
    if (close_paren == std::string::npos || close_paren + 2 >= stat.size() || stat[close_paren + 2] == 'Z') continue;
    std::string cmdline = Slurp("/proc/" + pid + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    std::error_code ec2;
    std::string cwd = fs::read_symlink("/proc/" + pid + "/cwd", ec2).string();
    if (cmdline.find(root) != std::string::npos || cwd.rfind(root, 0) == 0) found.push_back(pid + ": " + cmdline);
  }
  return found;
}

// A process as seen once: its pid and its start time (field 22 of
// /proc/PID/stat), so a pid the kernel hands to a new process later (pid_max
// is often 32768 and a parallel test run forks fast) is not taken for it.
struct SeenProcess {
  int pid = 0;
  std::string start_time;
};

std::string StartTimeOf(int pid) {
  std::string stat = Slurp("/proc/" + std::to_string(pid) + "/stat");
  auto close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return "";
  std::istringstream fields(stat.substr(close_paren + 2));
  std::string state, field;
  fields >> state;
  if (state == "Z") return "";  // exited; only its parent has not reaped it yet
  for (int i = 4; i <= 22 && fields >> field; ++i) {
  }
  return field;
}

SeenProcess See(int pid) { return {pid, pid > 0 ? StartTimeOf(pid) : ""}; }

// True when the process seen is no longer running (its pid may be reused).
bool Gone(const SeenProcess& p) {
  std::string now = StartTimeOf(p.pid);
  return now.empty() || now != p.start_time;
}

int CountSvscans(const std::string& scan_dir) {
  int n = 0;
  for (const auto& p : ProcessesUnder(scan_dir)) {
    if (p.find("s6-svscan ") != std::string::npos) ++n;
  }
  return n;
}

// A service that logs its pid, writes a line to ROOT/NAME.hup on SIGHUP and
// stops cleanly (with its child) on SIGTERM.
ServiceSpec TestSpec(const std::string& root, const std::string& name, bool with_logger = false) {
  ServiceSpec spec;
  spec.name = name;
  spec.run_script =
      "#!/bin/sh\n"
      "exec 2>&1\n"
      "echo \"started $$\"\n"
      "sleep 1000 &\n"
      "child=$!\n"
      "trap 'echo hup >> " + root + "/" + name + ".hup' HUP\n"
      "trap 'kill $child; exit 0' TERM\n"
      "while kill -0 $child 2>/dev/null; do wait $child; done\n";
  if (with_logger) spec.log_script = "#!/bin/sh\nexec s6-log n3 " + root + "/log-" + name + "\n";
  return spec;
}

struct S6Backend {
  static constexpr bool kReal = true;
  static std::unique_ptr<Supervisor> Make(const std::string& scan) {
    return std::make_unique<S6Supervisor>(scan);
  }
  static Status Shutdown(Supervisor* s) { return static_cast<S6Supervisor*>(s)->Shutdown(); }
  static bool GotHup(Supervisor*, const std::string& root, const std::string& name) {
    return Eventually([&] { return Slurp(root + "/" + name + ".hup").find("hup") != std::string::npos; });
  }
};

struct FakeBackend {
  static constexpr bool kReal = false;
  static std::unique_ptr<Supervisor> Make(const std::string&) { return std::make_unique<FakeSupervisor>(); }
  static Status Shutdown(Supervisor*) { return Status::Ok(); }
  static bool GotHup(Supervisor* s, const std::string&, const std::string& name) {
    return static_cast<FakeSupervisor*>(s)->HupCount(name) == 1;
  }
};

template <typename Backend>
class SupervisorContract : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/md-s6-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    scan_ = root_ + "/services";
    sup_ = Backend::Make(scan_);
  }
  void TearDown() override {
    if (sup_) {
      EXPECT_TRUE(Backend::Shutdown(sup_.get()).ok());
    }
    std::vector<std::string> left;
    bool clean = Eventually([&] {
      left = ProcessesUnder(root_);
      return left.empty();
    });
    EXPECT_TRUE(clean) << "left behind: " << ::testing::PrintToString(left);
    for (const auto& p : left) kill(std::stoi(p.substr(0, p.find(':'))), SIGKILL);
    EXPECT_TRUE(RemoveTree(root_).ok());
  }

  ServiceStatus StatusOf(const std::string& name) {
    auto st = sup_->GetStatus(name);
    EXPECT_TRUE(st.ok()) << st.status().ToString();
    return st.ok() ? *st : ServiceStatus{};
  }

  std::string root_;
  std::string scan_;
  std::unique_ptr<Supervisor> sup_;
};

using Backends = ::testing::Types<S6Backend, FakeBackend>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return T::kReal ? "S6" : "Fake";
  }
};
TYPED_TEST_SUITE(SupervisorContract, Backends, BackendNames);

TYPED_TEST(SupervisorContract, InstallStartsTheServiceWithAPid) {
  ASSERT_TRUE(this->sup_->EnsureRunning().ok());
  Status s = this->sup_->Install(TestSpec(this->root_, "web"));
  ASSERT_TRUE(s.ok()) << s.ToString();
  ServiceStatus st = this->StatusOf("web");
  EXPECT_TRUE(st.up);
  EXPECT_TRUE(st.want_up);
  EXPECT_GT(st.pid, 0);
  EXPECT_EQ(st.last_exit, -1);
  if constexpr (TypeParam::kReal) {
    EXPECT_EQ(kill(st.pid, 0), 0);
    EXPECT_TRUE(fs::exists(this->scan_ + "/web/run"));
    EXPECT_EQ(fs::status(this->scan_ + "/web/run").permissions() & fs::perms::all, static_cast<fs::perms>(0755));
  }
}

TYPED_TEST(SupervisorContract, InstallStartsTheTreeIfNeeded) {
  Status s = this->sup_->Install(TestSpec(this->root_, "web"));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(this->StatusOf("web").up);
}

TYPED_TEST(SupervisorContract, ReloadKeepsThePidAndSendsSighup) {
  ASSERT_TRUE(this->sup_->Install(TestSpec(this->root_, "web")).ok());
  int pid = this->StatusOf("web").pid;
  ASSERT_TRUE(this->sup_->Reload("web").ok());
  EXPECT_TRUE(TypeParam::GotHup(this->sup_.get(), this->root_, "web"));
  ServiceStatus st = this->StatusOf("web");
  EXPECT_TRUE(st.up);
  EXPECT_EQ(st.pid, pid);
}

TYPED_TEST(SupervisorContract, RestartGivesANewPid) {
  ASSERT_TRUE(this->sup_->Install(TestSpec(this->root_, "web")).ok());
  int pid = this->StatusOf("web").pid;
  SeenProcess old = See(pid);
  Status s = this->sup_->Restart("web");
  ASSERT_TRUE(s.ok()) << s.ToString();
  ServiceStatus st = this->StatusOf("web");
  EXPECT_TRUE(st.up);
  EXPECT_GT(st.pid, 0);
  EXPECT_NE(st.pid, pid);
  if constexpr (TypeParam::kReal) {
    EXPECT_TRUE(Eventually([&] { return Gone(old); }))
        << "pid " << pid << " still runs: " << Slurp("/proc/" + std::to_string(pid) + "/stat");
  }
}

TYPED_TEST(SupervisorContract, StopBringsItDownAndStartBringsItUp) {
  ASSERT_TRUE(this->sup_->Install(TestSpec(this->root_, "web")).ok());
  int pid = this->StatusOf("web").pid;
  SeenProcess old = See(pid);
  ASSERT_TRUE(this->sup_->Stop("web").ok());
  ServiceStatus down = this->StatusOf("web");
  EXPECT_FALSE(down.up);
  EXPECT_FALSE(down.want_up);
  EXPECT_EQ(down.pid, 0);
  if constexpr (TypeParam::kReal) {
    EXPECT_TRUE(Gone(old));
  }
  EXPECT_TRUE(this->sup_->Stop("web").ok()) << "stopping a stopped service is a no-op";
  ASSERT_TRUE(this->sup_->Start("web").ok());
  ServiceStatus up = this->StatusOf("web");
  EXPECT_TRUE(up.up);
  EXPECT_TRUE(up.want_up);
  EXPECT_GT(up.pid, 0);
  EXPECT_NE(up.pid, pid);
}

TYPED_TEST(SupervisorContract, RestartOfAStoppedServiceStartsIt) {
  ASSERT_TRUE(this->sup_->Install(TestSpec(this->root_, "web")).ok());
  ASSERT_TRUE(this->sup_->Stop("web").ok());
  ASSERT_TRUE(this->sup_->Restart("web").ok());
  EXPECT_TRUE(this->StatusOf("web").up);
}

TYPED_TEST(SupervisorContract, RemoveDeletesItAndIsIdempotent) {
  ASSERT_TRUE(this->sup_->Install(TestSpec(this->root_, "web", /*with_logger=*/true)).ok());
  ASSERT_TRUE(this->sup_->Install(TestSpec(this->root_, "other")).ok());
  SeenProcess old = See(this->StatusOf("web").pid);
  Status s = this->sup_->Remove("web");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(this->sup_->GetStatus("web").status().code(), Code::kNotFound);
  EXPECT_EQ(*this->sup_->List(), std::vector<std::string>{"other"});
  if constexpr (TypeParam::kReal) {
    EXPECT_FALSE(fs::exists(this->scan_ + "/web"));
    EXPECT_TRUE(Gone(old));
    // Nothing of it is left: no supervisor, no logger, no dot-dir.
    for (const auto& p : ProcessesUnder(this->scan_ + "/")) EXPECT_EQ(p.find("web"), std::string::npos) << p;
    for (const auto& e : fs::directory_iterator(this->scan_)) {
      EXPECT_EQ(e.path().filename().string().find("web"), std::string::npos) << e.path();
    }
  }
  EXPECT_TRUE(this->sup_->Remove("web").ok());
  EXPECT_TRUE(this->sup_->Remove("never-there").ok());
  EXPECT_TRUE(this->StatusOf("other").up);
}

TYPED_TEST(SupervisorContract, InstallingTheSameSpecTwiceIsANoOp) {
  ASSERT_TRUE(this->sup_->Install(TestSpec(this->root_, "web")).ok());
  int pid = this->StatusOf("web").pid;
  ASSERT_TRUE(this->sup_->Install(TestSpec(this->root_, "web")).ok());
  ServiceStatus st = this->StatusOf("web");
  EXPECT_TRUE(st.up);
  EXPECT_EQ(st.pid, pid);
}

TYPED_TEST(SupervisorContract, InstallingAChangedRunScriptRestartsWithIt) {
  ServiceSpec spec = TestSpec(this->root_, "web");
  ASSERT_TRUE(this->sup_->Install(spec).ok());
  int pid = this->StatusOf("web").pid;
  spec.run_script += "# changed\n";
  Status s = this->sup_->Install(spec);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ServiceStatus st = this->StatusOf("web");
  EXPECT_TRUE(st.up);
  EXPECT_NE(st.pid, pid);
  if constexpr (TypeParam::kReal) {
    EXPECT_EQ(Slurp(this->scan_ + "/web/run"), spec.run_script);
  }
}

TYPED_TEST(SupervisorContract, AddingALoggerKeepsTheServiceUp) {
  ASSERT_TRUE(this->sup_->Install(TestSpec(this->root_, "web")).ok());
  Status s = this->sup_->Install(TestSpec(this->root_, "web", /*with_logger=*/true));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(this->StatusOf("web").up);
  if constexpr (TypeParam::kReal) {
    EXPECT_TRUE(Eventually([&] { return Slurp(this->root_ + "/log-web/current").find("started") != std::string::npos; }));
  }
}

TYPED_TEST(SupervisorContract, ListNamesTheInstalledServices) {
  EXPECT_TRUE(this->sup_->List()->empty());
  ASSERT_TRUE(this->sup_->Install(TestSpec(this->root_, "b-svc")).ok());
  ASSERT_TRUE(this->sup_->Install(TestSpec(this->root_, "a_svc")).ok());
  auto names = this->sup_->List();
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"a_svc", "b-svc"}));
}

TYPED_TEST(SupervisorContract, OperationsOnAnAbsentServiceAreNotFound) {
  ASSERT_TRUE(this->sup_->EnsureRunning().ok());
  EXPECT_EQ(this->sup_->GetStatus("nope").status().code(), Code::kNotFound);
  EXPECT_EQ(this->sup_->Start("nope").code(), Code::kNotFound);
  EXPECT_EQ(this->sup_->Stop("nope").code(), Code::kNotFound);
  EXPECT_EQ(this->sup_->Restart("nope").code(), Code::kNotFound);
  EXPECT_EQ(this->sup_->Reload("nope").code(), Code::kNotFound);
}

TYPED_TEST(SupervisorContract, RefusesInvalidNamesAndEmptyRunScripts) {
  for (const std::string& bad : {std::string(""), std::string(".hidden"), std::string("a/b"), std::string(".."),
                                 std::string("Web"), std::string("a b"), std::string(101, 'a')}) {
    ServiceSpec spec = TestSpec(this->root_, "x");
    spec.name = bad;
    EXPECT_EQ(this->sup_->Install(spec).code(), Code::kInvalidArgument) << bad;
    EXPECT_EQ(this->sup_->GetStatus(bad).status().code(), Code::kInvalidArgument) << bad;
    EXPECT_EQ(this->sup_->Remove(bad).code(), Code::kInvalidArgument) << bad;
  }
  ServiceSpec empty{"web", "", ""};
  EXPECT_EQ(this->sup_->Install(empty).code(), Code::kInvalidArgument);
}

TYPED_TEST(SupervisorContract, ConcurrentInstallsAllStart) {
  std::vector<std::thread> threads;
  std::vector<Status> results(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] { results[i] = this->sup_->Install(TestSpec(this->root_, "svc" + std::to_string(i))); });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(results[i].ok()) << results[i].ToString();
    EXPECT_TRUE(this->StatusOf("svc" + std::to_string(i)).up);
  }
}

// --- S6Supervisor only ---

class S6SupervisorTest : public SupervisorContract<S6Backend> {
 protected:
  S6Supervisor& s6() { return *static_cast<S6Supervisor*>(sup_.get()); }
};

TEST_F(S6SupervisorTest, LoggerWritesToItsDirectory) {
  ASSERT_TRUE(sup_->Install(TestSpec(root_, "web", /*with_logger=*/true)).ok());
  int pid = StatusOf("web").pid;
  EXPECT_TRUE(Eventually([&] {
    return Slurp(root_ + "/log-web/current").find("started " + std::to_string(pid)) != std::string::npos;
  })) << Slurp(root_ + "/log-web/current");
}

TEST_F(S6SupervisorTest, EnsureRunningTwiceStartsOneSvscan) {
  ASSERT_TRUE(sup_->EnsureRunning().ok());
  ASSERT_TRUE(sup_->EnsureRunning().ok());
  S6Supervisor other(scan_);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back([&] { EXPECT_TRUE(other.EnsureRunning().ok()); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(CountSvscans(scan_), 1);
}

TEST_F(S6SupervisorTest, ServicesOutliveTheObjectAndANewObjectSeesThem) {
  ASSERT_TRUE(sup_->Install(TestSpec(root_, "web")).ok());
  int pid = StatusOf("web").pid;
  sup_.reset();
  std::this_thread::sleep_for(100ms);
  S6Supervisor again(scan_);
  ASSERT_TRUE(again.EnsureRunning().ok());
  auto st = again.GetStatus("web");
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_TRUE(st->up);
  EXPECT_EQ(st->pid, pid);
  EXPECT_EQ(*again.List(), std::vector<std::string>{"web"});
  EXPECT_EQ(CountSvscans(scan_), 1);
  EXPECT_TRUE(again.Shutdown().ok());
}

// The controller's whole process group is SIGTERMed, then it is SIGKILLed:
// s6-svscan and the services run on.
TEST_F(S6SupervisorTest, ServicesOutliveAKilledController) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t controller = fork();
  ASSERT_GE(controller, 0);
  if (controller == 0) {
    setpgid(0, 0);
    close(ready[0]);
    S6Supervisor in_child(scan_);
    bool ok = in_child.Install(TestSpec(root_, "web")).ok();
    (void)!write(ready[1], ok ? "y" : "n", 1);
    pause();
    _exit(0);
  }
  close(ready[1]);
  char answer = 0;
  ssize_t n = read(ready[0], &answer, 1);
  close(ready[0]);
  if (n != 1 || answer != 'y') {
    kill(-controller, SIGKILL);
    waitpid(controller, nullptr, 0);
    FAIL() << "Install in the child failed";
  }
  int pid = StatusOf("web").pid;
  kill(-controller, SIGTERM);
  int wstatus = 0;
  ASSERT_EQ(waitpid(controller, &wstatus, 0), controller);
  EXPECT_TRUE(WIFSIGNALED(wstatus));
  std::this_thread::sleep_for(200ms);
  ServiceStatus st = StatusOf("web");
  EXPECT_TRUE(st.up);
  EXPECT_EQ(st.pid, pid);
  EXPECT_EQ(CountSvscans(scan_), 1);
}

TEST_F(S6SupervisorTest, RemoveAndShutdownWorkAfterSvscanWasKilled) {
  ASSERT_TRUE(sup_->Install(TestSpec(root_, "web", /*with_logger=*/true)).ok());
  ASSERT_TRUE(sup_->Install(TestSpec(root_, "api")).ok());
  for (const auto& p : ProcessesUnder(scan_)) {
    if (p.find("s6-svscan ") != std::string::npos) kill(std::stoi(p), SIGKILL);
  }
  ASSERT_TRUE(Eventually([&] { return CountSvscans(scan_) == 0; }));
  // The supervisors run on without s6-svscan.
  EXPECT_TRUE(StatusOf("web").up);
  Status s = sup_->Remove("web");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(fs::exists(scan_ + "/web"));
  ASSERT_TRUE(s6().Shutdown().ok());
  EXPECT_TRUE(Eventually([&] { return ProcessesUnder(root_).empty(); }));
}

TEST_F(S6SupervisorTest, ReportsTheExitCodeOfACrashingService) {
  ServiceSpec spec{"crash", "#!/bin/sh\nexit 3\n", ""};
  Status s = sup_->Install(spec);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(Eventually([&] { return StatusOf("crash").last_exit == 3; }));
  EXPECT_TRUE(StatusOf("crash").want_up);
}

TEST_F(S6SupervisorTest, ShutdownStopsEverythingAndEnsureRunningComesBack) {
  ASSERT_TRUE(sup_->Install(TestSpec(root_, "web", /*with_logger=*/true)).ok());
  ASSERT_TRUE(s6().Shutdown().ok());
  EXPECT_TRUE(Eventually([&] { return ProcessesUnder(root_).empty(); })) << ::testing::PrintToString(ProcessesUnder(root_));
  EXPECT_EQ(sup_->GetStatus("web").status().code(), Code::kUnavailable);
  ASSERT_TRUE(sup_->EnsureRunning().ok());
  ASSERT_TRUE(Eventually([&] { auto st = sup_->GetStatus("web"); return st.ok() && st->up; }));
  EXPECT_TRUE(s6().Shutdown().ok());
  EXPECT_TRUE(s6().Shutdown().ok()) << "not running is success";
}

TEST(ParseS6Status, ReadsUpDownAndExitFields) {
  auto up = ParseS6Status("true 4242 true 17 -1 -1\n");
  ASSERT_TRUE(up.ok());
  EXPECT_TRUE(up->up);
  EXPECT_EQ(up->pid, 4242);
  EXPECT_EQ(up->uptime_s, 17);
  EXPECT_EQ(up->last_exit, -1);
  auto down = ParseS6Status("false -1 false 3 -1 15\n");
  ASSERT_TRUE(down.ok());
  EXPECT_FALSE(down->up);
  EXPECT_EQ(down->pid, 0);
  EXPECT_EQ(down->uptime_s, 0);
  EXPECT_EQ(down->last_exit, 143);
  EXPECT_EQ(ParseS6Status("false -1 true 0 3 -1")->last_exit, 3);
  EXPECT_FALSE(ParseS6Status("garbage").ok());
}

// --- FakeSupervisor only ---

TEST(FakeSupervisorTest, RecordsCallsAndFailsTheNextCallOnDemand) {
  FakeSupervisor sup;
  sup.FailNext(Unavailable("busy"));
  EXPECT_EQ(sup.Install({"web", "#!/bin/sh\n", ""}).code(), Code::kUnavailable);
  EXPECT_EQ(sup.GetStatus("web").status().code(), Code::kNotFound);
  ASSERT_TRUE(sup.Install({"web", "#!/bin/sh\n", ""}).ok());
  EXPECT_TRUE(sup.running());
  sup.Crash("web", 3);
  EXPECT_FALSE(sup.GetStatus("web")->up);
  EXPECT_EQ(sup.GetStatus("web")->last_exit, 3);
  EXPECT_EQ(sup.calls(), (std::vector<std::string>{"Install web", "GetStatus web", "Install web", "GetStatus web",
                                                   "GetStatus web"}));
}

}  // namespace
}  // namespace md
