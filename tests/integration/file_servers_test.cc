// The file servers against the real daemons: sshd (SFTP) and vsftpd
// (explicit FTPS) run from WriteFileServerFiles' configs, with accounts
// from PwdfileAccounts and a real throwaway Unix user; curl is the client.
// Needs root, openssh-server, vsftpd and libpam-pwdfile. The data dir is
// under /var/lib: sshd chroots only below root-owned dirs nobody else can
// write, which /tmp is not.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "core/files.h"
#include "core/process.h"
#include "core/random.h"
#include "drivers/files/file_servers.h"
#include "drivers/files/host_keys.h"
#include "drivers/files/password_hash.h"
#include "drivers/files/pwdfile_accounts.h"

namespace md {
namespace {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

bool Listening(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// Runs `argv` in the background, its output appended to `log`.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

class FileServersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (useradd, chroot)";
    for (const char* binary : {"/usr/sbin/sshd", "/usr/sbin/vsftpd"}) {
      if (!PathExists(binary)) GTEST_SKIP() << binary << " is not installed";
    }
    char tmpl[] = "/var/lib/md-files-test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    chmod(dir_.c_str(), 0755);
    tag_ = RandomHex(4);
    user_ = "mdft" + tag_;
    root_ = dir_ + "/tenants/t";
    ASSERT_TRUE(RunChecked({"useradd", "-M", "-U", "-s", "/usr/sbin/nologin", "-d", root_ + "/project", user_}).ok());
    ASSERT_TRUE(EnsureDirectory(root_, 0755).ok());
    ASSERT_TRUE(RunChecked({"install", "-d", "-m", "0750", "-o", user_, "-g", user_, root_ + "/project"}).ok());

    accounts_ = std::make_unique<PwdfileAccounts>(dir_ + "/files");
    s_ = {.ssh_dir = dir_ + "/ssh",
          .ftp_dir = dir_ + "/ftp",
          .roots_dir = accounts_->roots_dir(),
          .passwd_path = accounts_->passwd_path(),
          .pam_service = "meltanodata-files-test" + tag_,
          .sftp_port = FreePort(),
          .ftp_port = FreePort()};
    s_.passive_min = 40000 + static_cast<int>(std::stoul(RandomHex(2), nullptr, 16) % 500) * 40;
    s_.passive_max = s_.passive_min + 9;
    ASSERT_TRUE(EnsureDirectory(s_.ssh_dir, 0700).ok());
    ASSERT_TRUE(EnsureDirectory(s_.ftp_dir, 0755).ok());
    ASSERT_TRUE(EnsureHostKeys(s_.ssh_dir).ok());
    s_.host_key_paths = HostKeyPaths(s_.ssh_dir);
    s_.cert_file = s_.ftp_dir + "/cert.pem";
    s_.key_file = s_.ftp_dir + "/key.pem";
    ASSERT_TRUE(RunChecked({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                            "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", s_.key_file, "-out",
                            s_.cert_file})
                    .ok());
    Status written = WriteFileServerFiles(s_);
    ASSERT_TRUE(written.ok()) << written.message();
    sshd_ = Spawn({s_.sshd_link(), "-D", "-e", "-f", s_.sshd_config()}, dir_ + "/sshd.log");
    vsftpd_ = Spawn({s_.vsftpd_binary, s_.vsftpd_config()}, dir_ + "/vsftpd.out");
    for (int i = 0; i < 100 && !(Listening(s_.sftp_port) && Listening(s_.ftp_port)); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(Listening(s_.sftp_port)) << *ReadFile(dir_ + "/sshd.log");
    ASSERT_TRUE(Listening(s_.ftp_port)) << *ReadFile(dir_ + "/vsftpd.out");
    auto hash = HashPassword(password_);
    ASSERT_TRUE(hash.ok());
    ASSERT_TRUE(accounts_->Ensure({.user = user_, .root = root_, .password_hash = *hash}).ok());
    ASSERT_TRUE(WriteFileAtomic(dir_ + "/upload.txt", "hello " + tag_ + "\n", 0644).ok());
  }

  void TearDown() override {
    for (pid_t pid : {sshd_, vsftpd_}) {
      if (pid > 0) {
        kill(pid, SIGTERM);
        waitpid(pid, nullptr, 0);
      }
    }
    if (!user_.empty()) (void)RunProcess({"userdel", user_});
    if (!s_.pam_service.empty()) unlink(s_.pam_file().c_str());
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // curl's exit code for `args` (after the common ones).
  int Curl(std::vector<std::string> args) {
    std::vector<std::string> argv = {"curl", "-sS", "--max-time", "20"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = RunProcess(argv);
    last_output_ = r.ok() ? r->output : r.status().message();
    return r.ok() ? r->exit_code : -1;
  }
  std::string Sftp(const std::string& path) { return "sftp://127.0.0.1:" + std::to_string(s_.sftp_port) + path; }
  std::string Ftp(const std::string& path) { return "ftp://127.0.0.1:" + std::to_string(s_.ftp_port) + path; }
  std::string Login(const std::string& password) { return user_ + ":" + password; }
  // The fingerprint curl checks: the ECDSA key's, the one libssh2 picks first.
  std::string HostSha256() {
    auto keys = ReadHostKeys(s_.ssh_dir);
    for (const HostKey& key : *keys) {
      if (key.type.rfind("ecdsa", 0) == 0) return key.sha256.substr(7);
    }
    return "";
  }
  void ExpectOwnedByTenant(const std::string& rel) {
    struct stat st;
    ASSERT_EQ(stat((root_ + "/" + rel).c_str(), &st), 0) << rel;
    auto uid = RunChecked({"id", "-u", user_});
    EXPECT_EQ(std::to_string(st.st_uid) + "\n", *uid) << rel << " is the tenant's";
  }

  std::string dir_, tag_, user_, root_, last_output_;
  std::string password_ = "pw-" + RandomHex(8);
  std::unique_ptr<PwdfileAccounts> accounts_;
  FileServerSettings s_;
  pid_t sshd_ = -1, vsftpd_ = -1;
};

TEST_F(FileServersTest, SftpUploadLandsInProjectOwnedByTheTenant) {
  ASSERT_EQ(Curl({"--hostpubsha256", HostSha256(), "-u", Login(password_), "-T", dir_ + "/upload.txt",
                  Sftp("/project/up.txt")}),
            0)
      << last_output_;
  ExpectOwnedByTenant("project/up.txt");
  EXPECT_EQ(*ReadFile(root_ + "/project/up.txt"), "hello " + tag_ + "\n");
  EXPECT_NE(Curl({"--hostpubsha256", HostSha256(), "-u", Login(password_), "-T", dir_ + "/upload.txt",
                  Sftp("/up.txt")}),
            0)
      << "the chroot's root is not the tenant's to write";
  EXPECT_NE(Curl({"--hostpubsha256", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "-u", Login(password_),
                  Sftp("/project/")}),
            0)
      << "another host key is refused";
}

TEST_F(FileServersTest, FtpsUploadLandsInProjectAndPlainFtpIsRefused) {
  ASSERT_EQ(Curl({"--ssl-reqd", "--insecure", "-u", Login(password_), "-T", dir_ + "/upload.txt",
                  Ftp("/project/up.txt")}),
            0)
      << last_output_;
  ExpectOwnedByTenant("project/up.txt");
  ASSERT_EQ(Curl({"--ssl-reqd", "--insecure", "-u", Login(password_), Ftp("/")}), 0) << last_output_;
  EXPECT_NE(last_output_.find("project"), std::string::npos) << "the chroot's root lists the project";
  EXPECT_EQ(last_output_.find("tenants"), std::string::npos) << "nothing above the chroot";
  EXPECT_NE(Curl({"-u", Login(password_), Ftp("/")}), 0) << "a login without TLS is refused";
}

TEST_F(FileServersTest, WrongPasswordsAndRemovedAccountsCannotLogIn) {
  EXPECT_NE(Curl({"--insecure", "-u", Login(password_ + "x"), Sftp("/project/")}), 0);
  EXPECT_NE(Curl({"--ssl-reqd", "--insecure", "-u", Login("wrong"), Ftp("/")}), 0);
  EXPECT_NE(Curl({"--insecure", "-u", "root:" + password_, Sftp("/")}), 0);
  ASSERT_EQ(Curl({"--insecure", "-u", Login(password_), Sftp("/project/")}), 0) << last_output_;
  ASSERT_TRUE(accounts_->Remove(user_).ok());
  EXPECT_FALSE(*accounts_->Exists(user_));
  EXPECT_NE(Curl({"--insecure", "-u", Login(password_), Sftp("/project/")}), 0) << "SFTP login after Remove";
  EXPECT_NE(Curl({"--ssl-reqd", "--insecure", "-u", Login(password_), Ftp("/")}), 0) << "FTP login after Remove";
}

TEST_F(FileServersTest, HostKeysAreMadeOnceAndServed) {
  auto before = ReadHostKeys(s_.ssh_dir);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->size(), 3u);
  ASSERT_TRUE(EnsureHostKeys(s_.ssh_dir).ok());
  auto after = ReadHostKeys(s_.ssh_dir);
  for (size_t i = 0; i < before->size(); ++i) EXPECT_EQ((*before)[i].sha256, (*after)[i].sha256);
  auto scanned = RunChecked({"ssh-keyscan", "-p", std::to_string(s_.sftp_port), "-t", "ed25519", "127.0.0.1"});
  ASSERT_TRUE(scanned.ok());
  EXPECT_NE(scanned->find((*before)[0].blob_base64), std::string::npos) << *scanned;
}

}  // namespace
}  // namespace md
