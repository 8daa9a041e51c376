// Host contract, run against LinuxHost (real useradd/userdel; needs root) and
// FakeHost. Every user is named with a random suffix and removed in TearDown.

#include <gtest/gtest.h>
#include <grp.h>
#include <pwd.h>
#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/random.h"
#include "drivers/host/fake_host.h"
#include "core/process.h"
#include "drivers/host/linux_host.h"

namespace md {
namespace {

struct RealBackend {
  static std::unique_ptr<Host> Make() { return std::make_unique<LinuxHost>(); }
};
struct FakeBackend {
  static std::unique_ptr<Host> Make() { return std::make_unique<FakeHost>(); }
};

template <typename Backend>
class HostContract : public ::testing::Test {
 protected:
  void SetUp() override {
    host_ = Backend::Make();
    prefix_ = "mdt" + RandomHex(4) + "-";
    // A random block of 100 UIDs in a range no tool hands out by itself.
    uid_base_ = 3000000 + 100 * (std::stoul(RandomHex(3), nullptr, 16) % 9000);
  }
  void TearDown() override {
    auto names = host_->ListUsers(prefix_);
    ASSERT_TRUE(names.ok()) << names.status().ToString();
    for (const auto& n : *names) EXPECT_TRUE(host_->RemoveUser(n).ok()) << n;
  }
  std::string Name(const std::string& tag) { return prefix_ + tag; }
  uid_t Uid(int n) const { return uid_base_ + n; }

  std::unique_ptr<Host> host_;
  std::string prefix_;
  uid_t uid_base_ = 0;
};

using Backends = ::testing::Types<RealBackend, FakeBackend>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, RealBackend> ? "Linux" : "Fake";
  }
};
TYPED_TEST_SUITE(HostContract, Backends, BackendNames);

TYPED_TEST(HostContract, EnsureUserCreatesAUserThatLookupFinds) {
  std::string name = this->Name("a");
  auto made = this->host_->EnsureUser(name, "/nonexistent/" + name, this->Uid(1));
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(made->name, name);
  EXPECT_NE(made->uid, 0u);
  EXPECT_NE(made->gid, 0u);
  auto found = this->host_->LookupUser(name);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->uid, made->uid);
  EXPECT_EQ(found->gid, made->gid);
}

TYPED_TEST(HostContract, EnsureUserTwiceReturnsTheSameUser) {
  std::string name = this->Name("b");
  auto first = this->host_->EnsureUser(name, "/nonexistent/" + name, this->Uid(1));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = this->host_->EnsureUser(name, "/nonexistent/" + name, this->Uid(1));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(first->uid, second->uid);
  EXPECT_EQ(first->gid, second->gid);
}

TYPED_TEST(HostContract, LookupOfAnAbsentUserIsNotFound) {
  auto found = this->host_->LookupUser(this->Name("absent"));
  EXPECT_EQ(found.status().code(), Code::kNotFound);
}

TYPED_TEST(HostContract, RemoveUserRemovesItAndIsIdempotent) {
  std::string name = this->Name("c");
  ASSERT_TRUE(this->host_->EnsureUser(name, "/nonexistent/" + name, this->Uid(1)).ok());
  ASSERT_TRUE(this->host_->RemoveUser(name).ok());
  EXPECT_EQ(this->host_->LookupUser(name).status().code(), Code::kNotFound);
  EXPECT_TRUE(this->host_->RemoveUser(name).ok());
  EXPECT_TRUE(this->host_->RemoveUser(this->Name("never")).ok());
}

TYPED_TEST(HostContract, ListUsersReturnsOnlyThoseWithThePrefix) {
  ASSERT_TRUE(this->host_->EnsureUser(this->Name("x1"), "/nonexistent/x1", this->Uid(1)).ok());
  ASSERT_TRUE(this->host_->EnsureUser(this->Name("x2"), "/nonexistent/x2", this->Uid(2)).ok());
  ASSERT_TRUE(this->host_->EnsureUser(this->Name("y1"), "/nonexistent/y1", this->Uid(3)).ok());
  auto names = this->host_->ListUsers(this->prefix_ + "x");
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  std::vector<std::string> got = *names;
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{this->Name("x1"), this->Name("x2")}));
  auto none = this->host_->ListUsers(this->prefix_ + "z");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TYPED_TEST(HostContract, RefusesMalformedNamesAndRelativeHomes) {
  for (const std::string& bad : {std::string(""), std::string("Root"), std::string("9abc"), std::string("a b"),
                                 std::string("a:b"), std::string("-x"), std::string(33, 'a'), std::string("a/b")}) {
    EXPECT_EQ(this->host_->EnsureUser(bad, "/nonexistent", this->Uid(1)).status().code(), Code::kInvalidArgument) << bad;
    EXPECT_EQ(this->host_->LookupUser(bad).status().code(), Code::kInvalidArgument) << bad;
    EXPECT_EQ(this->host_->RemoveUser(bad).code(), Code::kInvalidArgument) << bad;
  }
  EXPECT_EQ(this->host_->EnsureUser(this->Name("rel"), "relative/home", this->Uid(1)).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(this->host_->EnsureUser(this->Name("root"), "/nonexistent", 0).status().code(), Code::kInvalidArgument);
}

TYPED_TEST(HostContract, ConcurrentEnsureUserCallsAllSucceed) {
  std::vector<std::thread> threads;
  std::vector<Status> results(6);
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      // Two threads per name: creation races with itself too.
      std::string name = this->Name("p" + std::to_string(i / 2));
      auto r = this->host_->EnsureUser(name, "/nonexistent/" + name, this->Uid(i / 2));
      results[i] = r.ok() ? Status::Ok() : r.status();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  auto names = this->host_->ListUsers(this->prefix_ + "p");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(names->size(), 3u);
}

TYPED_TEST(HostContract, EnsureUserRefusesAUidTakenByAnotherUser) {
  ASSERT_TRUE(this->host_->EnsureUser(this->Name("u1"), "/nonexistent/u1", this->Uid(7)).ok());
  auto second = this->host_->EnsureUser(this->Name("u2"), "/nonexistent/u2", this->Uid(7));
  EXPECT_EQ(second.status().code(), Code::kAlreadyExists) << second.status().ToString();
  EXPECT_EQ(this->host_->LookupUser(this->Name("u2")).status().code(), Code::kNotFound);
}

// --- LinuxHost only ---

class LinuxHostTest : public HostContract<RealBackend> {};

TEST_F(LinuxHostTest, UserHasNoLoginShellNoHomeDirAndItsOwnGroup) {
  std::string name = Name("shell");
  std::string home = "/nonexistent/" + name;
  auto made = host_->EnsureUser(name, home, Uid(5));
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  struct passwd* pw = getpwnam(name.c_str());
  ASSERT_NE(pw, nullptr);
  EXPECT_STREQ(pw->pw_shell, "/usr/sbin/nologin");
  EXPECT_EQ(std::string(pw->pw_dir), home);
  EXPECT_EQ(pw->pw_uid, Uid(5)) << "the UID asked for";
  EXPECT_EQ(pw->pw_gid, Uid(5)) << "its group has the same number";
  EXPECT_EQ(access(home.c_str(), F_OK), -1) << "home is not created";
  struct group* gr = getgrgid(made->gid);
  ASSERT_NE(gr, nullptr);
  EXPECT_EQ(std::string(gr->gr_name), name);
}

TEST_F(LinuxHostTest, RemoveUserLeavesAGroupWhoseUserNeverExisted) {
  const std::string name = Name("g");
  ASSERT_EQ(RunProcess({"groupadd", name})->exit_code, 0);
  EXPECT_TRUE(host_->RemoveUser(name).ok());
  EXPECT_NE(getgrnam(name.c_str()), nullptr) << "a group that is not ours was removed";
  (void)RunProcess({"groupdel", name});
}

TEST_F(LinuxHostTest, RemoveUserKillsItsProcessesAndRemovesItsGroup) {
  std::string name = Name("procs");
  auto made = host_->EnsureUser(name, "/nonexistent/" + name, Uid(6));
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (setgid(made->gid) != 0 || setuid(made->uid) != 0) _exit(1);
    execlp("sleep", "sleep", "60", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait until the child runs as the user.
  for (int i = 0; i < 200; ++i) {
    std::string out = "/proc/" + std::to_string(child) + "/status";
    FILE* f = fopen(out.c_str(), "r");
    bool as_user = false;
    if (f) {
      char line[256];
      while (fgets(line, sizeof line, f)) {
        unsigned r, e;
        if (sscanf(line, "Uid: %u %u", &r, &e) == 2) as_user = (e == made->uid);
      }
      fclose(f);
    }
    if (as_user) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(host_->RemoveUser(name).ok());
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  EXPECT_TRUE(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL);
  EXPECT_EQ(getpwnam(name.c_str()), nullptr);
  EXPECT_EQ(getgrnam(name.c_str()), nullptr);
}

// Whether any live process has `uid` as its real UID.
bool AnyProcessOf(uid_t uid) {
  auto r = RunProcess({"pgrep", "-U", std::to_string(uid), "-r", "R,S,D,T"});
  return r.ok() && r->exit_code == 0;
}

TEST_F(LinuxHostTest, RemoveUserEndsARespawningUserAndSweepsItsScratchFilesOnly) {
  std::string name = Name("sweep");
  auto made = host_->EnsureUser(name, "/nonexistent/" + name, Uid(8));
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  const std::string tag = prefix_ + "sweep";
  const std::string root_file = "/tmp/" + tag + "-root";
  ASSERT_EQ(RunProcess({"touch", root_file})->exit_code, 0);
  // As the user: files in every scratch dir, a nested dir, a symlink to a
  // file of root's, a root-owned file inside the user's dir; then it keeps
  // respawning sleepers until killed.
  std::string script = "mkdir -p /tmp/" + tag + "/a/b && touch /tmp/" + tag + "/a/b/f /var/tmp/" + tag +
                       " /dev/shm/" + tag + " && ln -s " + root_file + " /tmp/" + tag + "-link && " +
                       "while :; do sleep 60 & sleep 0.01; done";
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (setgroups(0, nullptr) != 0 || setgid(made->gid) != 0 || setuid(made->uid) != 0) _exit(1);
    execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 300 && access(("/tmp/" + tag + "-link").c_str(), F_OK) != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // A root-owned file in the user's dir stays, and so does that dir.
  ASSERT_EQ(RunProcess({"touch", "/tmp/" + tag + "/a/root-owned"})->exit_code, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));

  ASSERT_TRUE(host_->RemoveUser(name).ok());
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  EXPECT_FALSE(AnyProcessOf(made->uid));
  struct stat st;
  EXPECT_NE(lstat(("/tmp/" + tag + "/a/b").c_str(), &st), 0) << "the user's nested dir";
  EXPECT_NE(lstat(("/tmp/" + tag + "-link").c_str(), &st), 0) << "the user's symlink";
  EXPECT_NE(lstat(("/var/tmp/" + tag).c_str(), &st), 0);
  EXPECT_NE(lstat(("/dev/shm/" + tag).c_str(), &st), 0);
  EXPECT_EQ(lstat(root_file.c_str(), &st), 0) << "the symlink's target is root's";
  EXPECT_EQ(lstat(("/tmp/" + tag + "/a/root-owned").c_str(), &st), 0);
  (void)RunProcess({"rm", "-rf", "/tmp/" + tag, root_file});
}

// --- FakeHost only ---

TEST(FakeHostTest, RecordsCallsAndFailsTheNextCallOnDemand) {
  FakeHost host;
  host.FailNext(Unavailable("lock busy"));
  EXPECT_EQ(host.EnsureUser("tenant1", "/data/t1", 2000000).status().code(), Code::kUnavailable);
  EXPECT_EQ(host.LookupUser("tenant1").status().code(), Code::kNotFound);
  ASSERT_TRUE(host.EnsureUser("tenant1", "/data/t1", 2000000).ok());
  EXPECT_EQ(host.HomeOf("tenant1"), "/data/t1");
  EXPECT_EQ(host.calls(), (std::vector<std::string>{"EnsureUser tenant1 /data/t1 2000000", "LookupUser tenant1",
                                                    "EnsureUser tenant1 /data/t1 2000000"}));
}

}  // namespace
}  // namespace md
