// TenantFs: one contract suite run against LinuxTenantFs in a temporary
// directory and against FakeTenantFs, so the fake cannot drift; then attacks
// only the real backend can meet (devices, huge sparse files, races).

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "core/random.h"
#include "drivers/tenant_fs/fake_tenant_fs.h"
#include "drivers/tenant_fs/linux_tenant_fs.h"

namespace md {
namespace {

namespace fs = std::filesystem;

constexpr const char* kVictimText = "root-only: do not show";

// A backend under test, and a tenant's hands on the same tree: what it plants
// the driver must not be fooled by. Paths are absolute.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual TenantFs& fs() = 0;
  virtual void PlantFile(const std::string& path, const std::string& content) = 0;
  virtual void PlantDir(const std::string& path) = 0;
  virtual void PlantSymlink(const std::string& path, const std::string& target) = 0;
  virtual void PlantFifo(const std::string& path) = 0;
  virtual void PlantHardLink(const std::string& path, const std::string& existing) = 0;
  // A regular file's content, as the kernel (or the fake) holds it.
  virtual std::optional<std::string> Content(const std::string& path) = 0;
  // A symlink's target.
  virtual std::optional<std::string> LinkTarget(const std::string& path) = 0;
};

class RealBackend final : public Backend {
 public:
  TenantFs& fs() override { return fs_; }
  void PlantFile(const std::string& path, const std::string& content) override {
    std::ofstream(path, std::ios::binary) << content;
  }
  void PlantDir(const std::string& path) override { fs::create_directory(path); }
  void PlantSymlink(const std::string& path, const std::string& target) override {
    ASSERT_EQ(symlink(target.c_str(), path.c_str()), 0);
  }
  void PlantFifo(const std::string& path) override { ASSERT_EQ(mkfifo(path.c_str(), 0600), 0); }
  void PlantHardLink(const std::string& path, const std::string& existing) override {
    ASSERT_EQ(link(existing.c_str(), path.c_str()), 0);
  }
  std::optional<std::string> Content(const std::string& path) override {
    if (!fs::is_regular_file(fs::symlink_status(path))) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::optional<std::string> LinkTarget(const std::string& path) override {
    if (!fs::is_symlink(fs::symlink_status(path))) return std::nullopt;
    return fs::read_symlink(path).string();
  }

 private:
  LinuxTenantFs fs_;
};

class FakeBackend final : public Backend {
 public:
  TenantFs& fs() override { return fs_; }
  void PlantFile(const std::string& path, const std::string& content) override {
    fs_.Plant(path, {.type = FileType::kRegular, .content = content});
  }
  void PlantDir(const std::string& path) override { fs_.Plant(path, {.type = FileType::kDirectory, .mode = 0755}); }
  void PlantSymlink(const std::string& path, const std::string& target) override {
    fs_.Plant(path, {.type = FileType::kSymlink, .content = target});
  }
  void PlantFifo(const std::string& path) override { fs_.Plant(path, {.type = FileType::kFifo}); }
  void PlantHardLink(const std::string& path, const std::string& existing) override {
    auto entry = fs_.Get(existing);
    ASSERT_TRUE(entry);
    entry->links = 2;
    fs_.Plant(existing, *entry);
    fs_.Plant(path, *entry);
  }
  std::optional<std::string> Content(const std::string& path) override {
    auto entry = fs_.Get(path);
    if (!entry || entry->type != FileType::kRegular) return std::nullopt;
    return entry->content;
  }
  std::optional<std::string> LinkTarget(const std::string& path) override {
    auto entry = fs_.Get(path);
    if (!entry || entry->type != FileType::kSymlink) return std::nullopt;
    return entry->content;
  }

 private:
  FakeTenantFs fs_;
};

// Each test gets base/root (the trusted root) and base/victim, a file outside
// it that a tenant would like root to read or overwrite.
class TenantFsContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    base_ = (fs::temp_directory_path() / ("md-tenant-fs-" + RandomHex(6))).string();
    fs::create_directories(base_ + "/root");
    if (GetParam() == "Linux") {
      backend_ = std::make_unique<RealBackend>();
    } else {
      backend_ = std::make_unique<FakeBackend>();
    }
    root_ = base_ + "/root";
    victim_ = base_ + "/victim";
    backend_->PlantFile(victim_, kVictimText);
  }
  void TearDown() override { fs::remove_all(base_); }

  TenantFs& fs() { return backend_->fs(); }
  std::string At(const std::string& rel) { return root_ + "/" + rel; }
  Owner Me() { return {getuid(), getgid()}; }

  std::string base_, root_, victim_;
  std::unique_ptr<Backend> backend_;
};

TEST_P(TenantFsContract, WritesAndReadsBackWithModeAndOwner) {
  ASSERT_TRUE(fs().EnsureDirectory(root_, "d", 0750, Me()).ok());
  ASSERT_TRUE(fs().WriteFile(root_, "d/f", "hello\n", 0640, Me()).ok());
  EXPECT_EQ(*fs().ReadFile(root_, "d/f", 100), "hello\n");
  auto info = fs().Stat(root_, "d/f");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->type, FileType::kRegular);
  EXPECT_EQ(info->mode, 0640u);
  EXPECT_EQ(info->uid, getuid());
  EXPECT_EQ(fs().Stat(root_, "d")->mode, 0750u);
  ASSERT_TRUE(fs().WriteFile(root_, "d/f", "again", 0600, Me()).ok());
  EXPECT_EQ(*fs().ReadFile(root_, "d/f", 100), "again");
}

TEST_P(TenantFsContract, RefusesSymlinkAsFinalComponent) {
  backend_->PlantSymlink(At("log"), victim_);
  auto read = fs().ReadFile(root_, "log", 1000);
  EXPECT_EQ(read.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(read.status().message(), "log is a symlink; not followed");
  EXPECT_FALSE(fs().ReadSlice(root_, "log", -1, 1000).ok());
  EXPECT_EQ(fs().Stat(root_, "log")->type, FileType::kSymlink);
}

TEST_P(TenantFsContract, RefusesSymlinkedDirectoryOnTheWay) {
  backend_->PlantDir(base_ + "/elsewhere");
  backend_->PlantFile(base_ + "/elsewhere/f", kVictimText);
  backend_->PlantSymlink(At("d"), base_ + "/elsewhere");
  for (auto status : {fs().ReadFile(root_, "d/f", 1000).status(), fs().ReadSlice(root_, "d/f", 0, 10).status(),
                      fs().Stat(root_, "d/f").status(), fs().ListDirectory(root_, "d").status(),
                      fs().WriteFile(root_, "d/f", "x", 0600, Me()), fs().EnsureDirectory(root_, "d/e", 0700, Me())}) {
    EXPECT_EQ(status.code(), Code::kFailedPrecondition) << status.message();
    EXPECT_EQ(status.message(), "d is a symlink; not followed");
  }
  EXPECT_EQ(*backend_->Content(base_ + "/elsewhere/f"), kVictimText);
}

TEST_P(TenantFsContract, RefusesFifoWithoutBlocking) {
  backend_->PlantFifo(At("fifo"));
  auto read = fs().ReadFile(root_, "fifo", 1000);
  EXPECT_EQ(read.status().message(), "fifo is a FIFO, not a regular file");
  EXPECT_FALSE(fs().ReadSlice(root_, "fifo", 0, 1000).ok());
}

TEST_P(TenantFsContract, RefusesHardLinkedFile) {
  backend_->PlantHardLink(At("hard"), victim_);
  auto read = fs().ReadFile(root_, "hard", 1000);
  EXPECT_EQ(read.status().message(), "hard has 2 hard links; refused");
}

TEST_P(TenantFsContract, RefusesFileLargerThanTheCap) {
  backend_->PlantFile(At("big"), std::string(5000, 'x'));
  auto read = fs().ReadFile(root_, "big", 4096);
  EXPECT_EQ(read.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(read.status().message(), "big is larger than 4096 bytes");
  EXPECT_EQ(fs().ReadFile(root_, "big", 5000)->size(), 5000u);
}

TEST_P(TenantFsContract, RefusesDotDotAbsoluteAndEmptyPaths) {
  backend_->PlantDir(At("d"));
  for (const char* rel : {"../victim", "d/../../victim", "/etc/passwd", "", "d//f", "./d", "d/."}) {
    EXPECT_EQ(fs().ReadFile(root_, rel, 1000).status().code(), Code::kInvalidArgument) << rel;
    EXPECT_EQ(fs().WriteFile(root_, rel, "x", 0600, Me()).code(), Code::kInvalidArgument) << rel;
    EXPECT_EQ(fs().RemoveTree(root_, rel).code(), Code::kInvalidArgument) << rel;
  }
  EXPECT_EQ(*backend_->Content(victim_), kVictimText);
}

TEST_P(TenantFsContract, MissingIsNotFoundAndRemovingItIsSuccess) {
  EXPECT_EQ(fs().ReadFile(root_, "nope", 10).status().code(), Code::kNotFound);
  EXPECT_EQ(fs().ReadFile(root_, "no/such", 10).status().code(), Code::kNotFound);
  EXPECT_EQ(fs().Stat(root_, "nope").status().code(), Code::kNotFound);
  EXPECT_TRUE(fs().RemoveTree(root_, "nope").ok());
  EXPECT_TRUE(fs().RemoveTree(root_, "no/such").ok());
  EXPECT_EQ(fs().WriteFile(root_, "no/such", "x", 0600, Me()).code(), Code::kNotFound);
}

TEST_P(TenantFsContract, WriteReplacesASymlinkInsteadOfWritingThroughIt) {
  backend_->PlantSymlink(At(".env"), victim_);
  ASSERT_TRUE(fs().WriteFile(root_, ".env", "A=1\n", 0640, Me()).ok());
  EXPECT_EQ(*backend_->Content(victim_), kVictimText);
  EXPECT_EQ(fs().Stat(root_, ".env")->type, FileType::kRegular);
  EXPECT_EQ(*fs().ReadFile(root_, ".env", 100), "A=1\n");
}

TEST_P(TenantFsContract, WriteRefusesADirectoryTarget) {
  backend_->PlantDir(At(".env"));
  Status s = fs().WriteFile(root_, ".env", "A=1\n", 0640, Me());
  EXPECT_EQ(s.code(), Code::kFailedPrecondition);
  EXPECT_EQ(s.message(), ".env is a directory; not replaced");
}

TEST_P(TenantFsContract, EnsureDirectoryRefusesASymlinkAndFixesTheMode) {
  backend_->PlantDir(base_ + "/elsewhere");
  backend_->PlantSymlink(At("logs"), base_ + "/elsewhere");
  Status s = fs().EnsureDirectory(root_, "logs", 0700, Me());
  EXPECT_EQ(s.message(), "logs is a symlink; not followed");
  ASSERT_TRUE(fs().EnsureDirectory(root_, "d", 0700, Me()).ok());
  ASSERT_TRUE(fs().EnsureDirectory(root_, "d", 0750, Me()).ok());
  EXPECT_EQ(fs().Stat(root_, "d")->mode, 0750u);
  backend_->PlantFile(At("file"), "x");
  EXPECT_EQ(fs().EnsureDirectory(root_, "file", 0700, Me()).message(), "file is a regular file, not a directory");
}

TEST_P(TenantFsContract, ANewEntryKeepsItsCreatorsOwnerByDefault) {
  ASSERT_TRUE(fs().EnsureDirectory(root_, "d", 0750, {}).ok());
  ASSERT_TRUE(fs().WriteFile(root_, "d/f", "x", 0600, {}).ok());
  for (const char* rel : {"d", "d/f"}) {
    EXPECT_EQ(fs().Stat(root_, rel)->uid, geteuid()) << rel;
    EXPECT_EQ(fs().Stat(root_, rel)->gid, getegid()) << rel;
  }
}

TEST_P(TenantFsContract, EnsureDirectoryKeepsTheOwnerItIsNotGiven) {
  if (geteuid() != 0) GTEST_SKIP() << "chown to another user needs root";
  ASSERT_TRUE(fs().EnsureDirectory(root_, "d", 0750, {54321, 54321}).ok());
  ASSERT_TRUE(fs().EnsureDirectory(root_, "d", 0700, {}).ok());
  EXPECT_EQ(fs().Stat(root_, "d")->uid, 54321u);
  ASSERT_TRUE(fs().EnsureDirectory(root_, "d", 0700, {.gid = 54322}).ok());
  EXPECT_EQ(fs().Stat(root_, "d")->uid, 54321u);
  EXPECT_EQ(fs().Stat(root_, "d")->gid, 54322u);
}

TEST_P(TenantFsContract, ReplaceSymlinkPointsTheLinkAnewEachTime) {
  ASSERT_TRUE(fs().ReplaceSymlink(root_, "current", "1.0.0").ok());
  EXPECT_EQ(fs().Stat(root_, "current")->type, FileType::kSymlink);
  EXPECT_EQ(backend_->LinkTarget(At("current")), "1.0.0");
  ASSERT_TRUE(fs().ReplaceSymlink(root_, "current", "1.1.0").ok());
  EXPECT_EQ(backend_->LinkTarget(At("current")), "1.1.0");
  EXPECT_EQ(fs().ListDirectory(root_, "")->size(), 1u) << "no temporary link is left behind";
}

TEST_P(TenantFsContract, ReplaceSymlinkReplacesWhatATenantPlantedWithoutFollowingIt) {
  backend_->PlantDir(base_ + "/elsewhere");
  backend_->PlantSymlink(At("current"), base_ + "/elsewhere");
  ASSERT_TRUE(fs().ReplaceSymlink(root_, "current", "1.0.0").ok());
  EXPECT_EQ(backend_->LinkTarget(At("current")), "1.0.0");
  EXPECT_EQ(fs().ListDirectory(base_, "elsewhere")->size(), 0u);
  backend_->PlantFile(At("file"), "x");
  ASSERT_TRUE(fs().ReplaceSymlink(root_, "file", "1.0.0").ok());
  EXPECT_EQ(backend_->LinkTarget(At("file")), "1.0.0");
}

TEST_P(TenantFsContract, ReplaceSymlinkRefusesADirectoryAndALinkOnTheWay) {
  backend_->PlantDir(At("current"));
  Status s = fs().ReplaceSymlink(root_, "current", "1.0.0");
  EXPECT_EQ(s.code(), Code::kFailedPrecondition);
  EXPECT_EQ(s.message(), "current is a directory; not replaced");
  backend_->PlantDir(base_ + "/elsewhere");
  backend_->PlantSymlink(At("app"), base_ + "/elsewhere");
  EXPECT_EQ(fs().ReplaceSymlink(root_, "app/current", "1.0.0").message(), "app is a symlink; not followed");
  EXPECT_EQ(fs().ListDirectory(base_, "elsewhere")->size(), 0u);
  EXPECT_EQ(fs().ReplaceSymlink(root_, "link", "").code(), Code::kInvalidArgument);
}

TEST_P(TenantFsContract, RemoveTreeRemovesLinksButNotWhatTheyPointAt) {
  backend_->PlantDir(base_ + "/elsewhere");
  backend_->PlantFile(base_ + "/elsewhere/keep", "keep");
  backend_->PlantDir(At("t"));
  backend_->PlantDir(At("t/sub"));
  backend_->PlantFile(At("t/sub/f"), "x");
  backend_->PlantSymlink(At("t/dirlink"), base_ + "/elsewhere");
  backend_->PlantSymlink(At("t/sub/filelink"), victim_);
  backend_->PlantFifo(At("t/fifo"));
  ASSERT_TRUE(fs().RemoveTree(root_, "t").ok());
  EXPECT_EQ(fs().Stat(root_, "t").status().code(), Code::kNotFound);
  EXPECT_EQ(*backend_->Content(victim_), kVictimText);
  EXPECT_EQ(*backend_->Content(base_ + "/elsewhere/keep"), "keep");
  backend_->PlantSymlink(At("link"), base_ + "/elsewhere");
  ASSERT_TRUE(fs().RemoveTree(root_, "link").ok());
  EXPECT_EQ(*backend_->Content(base_ + "/elsewhere/keep"), "keep");
}

TEST_P(TenantFsContract, ListDirectoryGivesNamesAndTypesWithoutFollowing) {
  backend_->PlantDir(At("d"));
  backend_->PlantFile(At("d/b"), "x");
  backend_->PlantSymlink(At("d/a"), victim_);
  backend_->PlantFifo(At("d/c"));
  backend_->PlantDir(At("d/e"));
  backend_->PlantFile(At("d/e/deeper"), "x");
  auto list = fs().ListDirectory(root_, "d");
  ASSERT_TRUE(list.ok()) << list.status().message();
  ASSERT_EQ(list->size(), 4u);
  EXPECT_EQ((*list)[0].name, "a");
  EXPECT_EQ((*list)[0].type, FileType::kSymlink);
  EXPECT_EQ((*list)[1].type, FileType::kRegular);
  EXPECT_EQ((*list)[2].type, FileType::kFifo);
  EXPECT_EQ((*list)[3].type, FileType::kDirectory);
  auto top = fs().ListDirectory(root_, "");
  ASSERT_TRUE(top.ok());
  ASSERT_EQ(top->size(), 1u);
  EXPECT_EQ((*top)[0].name, "d");
}

TEST_P(TenantFsContract, ReadSliceReadsTheTailOrARange) {
  backend_->PlantFile(At("log"), "0123456789");
  auto tail = fs().ReadSlice(root_, "log", -1, 4);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(tail->data, "6789");
  EXPECT_EQ(tail->offset, 6);
  EXPECT_EQ(tail->size, 10);
  auto range = fs().ReadSlice(root_, "log", 2, 3);
  EXPECT_EQ(range->data, "234");
  EXPECT_EQ(range->id, tail->id);
  EXPECT_EQ(fs().ReadSlice(root_, "log", 20, 3)->data, "");
  EXPECT_EQ(fs().ReadSlice(root_, "log", -1, 100)->data, "0123456789");
}

INSTANTIATE_TEST_SUITE_P(Backends, TenantFsContract, ::testing::Values("Linux", "Fake"),
                         [](const auto& info) { return info.param; });

// Attacks only the real backend meets.
class LinuxTenantFsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = (fs::temp_directory_path() / ("md-tenant-fs-" + RandomHex(6))).string();
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string At(const std::string& rel) { return root_ + "/" + rel; }

  std::string root_;
  LinuxTenantFs fs_;
};

TEST_F(LinuxTenantFsTest, RefusesASymlinkToDevZero) {
  ASSERT_EQ(symlink("/dev/zero", At("log").c_str()), 0);
  EXPECT_EQ(fs_.ReadFile(root_, "log", 1 << 20).status().message(), "log is a symlink; not followed");
  EXPECT_FALSE(fs_.ReadSlice(root_, "log", 0, 1 << 20).ok());
}

TEST_F(LinuxTenantFsTest, RefusesADeviceNode) {
  if (geteuid() != 0) GTEST_SKIP() << "mknod of a device needs root";
  ASSERT_EQ(mknod(At("zero").c_str(), S_IFCHR | 0600, makedev(1, 5)), 0);
  EXPECT_EQ(fs_.ReadFile(root_, "zero", 1 << 20).status().message(),
            "zero is a character device, not a regular file");
}

TEST_F(LinuxTenantFsTest, CapsWhatItReadsOfAHugeFile) {
  {
    std::ofstream(At("huge")) << "";
  }
  fs::resize_file(At("huge"), int64_t{10} << 30);  // sparse: 10 GiB, no disk used
  EXPECT_EQ(fs_.ReadFile(root_, "huge", 1 << 20).status().message(), "huge is larger than 1048576 bytes");
  auto tail = fs_.ReadSlice(root_, "huge", -1, 4096);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(tail->data.size(), 4096u);
  EXPECT_EQ(tail->size, int64_t{10} << 30);
}

TEST_F(LinuxTenantFsTest, SetsTheOwnerThroughTheDescriptor) {
  if (geteuid() != 0) GTEST_SKIP() << "chown to another user needs root";
  ASSERT_TRUE(fs_.EnsureDirectory(root_, "d", 0750, {54321, 54321}).ok());
  ASSERT_TRUE(fs_.WriteFile(root_, "d/f", "x", 0600, {54321, 54321}).ok());
  EXPECT_EQ(fs_.Stat(root_, "d")->uid, 54321u);
  EXPECT_EQ(fs_.Stat(root_, "d/f")->gid, 54321u);
}

// A tenant swaps its log directory for a symlink to a root-only directory as
// fast as it can while root reads: root never gets the other file's bytes.
TEST_F(LinuxTenantFsTest, NeverReadsOutsideWhileADirectoryIsSwappedForASymlink) {
  fs::create_directories(At("secret"));
  std::ofstream(At("secret/current")) << kVictimText;
  fs::create_directories(At("t/logs"));
  std::ofstream(At("t/logs/current")) << "tenant log\n";
  std::atomic<bool> stop{false};
  std::thread swapper([&] {
    while (!stop) {
      rename(At("t/logs").c_str(), At("t/real").c_str());
      symlink(At("secret").c_str(), At("t/logs").c_str());
      unlink(At("t/logs").c_str());
      rename(At("t/real").c_str(), At("t/logs").c_str());
    }
  });
  for (int i = 0; i < 3000; ++i) {
    auto text = fs_.ReadFile(At("t"), "logs/current", 1000);
    if (text.ok()) {
      EXPECT_EQ(*text, "tenant log\n");
    }
  }
  stop = true;
  swapper.join();
}

}  // namespace
}  // namespace md
