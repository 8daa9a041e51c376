// Host contract, run against LinuxHost (real useradd/userdel; needs root) and
// FakeHost. Every user is named with a random suffix and removed in TearDown.

#include <gtest/gtest.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
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
  }
  void TearDown() override {
    auto names = host_->ListUsers(prefix_);
    ASSERT_TRUE(names.ok()) << names.status().ToString();
    for (const auto& n : *names) EXPECT_TRUE(host_->RemoveUser(n).ok()) << n;
  }
  std::string Name(const std::string& tag) { return prefix_ + tag; }

  std::unique_ptr<Host> host_;
  std::string prefix_;
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
  auto made = this->host_->EnsureUser(name, "/nonexistent/" + name);
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
  auto first = this->host_->EnsureUser(name, "/nonexistent/" + name);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = this->host_->EnsureUser(name, "/nonexistent/" + name);
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
  ASSERT_TRUE(this->host_->EnsureUser(name, "/nonexistent/" + name).ok());
  ASSERT_TRUE(this->host_->RemoveUser(name).ok());
  EXPECT_EQ(this->host_->LookupUser(name).status().code(), Code::kNotFound);
  EXPECT_TRUE(this->host_->RemoveUser(name).ok());
  EXPECT_TRUE(this->host_->RemoveUser(this->Name("never")).ok());
}

TYPED_TEST(HostContract, ListUsersReturnsOnlyThoseWithThePrefix) {
  ASSERT_TRUE(this->host_->EnsureUser(this->Name("x1"), "/nonexistent/x1").ok());
  ASSERT_TRUE(this->host_->EnsureUser(this->Name("x2"), "/nonexistent/x2").ok());
  ASSERT_TRUE(this->host_->EnsureUser(this->Name("y1"), "/nonexistent/y1").ok());
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
    EXPECT_EQ(this->host_->EnsureUser(bad, "/nonexistent").status().code(), Code::kInvalidArgument) << bad;
    EXPECT_EQ(this->host_->LookupUser(bad).status().code(), Code::kInvalidArgument) << bad;
    EXPECT_EQ(this->host_->RemoveUser(bad).code(), Code::kInvalidArgument) << bad;
  }
  EXPECT_EQ(this->host_->EnsureUser(this->Name("rel"), "relative/home").status().code(), Code::kInvalidArgument);
}

TYPED_TEST(HostContract, ConcurrentEnsureUserCallsAllSucceed) {
  std::vector<std::thread> threads;
  std::vector<Status> results(6);
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      // Two threads per name: creation races with itself too.
      std::string name = this->Name("p" + std::to_string(i / 2));
      auto r = this->host_->EnsureUser(name, "/nonexistent/" + name);
      results[i] = r.ok() ? Status::Ok() : r.status();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  auto names = this->host_->ListUsers(this->prefix_ + "p");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(names->size(), 3u);
}

// --- LinuxHost only ---

class LinuxHostTest : public HostContract<RealBackend> {};

TEST_F(LinuxHostTest, UserHasNoLoginShellNoHomeDirAndItsOwnGroup) {
  std::string name = Name("shell");
  std::string home = "/nonexistent/" + name;
  auto made = host_->EnsureUser(name, home);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  struct passwd* pw = getpwnam(name.c_str());
  ASSERT_NE(pw, nullptr);
  EXPECT_STREQ(pw->pw_shell, "/usr/sbin/nologin");
  EXPECT_EQ(std::string(pw->pw_dir), home);
  EXPECT_LT(pw->pw_uid, 1000u) << "a system user";
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
  auto made = host_->EnsureUser(name, "/nonexistent/" + name);
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

// --- FakeHost only ---

TEST(FakeHostTest, RecordsCallsAndFailsTheNextCallOnDemand) {
  FakeHost host;
  host.FailNext(Unavailable("lock busy"));
  EXPECT_EQ(host.EnsureUser("tenant1", "/data/t1").status().code(), Code::kUnavailable);
  EXPECT_EQ(host.LookupUser("tenant1").status().code(), Code::kNotFound);
  ASSERT_TRUE(host.EnsureUser("tenant1", "/data/t1").ok());
  EXPECT_EQ(host.HomeOf("tenant1"), "/data/t1");
  EXPECT_EQ(host.calls(), (std::vector<std::string>{"EnsureUser tenant1 /data/t1", "LookupUser tenant1",
                                                    "EnsureUser tenant1 /data/t1"}));
}

}  // namespace
}  // namespace md
