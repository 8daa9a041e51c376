// `serve --config FILE`: the retention and signup limit keys.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/files.h"
#include "core/random.h"
#include "main/server_config.h"

namespace md {
namespace {

namespace fs = std::filesystem;

class ServerConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("md-config-" + RandomHex(6));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Result<ServerConfig> Load(const std::string& toml) {
    const std::string path = (dir_ / "config.toml").string();
    EXPECT_TRUE(WriteFileAtomic(path, toml, 0600).ok());
    std::vector<std::string> args = {"serve", "--data-dir", (dir_ / "data").string(), "--config", path};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    return ParseServeArgs(static_cast<int>(argv.size()), argv.data());
  }

  fs::path dir_;
};

TEST_F(ServerConfigTest, AuditRetentionDefaultsToAYearAndIsChecked) {
  EXPECT_EQ(Load("")->audit_retention_days, 365);
  EXPECT_EQ(Load("audit_retention_days = 30\n")->audit_retention_days, 30);
  for (const char* bad : {"audit_retention_days = 0\n", "audit_retention_days = 3651\n"}) {
    auto got = Load(bad);
    ASSERT_EQ(got.status().code(), Code::kInvalidArgument) << bad;
    EXPECT_NE(got.status().message().find("audit_retention_days must be 1-3650"), std::string::npos);
  }
}

TEST_F(ServerConfigTest, PerEmailLimitTakesItsOldNameToo) {
  EXPECT_EQ(Load("")->signup_per_email_per_hour, 5);
  EXPECT_EQ(Load("[signup]\nper_email_per_hour = 3\n")->signup_per_email_per_hour, 3);
  EXPECT_EQ(Load("[signup]\nper_client_per_hour = 4\n")->signup_per_email_per_hour, 4);
  EXPECT_EQ(Load("[signup]\nper_email_per_hour = 3\nper_client_per_hour = 4\n").status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Load("[signup]\nper_email_per_hour = 0\n").status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace md
