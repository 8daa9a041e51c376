// File access pieces that need no daemon: host key fingerprints and SSHFP
// values, password hashes, the fake accounts, and the daemons' configs.

#include <gtest/gtest.h>

#include "drivers/dns/dns_records.h"
#include "drivers/files/fake_file_accounts.h"
#include "drivers/files/file_servers.h"
#include "drivers/files/host_keys.h"
#include "drivers/files/password_hash.h"

namespace md {
namespace {

// ssh-keygen -lf and ssh-keygen -r (SSHFP) agree on this key.
constexpr const char* kEd25519 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIINosJrMaJsD63a3jNproVtc/+KIHEYDXVvm3lBEf2dE root@vm";

TEST(HostKeysTest, FingerprintsAsSshKeygenPrintsThem) {
  auto key = ParsePublicKey(kEd25519);
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_EQ(key->type, "ssh-ed25519");
  EXPECT_EQ(key->sha256, "SHA256:F9/B+gzwqKZx1K8S30bHMOS7jpV7eN+qMfPrXQXAP68");
  EXPECT_EQ(key->SshfpValue(), "4 2 17dfc1fa0cf0a8a671d4af12df46c730e4bb8e957b78dfaa31f3eb5d05c03faf");
}

TEST(HostKeysTest, RefusesAKeyWhoseBlobIsOfAnotherType) {
  std::string line = kEd25519;
  line.replace(0, 11, "ssh-rsa");
  EXPECT_FALSE(ParsePublicKey(line).ok());
  EXPECT_FALSE(ParsePublicKey("ssh-ed25519 not-base64!").ok());
  EXPECT_FALSE(ParsePublicKey("ssh-unknown AAAA").ok());
  EXPECT_FALSE(ParsePublicKey("").ok());
}

TEST(HostKeysTest, KnownHostsPatternBracketsOtherPorts) {
  EXPECT_EQ(KnownHostsPattern("a.example.test", 22), "a.example.test");
  EXPECT_EQ(KnownHostsPattern("a.example.test", 2022), "[a.example.test]:2022");
}

TEST(PasswordHashTest, HashesWithAFreshSaltAndMatchesOnlyThePassword) {
  auto one = HashPassword("s3cret");
  auto two = HashPassword("s3cret");
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(one->rfind("$y$", 0), 0u) << *one;
  EXPECT_NE(*one, *two);
  EXPECT_TRUE(PasswordMatches("s3cret", *one));
  EXPECT_FALSE(PasswordMatches("s3cret ", *one));
  EXPECT_FALSE(HashPassword("").ok());
}

TEST(SshfpRecordTest, CanonicalValueIsLowerCaseWithSingleSpaces) {
  EXPECT_EQ(*dns_records::CanonicalValue("SSHFP", "4  2 ABCDEF01"), "4 2 abcdef01");
  EXPECT_FALSE(dns_records::CanonicalValue("SSHFP", "4 2 abc").ok()) << "odd number of digits";
  EXPECT_FALSE(dns_records::CanonicalValue("SSHFP", "0 2 ab").ok());
  EXPECT_FALSE(dns_records::CanonicalValue("SSHFP", "4 2 zz").ok());
  EXPECT_FALSE(dns_records::CanonicalValue("SSHFP", "4 2 ab extra").ok());
}

TEST(FakeFileAccountsTest, RefusesBadNamesAndPlainPasswords) {
  FakeFileAccounts accounts;
  EXPECT_FALSE(accounts.Ensure({"../x", "/r", "$y$x"}).ok());
  EXPECT_FALSE(accounts.Ensure({"md-a", "relative", "$y$x"}).ok());
  EXPECT_FALSE(accounts.Ensure({"md-a", "/r", "plain"}).ok());
  ASSERT_TRUE(accounts.Ensure({"md-a", "/r", "$y$x"}).ok());
  EXPECT_TRUE(*accounts.Exists("md-a"));
  ASSERT_TRUE(accounts.Remove("md-a").ok());
  ASSERT_TRUE(accounts.Remove("md-a").ok()) << "gone is success";
  EXPECT_FALSE(*accounts.Exists("md-a"));
}

FileServerSettings Settings() {
  return {.ssh_dir = "/d/ssh",
          .ftp_dir = "/d/ftp",
          .roots_dir = "/d/files/roots",
          .passwd_path = "/d/files/passwd",
          .pam_service = "meltanodata-files-0123abcd",
          .cert_file = "/d/ftp/cert.pem",
          .key_file = "/d/ftp/key.pem",
          .host_key_paths = {"/d/ssh/ssh_host_ed25519_key"}};
}

TEST(FileServersTest, SshdIsSftpOnlyChrootedAndAsksPamByItsName) {
  FileServerSettings s = Settings();
  std::string config = RenderSshdConfig(s);
  for (const char* line : {"Port 2022\n", "HostKey /d/ssh/ssh_host_ed25519_key\n", "UsePAM yes\n",
                           "PermitRootLogin no\n", "AllowTcpForwarding no\n", "PermitTTY no\n",
                           "ChrootDirectory /d/files/roots/%u\n", "ForceCommand internal-sftp -u 0027 -d /project\n"}) {
    EXPECT_NE(config.find(line), std::string::npos) << line;
  }
  EXPECT_NE(RenderSftpRunScript(s).find("'/d/ssh/meltanodata-files-0123abcd' -D -e -f '/d/ssh/sshd_config'"),
            std::string::npos);
  EXPECT_NE(RenderPamService(s).find("pam_pwdfile.so pwdfile=/d/files/passwd"), std::string::npos);
}

TEST(FileServersTest, VsftpdRequiresTlsAndChrootsToTheRootNeverWritable) {
  std::string config = RenderVsftpdConfig(Settings());
  for (const char* line : {"listen_port=2021\n", "local_root=/d/files/roots/$USER\n", "chroot_local_user=YES\n",
                           "allow_writeable_chroot=NO\n", "force_local_logins_ssl=YES\n",
                           "force_local_data_ssl=YES\n", "anonymous_enable=NO\n",
                           "pam_service_name=meltanodata-files-0123abcd\n", "pasv_min_port=21000\n"}) {
    EXPECT_NE(config.find(line), std::string::npos) << line;
  }
}

TEST(FileServersTest, RunScriptsChangeWithTheirConfigs) {
  FileServerSettings s = Settings();
  std::string before_sftp = RenderSftpRunScript(s), before_ftp = RenderFtpRunScript(s);
  s.sftp_port = 2222;
  s.ftp_port = 2121;
  EXPECT_NE(RenderSftpRunScript(s), before_sftp);
  EXPECT_NE(RenderFtpRunScript(s), before_ftp);
}

TEST(FileServersTest, RefusesClashingPortsAndUnsafePaths) {
  FileServerSettings s = Settings();
  EXPECT_TRUE(ValidateFileServerSettings(s).ok());
  s.ftp_port = s.sftp_port;
  EXPECT_FALSE(ValidateFileServerSettings(s).ok());
  s = Settings();
  s.passive_min = 2000;
  s.passive_max = 2100;
  EXPECT_FALSE(ValidateFileServerSettings(s).ok()) << "passive range holds the control ports";
  s = Settings();
  s.roots_dir = "/d/with space";
  EXPECT_FALSE(ValidateFileServerSettings(s).ok());
  s = Settings();
  s.pam_service = "../evil";
  EXPECT_FALSE(ValidateFileServerSettings(s).ok());
}

}  // namespace
}  // namespace md
