// CertFiles: one contract suite run against DiskCertFiles in a temporary
// directory and against FakeCertFiles, so the fake cannot drift; then what
// only the disk has: modes, no temporary files left.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

#include "core/random.h"
#include "drivers/certs/disk_cert_files.h"
#include "drivers/certs/fake_cert_files.h"

namespace md {
namespace {

namespace fs = std::filesystem;

const PemPair kPem{.cert_pem = "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n",
                   .key_pem = "-----BEGIN PRIVATE KEY-----\nK\n-----END PRIVATE KEY-----\n"};

// Each test gets base/certs (the certificates' folder) and base/victim, a
// file beside it that no record's path may make the driver remove.
class CertFilesContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    base_ = (fs::temp_directory_path() / ("md-cert-files-" + RandomHex(6))).string();
    fs::create_directories(base_);
    certs_dir_ = base_ + "/certs";
    victim_ = base_ + "/victim";
    std::ofstream(victim_) << "keep me";
    if (GetParam() == "Disk") {
      files_ = std::make_unique<DiskCertFiles>(certs_dir_);
    } else {
      fake_ = new FakeCertFiles(certs_dir_);
      files_.reset(fake_);
    }
  }
  void TearDown() override { fs::remove_all(base_); }

  // Removes one file, as if lost from the disk.
  void Lose(const std::string& path) {
    if (fake_) {
      fake_->Lose(path);
    } else {
      fs::remove(path);
    }
  }
  PemPair Other() { return {.cert_pem = "other cert", .key_pem = "other key"}; }

  std::string base_, certs_dir_, victim_;
  std::unique_ptr<CertFiles> files_;
  FakeCertFiles* fake_ = nullptr;  // files_, when it is the fake
};

TEST_P(CertFilesContract, SavesAVersionUnderTheFolderAndLoadsIt) {
  auto saved = files_->Save("_.example.test+example.test", kPem);
  ASSERT_TRUE(saved.ok()) << saved.status().message();
  const std::string folder = certs_dir_ + "/_.example.test+example.test/";
  ASSERT_EQ(saved->cert_path.rfind(folder, 0), 0u) << saved->cert_path;
  std::string version = saved->cert_path.substr(folder.size());
  version = version.substr(0, version.find('/'));
  EXPECT_EQ(saved->cert_path, folder + version + "/cert.pem");
  EXPECT_EQ(saved->key_path, folder + version + "/key.pem");
  EXPECT_TRUE(files_->Exists(*saved));
  auto loaded = files_->Load(*saved);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->cert_pem, kPem.cert_pem);
  EXPECT_EQ(loaded->key_pem, kPem.key_pem);
}

TEST_P(CertFilesContract, EverySaveIsANewVersionAndLeavesTheOthersAlone) {
  // Quick saves (within one millisecond on disk) still get versions of their own.
  std::set<std::string> seen;
  std::vector<CertPaths> saved;
  for (int i = 0; i < 5; ++i) {
    auto paths = files_->Save("a.example.org", {.cert_pem = "cert " + std::to_string(i), .key_pem = "key"});
    ASSERT_TRUE(paths.ok());
    EXPECT_TRUE(seen.insert(paths->cert_path).second) << paths->cert_path << " saved twice";
    saved.push_back(*paths);
  }
  for (int i = 0; i < 5; ++i) EXPECT_EQ(files_->Load(saved[i])->cert_pem, "cert " + std::to_string(i));
}

TEST_P(CertFilesContract, AMissingFileIsNotFound) {
  auto saved = files_->Save("a.example.org", kPem);
  ASSERT_TRUE(saved.ok());
  Lose(saved->key_path);
  EXPECT_FALSE(files_->Exists(*saved));
  EXPECT_EQ(files_->Load(*saved).status().code(), Code::kNotFound);
  const std::string none = certs_dir_ + "/none/1";
  EXPECT_FALSE(files_->Exists({.cert_path = none + "/cert.pem", .key_path = none + "/key.pem"}));
}

TEST_P(CertFilesContract, RemoveVersionRemovesThatVersionOnly) {
  auto old_a = *files_->Save("a.example.org", kPem);
  auto new_a = *files_->Save("a.example.org", Other());
  auto b = *files_->Save("b.example.org", kPem);
  ASSERT_TRUE(files_->RemoveVersion("a.example.org", old_a).ok());
  EXPECT_FALSE(files_->Exists({.cert_path = old_a.cert_path, .key_path = new_a.key_path})) << "its cert goes";
  EXPECT_FALSE(files_->Exists({.cert_path = new_a.cert_path, .key_path = old_a.key_path})) << "and its key";
  EXPECT_EQ(files_->Load(new_a)->cert_pem, "other cert");
  EXPECT_TRUE(files_->Exists(b));
  EXPECT_TRUE(files_->RemoveVersion("a.example.org", old_a).ok()) << "absent is success";
}

TEST_P(CertFilesContract, RemoveVersionLeavesWhatIsNotAVersionOfTheFolder) {
  auto b = *files_->Save("b.example.org", kPem);
  const std::string b_version = b.cert_path.substr(0, b.cert_path.rfind('/'));
  const std::string via_a = certs_dir_ + "/a.example.org/../b.example.org" + b_version.substr(b_version.rfind('/'));
  const std::string a = certs_dir_ + "/a.example.org";
  const std::vector<CertPaths> not_versions = {
      b,                                                                   // another folder's
      {.cert_path = via_a + "/cert.pem", .key_path = via_a + "/key.pem"},  // the same, through ..
      {.cert_path = a + "/../cert.pem", .key_path = a + "/../key.pem"},    // the certs dir itself
      {.cert_path = a + "/cert.pem", .key_path = a + "/key.pem"},          // the folder itself
      {.cert_path = victim_, .key_path = victim_},                         // outside
      {.cert_path = a + "/1/cert.pem", .key_path = b_version + "/key.pem"},  // split over two folders
  };
  for (const CertPaths& paths : not_versions) {
    EXPECT_TRUE(files_->RemoveVersion("a.example.org", paths).ok()) << paths.cert_path;
    EXPECT_TRUE(files_->Exists(b)) << paths.cert_path;
  }
  EXPECT_TRUE(fs::exists(victim_));
}

TEST_P(CertFilesContract, RemoveFolderRemovesEveryVersion) {
  auto v1 = *files_->Save("a.example.org", kPem);
  auto v2 = *files_->Save("a.example.org", Other());
  auto b = *files_->Save("b.example.org", kPem);
  ASSERT_TRUE(files_->RemoveFolder("a.example.org").ok());
  EXPECT_FALSE(files_->Exists(v1));
  EXPECT_FALSE(files_->Exists(v2));
  EXPECT_TRUE(files_->Exists(b));
  EXPECT_TRUE(files_->RemoveFolder("a.example.org").ok()) << "absent is success";
}

TEST_P(CertFilesContract, AFolderIsOnePathComponent) {
  for (const std::string folder : {"", ".", "..", "a/b", "../victim"}) {
    EXPECT_EQ(files_->Save(folder, kPem).status().code(), Code::kInvalidArgument) << folder;
    EXPECT_EQ(files_->RemoveFolder(folder).code(), Code::kInvalidArgument) << folder;
  }
  EXPECT_TRUE(fs::exists(victim_));
}

INSTANTIATE_TEST_SUITE_P(Backends, CertFilesContract, ::testing::Values("Disk", "Fake"),
                         [](const auto& info) { return info.param; });

TEST(FakeCertFilesTest, FailNextFailsOneChangeAndChangesNothing) {
  FakeCertFiles files("/certs");
  files.FailNext(Unavailable("disk full"));
  EXPECT_EQ(files.Save("a.example.org", kPem).status().code(), Code::kUnavailable);
  EXPECT_TRUE(files.paths().empty());
  auto saved = files.Save("a.example.org", kPem);
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(files.paths(), (std::vector<std::string>{saved->cert_path, saved->key_path}));
}

// What only the disk has.
class DiskCertFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = (fs::temp_directory_path() / ("md-cert-files-" + RandomHex(6))).string();
    fs::create_directories(base_);
  }
  void TearDown() override { fs::remove_all(base_); }
  static mode_t ModeOf(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(lstat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }
  std::string base_;
};

TEST_F(DiskCertFilesTest, KeysAre0600In0700Folders) {
  const std::string certs = base_ + "/certs";
  fs::create_directory(certs);
  fs::permissions(certs, fs::perms::all);  // a folder made too open is closed again
  DiskCertFiles files(certs);
  auto saved = files.Save("a.example.org", kPem);
  ASSERT_TRUE(saved.ok()) << saved.status().message();
  const std::string version = saved->cert_path.substr(0, saved->cert_path.rfind('/'));
  EXPECT_EQ(ModeOf(certs), 0700u);
  EXPECT_EQ(ModeOf(certs + "/a.example.org"), 0700u);
  EXPECT_EQ(ModeOf(version), 0700u);
  EXPECT_EQ(ModeOf(saved->key_path), 0600u);
  EXPECT_EQ(ModeOf(saved->cert_path), 0600u);
}

TEST_F(DiskCertFilesTest, AVersionHoldsItsTwoFilesAndNoTemporaryOnes) {
  DiskCertFiles files(base_ + "/certs");
  auto saved = files.Save("a.example.org", kPem);
  ASSERT_TRUE(saved.ok());
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(saved->cert_path.substr(0, saved->cert_path.rfind('/')))) {
    names.insert(entry.path().filename().string());
  }
  EXPECT_EQ(names, (std::set<std::string>{"cert.pem", "key.pem"}));
}

TEST_F(DiskCertFilesTest, ASaveNeverWritesIntoAVersionThatExists) {
  // Saves within one millisecond, with a version of that millisecond there already.
  const std::string folder = base_ + "/certs/a.example.org";
  fs::create_directories(folder + "/1000");
  DiskCertFiles files(base_ + "/certs", [] { return int64_t{1000}; });
  auto first = files.Save("a.example.org", kPem);
  auto second = files.Save("a.example.org", kPem);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->cert_path, folder + "/1001/cert.pem");
  EXPECT_EQ(second->cert_path, folder + "/1002/cert.pem");
  EXPECT_TRUE(fs::is_empty(folder + "/1000"));
}

TEST_F(DiskCertFilesTest, RemovingAVersionOrFolderRemovesItFromTheDisk) {
  DiskCertFiles files(base_ + "/certs");
  auto v1 = *files.Save("a.example.org", kPem);
  auto v2 = *files.Save("a.example.org", kPem);
  ASSERT_TRUE(files.RemoveVersion("a.example.org", v1).ok());
  EXPECT_FALSE(fs::exists(v1.cert_path.substr(0, v1.cert_path.rfind('/'))));
  EXPECT_TRUE(fs::exists(v2.cert_path));
  ASSERT_TRUE(files.RemoveFolder("a.example.org").ok());
  EXPECT_FALSE(fs::exists(base_ + "/certs/a.example.org"));
  EXPECT_TRUE(fs::exists(base_ + "/certs"));
}

}  // namespace
}  // namespace md
