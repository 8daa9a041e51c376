// Cgroups contract, run against KernelCgroups (this machine's cgroup file
// system; needs root) and FakeCgroups; then what only the kernel can show: a
// memory hog is killed at the limit, a fork bomb stops at pids.max. Every
// group lives under a parent named with a random suffix, removed in TearDown.

#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <string>

#include "core/files.h"
#include "core/random.h"
#include "drivers/cgroup/fake_cgroups.h"
#include "drivers/cgroup/kernel_cgroups.h"
#include "drivers/exec/local_command_runner.h"

namespace md {
namespace {

constexpr int64_t kMiB = 1024 * 1024;

std::string ParentName() { return "mdtest-" + RandomHex(4); }

// The parent group is the controller's, left in place by Remove.
void RemoveParent(const std::string& parent) {
  for (const char* c : {"memory/", "pids/", "cpu/", ""}) rmdir(("/sys/fs/cgroup/" + std::string(c) + parent).c_str());
}

struct RealBackend {
  static std::unique_ptr<Cgroups> Make(const std::string& parent) {
    auto made = KernelCgroups::Detect({.parent = parent});
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return made.ok() ? std::unique_ptr<Cgroups>(std::move(*made)) : nullptr;
  }
};
struct FakeBackend {
  static std::unique_ptr<Cgroups> Make(const std::string&) { return std::make_unique<FakeCgroups>(); }
};

template <typename Backend>
class CgroupsContract : public ::testing::Test {
 protected:
  void SetUp() override {
    parent_ = ParentName();
    cgroups_ = Backend::Make(parent_);
    ASSERT_NE(cgroups_, nullptr);
  }
  void TearDown() override {
    if (cgroups_) {
      EXPECT_TRUE(cgroups_->Remove("g").ok());
    }
    RemoveParent(parent_);
  }
  std::string parent_;
  std::unique_ptr<Cgroups> cgroups_;
};

using Backends = ::testing::Types<RealBackend, FakeBackend>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, RealBackend> ? "Kernel" : "Fake";
  }
};
TYPED_TEST_SUITE(CgroupsContract, Backends, BackendNames);

TYPED_TEST(CgroupsContract, EnsureSetsLimitsThatUsageReports) {
  ASSERT_TRUE(this->cgroups_->Ensure("g", {.memory_bytes = 64 * kMiB, .pids = 32, .cpu_weight = 50}).ok());
  auto usage = this->cgroups_->Usage("g");
  ASSERT_TRUE(usage.ok()) << usage.status().ToString();
  EXPECT_EQ(usage->memory_max_bytes, 64 * kMiB);
  EXPECT_EQ(usage->pids_max, 32);
  EXPECT_EQ(usage->pids, 0);
  EXPECT_EQ(usage->cpu_weight, 50);
}

TYPED_TEST(CgroupsContract, EnsureAgainChangesLimitsBothWays) {
  ASSERT_TRUE(this->cgroups_->Ensure("g", {.memory_bytes = 64 * kMiB, .pids = 32, .cpu_weight = 100}).ok());
  ASSERT_TRUE(this->cgroups_->Ensure("g", {.memory_bytes = 16 * kMiB, .pids = 8, .cpu_weight = 200}).ok());
  EXPECT_EQ(this->cgroups_->Usage("g")->memory_max_bytes, 16 * kMiB);
  ASSERT_TRUE(this->cgroups_->Ensure("g", {.memory_bytes = 128 * kMiB, .pids = 64, .cpu_weight = 200}).ok());
  auto usage = this->cgroups_->Usage("g");
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(usage->memory_max_bytes, 128 * kMiB);
  EXPECT_EQ(usage->pids_max, 64);
  EXPECT_EQ(usage->cpu_weight, 200);
}

TYPED_TEST(CgroupsContract, RemoveOfAnAbsentGroupSucceedsAndUsageIsNotFound) {
  EXPECT_TRUE(this->cgroups_->Remove("g").ok());
  ASSERT_TRUE(this->cgroups_->Ensure("g", {.memory_bytes = 64 * kMiB, .pids = 32, .cpu_weight = 100}).ok());
  EXPECT_TRUE(this->cgroups_->Remove("g").ok());
  EXPECT_EQ(this->cgroups_->Usage("g").status().code(), Code::kNotFound);
  EXPECT_TRUE(this->cgroups_->Remove("g").ok());
}

TYPED_TEST(CgroupsContract, RefusesBadNamesAndLimits) {
  EXPECT_EQ(this->cgroups_->Ensure("../x", {.memory_bytes = kMiB, .pids = 1}).code(), Code::kInvalidArgument);
  EXPECT_EQ(this->cgroups_->Ensure("g", {.memory_bytes = 0, .pids = 1}).code(), Code::kInvalidArgument);
  EXPECT_EQ(this->cgroups_->Ensure("g", {.memory_bytes = kMiB, .pids = 1, .cpu_weight = 0}).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(this->cgroups_->Remove("a/b").code(), Code::kInvalidArgument);
}

// Real kernel only.
class KernelCgroupsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    parent_ = ParentName();
    auto made = KernelCgroups::Detect({.parent = parent_});
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    cgroups_ = std::move(*made);
  }
  void TearDown() override {
    EXPECT_TRUE(cgroups_->Remove("g").ok());
    RemoveParent(parent_);
  }
  // Forks a child that joins group "g" (unless `outside`) and runs `body`;
  // returns its wait status.
  template <typename Body>
  int RunChild(bool outside, Body body) {
    std::vector<std::string> files = cgroups_->ProcsFiles("g");
    pid_t pid = fork();
    if (pid == 0) {
      if (!outside) {
        std::string me = std::to_string(getpid());
        for (const auto& f : files) {
          int fd = open(f.c_str(), O_WRONLY);
          if (fd < 0 || write(fd, me.data(), me.size()) != static_cast<ssize_t>(me.size())) _exit(90);
          close(fd);
        }
      }
      _exit(body());
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
  }
  std::string parent_;
  std::unique_ptr<KernelCgroups> cgroups_;
};

int TouchMemory(size_t bytes) {
  char* p = static_cast<char*>(mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (p == MAP_FAILED) return 91;
  for (size_t i = 0; i < bytes; i += 4096) p[i] = 1;
  return 0;
}

TEST_F(KernelCgroupsTest, AMemoryHogIsKilledAtTheLimitWhileOneOutsideIsNot) {
  ASSERT_TRUE(cgroups_->Ensure("g", {.memory_bytes = 32 * kMiB, .pids = 16, .cpu_weight = 100}).ok());
  int inside = RunChild(false, [] { return TouchMemory(128 * kMiB); });
  ASSERT_TRUE(WIFSIGNALED(inside)) << "exit " << WEXITSTATUS(inside);
  EXPECT_EQ(WTERMSIG(inside), SIGKILL);
  int outside = RunChild(true, [] { return TouchMemory(128 * kMiB); });
  ASSERT_TRUE(WIFEXITED(outside));
  EXPECT_EQ(WEXITSTATUS(outside), 0);
}

TEST_F(KernelCgroupsTest, AForkBombStopsAtPidsMaxAndRemoveEndsIt) {
  ASSERT_TRUE(cgroups_->Ensure("g", {.memory_bytes = 256 * kMiB, .pids = 20, .cpu_weight = 100}).ok());
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  // The bomb forks children that sleep, until fork fails; it reports how
  // many it made, then sleeps too, leaving a full group behind.
  pid_t bomb = fork();
  if (bomb == 0) {
    std::string me = std::to_string(getpid());
    for (const auto& f : cgroups_->ProcsFiles("g")) {
      int fd = open(f.c_str(), O_WRONLY);
      if (fd < 0 || write(fd, me.data(), me.size()) < 0) _exit(90);
      close(fd);
    }
    int made = 0;
    for (int i = 0; i < 1000; ++i) {
      pid_t c = fork();
      if (c < 0) break;
      if (c == 0) {
        pause();
        _exit(0);
      }
      ++made;
    }
    (void)!write(pipefd[1], &made, sizeof made);
    pause();
    _exit(0);
  }
  close(pipefd[1]);
  int made = -1;
  ASSERT_EQ(read(pipefd[0], &made, sizeof made), static_cast<ssize_t>(sizeof made));
  close(pipefd[0]);
  EXPECT_EQ(made, 19);  // the bomb itself is the 20th
  auto usage = cgroups_->Usage("g");
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(usage->pids, 20);
  ASSERT_TRUE(cgroups_->Remove("g").ok());
  int status = 0;
  ASSERT_EQ(waitpid(bomb, &status, 0), bomb);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(cgroups_->Usage("g").status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace md

namespace md {
namespace {

// A tenant command (LocalCommandRunner) runs in the tenant's cgroup, as the
// tenant, unable to gain privileges: what a project's init gets.
TEST_F(KernelCgroupsTest, ATenantCommandRunsInItsCgroupAsTheTenantWithNoNewPrivs) {
  ASSERT_TRUE(cgroups_->Ensure("g", {.memory_bytes = 64 * kMiB, .pids = 16, .cpu_weight = 100}).ok());
  char dir[] = "/tmp/md-exec-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  ASSERT_EQ(chmod(dir, 0777), 0);
  const std::string out = std::string(dir) + "/out";
  LocalCommandRunner runner;
  Status ran = runner.RunAsTenant({.uid = 65534,
                                   .gid = 65534,
                                   .argv = {"sh", "-c", "{ id -u; cat /proc/self/cgroup; grep NoNewPrivs /proc/self/status; } > " + out},
                                   .cwd = dir,
                                   .cgroup_procs = cgroups_->ProcsFiles("g")});
  ASSERT_TRUE(ran.ok()) << ran.message();
  auto text = ReadFile(out);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->substr(0, text->find('\n')), "65534");
  EXPECT_NE(text->find(":/" + parent_ + "/g\n"), std::string::npos) << *text;
  EXPECT_NE(text->find("NoNewPrivs:\t1"), std::string::npos) << *text;
  // A procs file that cannot be written stops the command before it starts.
  Status refused = runner.RunAsTenant({.uid = 65534, .gid = 65534, .argv = {"touch", out + ".ran"}, .cwd = dir,
                                       .cgroup_procs = {"/nonexistent/cgroup.procs"}});
  EXPECT_FALSE(refused.ok());
  EXPECT_FALSE(PathExists(out + ".ran"));
  EXPECT_TRUE(RemoveTree(dir).ok());
}

}  // namespace
}  // namespace md
